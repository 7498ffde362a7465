// The JSON shapes of Alertmanager's API v2 (api/v2/openapi.yaml, api/v2/compat.go), and its time
// format: go-openapi's strfmt.DateTime marshals RFC 3339 with milliseconds, `2024-01-01T00:00:00.000Z`.
import { silenceState } from '@phoenix-alerting/core';
import type { Alert, AlertMark, ApiMatcher, Labels, Silence } from '@phoenix-alerting/core';

/** Go's zero `time.Time`, which Alertmanager prints for an unset time. */
const GO_ZERO_TIME = -62135596800000;

// Alerts of one batch share their times: a list of 100k alerts formats a few thousand distinct ones.
const formatted = new Map<number, string>();
const MAX_FORMATTED = 4_096;

/** Formats ms since the epoch as Alertmanager's API does; 0 (unset) is Go's zero time. */
export function formatApiTime(ms: number): string {
  let text = formatted.get(ms);
  if (text === undefined) {
    text = new Date(ms === 0 ? GO_ZERO_TIME : ms).toISOString();
    if (formatted.size >= MAX_FORMATTED) formatted.clear();
    formatted.set(ms, text);
  }
  return text;
}

// RFC 3339, as strfmt.ParseDateTime accepts it (a missing offset reads as UTC).
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})?$/;

const parsed = new Map<string, number | undefined>();
const MAX_PARSED = 4_096;

/**
 * Parses an API time. Returns ms since the epoch, 0 for Go's zero time (unset), or `undefined`
 * when `text` is not an RFC 3339 date-time. Sub-millisecond digits are dropped.
 */
export function parseApiTime(text: string): number | undefined {
  // Prometheus sends the alerts of one evaluation with the same times, so a batch of 100 alerts
  // parses a handful of distinct strings; parsing each anew was 7 % of the ingest CPU in the storm.
  // Only strings as long as a valid time can be are kept (the longest is 35 characters).
  if (text.length > 35) return undefined;
  let ms = parsed.get(text);
  if (ms === undefined && !parsed.has(text)) {
    ms = parseUncached(text);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(text, ms);
  }
  return ms;
}

function parseUncached(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as number[];
  // Reject what Go's time.Parse rejects: out-of-range fields and dates that do not exist.
  const date = new Date(Date.UTC(2000, mo! - 1, d!));
  date.setUTCFullYear(y!);
  if (mo! < 1 || mo! > 12 || date.getUTCDate() !== d || h! > 23 || mi! > 59 || s! > 59)
    return undefined;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const ms = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}${offset}`);
  if (Number.isNaN(ms)) return undefined;
  return ms <= GO_ZERO_TIME ? 0 : ms;
}

/** `labelSet`: names to values, keys in Go's (byte) order as encoding/json writes maps. */
function labelSet(labels: Labels): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const name of Object.keys(labels).sort()) sorted[name] = labels[name]!;
  return sorted;
}

/** `gettableAlert`, fields in the order go-swagger writes them. */
export interface GettableAlert {
  annotations: Record<string, string>;
  endsAt: string;
  fingerprint: string;
  receivers: { name: string }[];
  startsAt: string;
  status: { inhibitedBy: string[]; silencedBy: string[]; state: AlertMark['state'] };
  updatedAt: string;
  generatorURL?: string;
  labels: Record<string, string>;
}

/** Alertmanager's `AlertToOpenAPIAlert`. */
export function toGettableAlert(
  alert: Alert,
  mark: AlertMark,
  receivers: readonly string[],
): GettableAlert {
  const gettable: GettableAlert = {
    annotations: labelSet(alert.annotations),
    endsAt: formatApiTime(alert.endsAt),
    fingerprint: alert.fingerprint,
    receivers: receivers.map((name) => ({ name })),
    startsAt: formatApiTime(alert.startsAt),
    status: { inhibitedBy: mark.inhibitedBy, silencedBy: mark.silencedBy, state: mark.state },
    updatedAt: formatApiTime(alert.updatedAt),
    labels: labelSet(alert.labels),
  };
  // `generatorURL` is `omitempty`: absent when empty.
  if (alert.generatorURL) {
    const { labels, ...rest } = gettable;
    return { ...rest, generatorURL: alert.generatorURL, labels };
  }
  return gettable;
}

/** `gettableSilence`. */
export interface GettableSilence {
  id: string;
  status: { state: 'expired' | 'active' | 'pending' };
  updatedAt: string;
  comment: string;
  createdBy: string;
  endsAt: string;
  matchers: Required<ApiMatcher>[];
  startsAt: string;
}

/** Alertmanager's `GettableSilenceFromProto`. */
export function toGettableSilence(silence: Silence, now: number): GettableSilence {
  return {
    id: silence.id,
    status: { state: silenceState(silence, now) },
    updatedAt: formatApiTime(silence.updatedAt),
    comment: silence.comment,
    createdBy: silence.createdBy,
    endsAt: formatApiTime(silence.endsAt),
    matchers: silence.matchers.map((matcher) => ({
      isEqual: matcher.isEqual ?? true,
      isRegex: matcher.isRegex,
      name: matcher.name,
      value: matcher.value,
    })),
    startsAt: formatApiTime(silence.startsAt),
  };
}
