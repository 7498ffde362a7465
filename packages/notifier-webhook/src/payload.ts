// Alertmanager's webhook message, version 4 (notify/webhook/webhook.go Message, template/template.go
// Data), serialized byte for byte as Go's json.Encoder writes it.
import { isResolved, sortedLabelNames } from '@phoenix-alerting/core';
import type { Alert, Labels, Notification } from '@phoenix-alerting/core';

/** One alert of a webhook message (`template.Alert`). Times are RFC 3339 strings. */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations: Labels;
  startsAt: string;
  /** `0001-01-01T00:00:00Z` while the alert fires. */
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** The JSON body Alertmanager POSTs to a webhook, in its field order. */
export interface WebhookMessage {
  /** The receiver name, regexp-quoted as Alertmanager does (`team.a` → `team\.a`). */
  receiver: string;
  /** `firing` when any alert of the message fires, else `resolved`. */
  status: 'firing' | 'resolved';
  alerts: WebhookAlert[];
  groupLabels: Labels;
  /** Labels every alert of the message shares. */
  commonLabels: Labels;
  commonAnnotations: Labels;
  externalURL: string;
  version: '4';
  groupKey: string;
  /** How many alerts `max_alerts` left out. */
  truncatedAlerts: number;
}

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

const formatted = new Map<number, string>();
const MAX_FORMATTED = 4_096;

/**
 * Go's `time.Time` JSON form (RFC 3339 with nanoseconds, trailing zeros dropped) of a UTC time:
 * `2024-01-01T00:00:00.12Z`; 0 ("unset") is Go's zero time.
 */
export function formatGoTime(ms: number): string {
  if (ms === 0) return GO_ZERO_TIME;
  // The alerts of a notification share a few times; formatting each anew was the notifier's
  // largest cost in the storm benchmark.
  let text = formatted.get(ms);
  if (text === undefined) {
    text = formatUncached(ms);
    if (formatted.size >= MAX_FORMATTED) formatted.clear();
    formatted.set(ms, text);
  }
  return text;
}

function formatUncached(ms: number): string {
  const iso = new Date(ms).toISOString();
  // toISOString always prints milliseconds: drop them when zero, trailing zeros otherwise.
  return iso.replace(/\.(\d{3})Z$/, (_, fraction: string) => {
    const trimmed = fraction.replace(/0+$/, '');
    return trimmed ? `.${trimmed}Z` : 'Z';
  });
}

/** Go's `regexp.QuoteMeta`, which Alertmanager applies to the receiver name. */
export function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function common(alerts: readonly Alert[], key: 'labels' | 'annotations'): Labels {
  const first = alerts[0];
  if (!first) return {};
  // Copying the first set and deleting what differs turned it into a slow dictionary object.
  const shared: Record<string, string> = {};
  for (const name of Object.keys(first[key])) {
    const value = first[key][name];
    let i = 1;
    while (i < alerts.length && alerts[i]![key][name] === value) i++;
    if (i === alerts.length) shared[name] = value!;
  }
  return shared;
}

/**
 * Builds the message for a notification, keeping its alert order (the grouper sorts them as
 * Alertmanager does: by `job`, `instance`, then labels). With `maxAlerts` > 0 only the first
 * `maxAlerts` are sent; status and common labels are computed from those, as in Alertmanager.
 * An alert's status is judged at `notification.timestamp`; a firing alert's `endsAt` is hidden.
 */
export function buildWebhookMessage(
  notification: Notification,
  options: { externalURL?: string; maxAlerts?: number } = {},
): WebhookMessage {
  const maxAlerts = options.maxAlerts ?? 0;
  const all = notification.alerts;
  const alerts = maxAlerts > 0 && all.length > maxAlerts ? all.slice(0, maxAlerts) : all;
  let firing = false;
  const items = alerts.map((alert): WebhookAlert => {
    const resolved = isResolved(alert, notification.timestamp);
    if (!resolved) firing = true;
    return {
      status: resolved ? 'resolved' : 'firing',
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: formatGoTime(alert.startsAt),
      endsAt: resolved ? formatGoTime(alert.endsAt) : GO_ZERO_TIME,
      generatorURL: alert.generatorURL,
      fingerprint: alert.fingerprint,
    };
  });
  return {
    receiver: quoteMeta(notification.receiver),
    status: firing ? 'firing' : 'resolved',
    alerts: items,
    groupLabels: notification.groupLabels,
    commonLabels: common(alerts, 'labels'),
    commonAnnotations: common(alerts, 'annotations'),
    externalURL: options.externalURL ?? '',
    version: '4',
    groupKey: notification.groupKey,
    truncatedAlerts: all.length - alerts.length,
  };
}

/**
 * A JSON string as Go's encoder writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped, control
 * characters other than `\n`, `\r`, `\t` as `\u00XX` (Go 1.19 has no `\b`/`\f` short forms), and
 * lone surrogates, which have no UTF-8 form, as U+FFFD.
 */
export function goJsonString(text: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let escaped: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      if (c === 0x22) escaped = '\\"';
      else if (c === 0x5c) escaped = '\\\\';
      else if (c === 0x0a) escaped = '\\n';
      else if (c === 0x0d) escaped = '\\r';
      else if (c === 0x09) escaped = '\\t';
      else escaped = `\\u00${c.toString(16).padStart(2, '0')}`;
    } else if (c === 0x2028 || c === 0x2029) {
      escaped = `\\u${c.toString(16)}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      escaped = '\ufffd';
    }
    if (escaped === undefined) continue;
    out += text.slice(start, i) + escaped;
    start = i + 1;
  }
  return `${out}${text.slice(start)}"`;
}

/** A `map[string]string` as Go encodes it: keys in byte order. */
function goJsonMap(labels: Labels): string {
  let out = '{';
  for (const name of sortedLabelNames(labels)) {
    if (out.length > 1) out += ',';
    out += `${goJsonString(name)}:${goJsonString(labels[name]!)}`;
  }
  return `${out}}`;
}

function encodeAlert(alert: WebhookAlert): string {
  return (
    `{"status":"${alert.status}","labels":${goJsonMap(alert.labels)},` +
    `"annotations":${goJsonMap(alert.annotations)},"startsAt":${goJsonString(alert.startsAt)},` +
    `"endsAt":${goJsonString(alert.endsAt)},"generatorURL":${goJsonString(alert.generatorURL)},` +
    `"fingerprint":${goJsonString(alert.fingerprint)}}`
  );
}

/** The exact bytes Alertmanager sends: compact JSON, Go's escaping, a trailing newline. */
export function encodeWebhookMessage(message: WebhookMessage): string {
  let alerts = '';
  for (const alert of message.alerts) {
    if (alerts) alerts += ',';
    alerts += encodeAlert(alert);
  }
  return (
    `{"receiver":${goJsonString(message.receiver)},"status":"${message.status}",` +
    `"alerts":[${alerts}],"groupLabels":${goJsonMap(message.groupLabels)},` +
    `"commonLabels":${goJsonMap(message.commonLabels)},` +
    `"commonAnnotations":${goJsonMap(message.commonAnnotations)},` +
    `"externalURL":${goJsonString(message.externalURL)},"version":"${message.version}",` +
    `"groupKey":${goJsonString(message.groupKey)},"truncatedAlerts":${message.truncatedAlerts}}\n`
  );
}
