// PagerDuty webhooks v3 (developer.pagerduty.com, "Verifying Signatures"): every delivery carries
// `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the raw body>`, several comma-separated while a
// subscription's secret is being rotated. Acknowledgements and resolutions done in PagerDuty come
// back as `incident.acknowledged` / `incident.resolved` events, whose `incident_key` is the
// dedup key Phoenix sent (the incident id for incident pages).
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface VerifyPagerDutySignatureOptions {
  /** The subscription's signing secret, or several (old and new during rotation). */
  secret?: string;
  secrets?: readonly string[];
  /** The request body exactly as received: verification must not see re-serialised JSON. */
  rawBody: string | Uint8Array;
  /** The request headers (any case; Node's lower-cases them). */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

function header(
  headers: VerifyPagerDutySignatureOptions['headers'],
  name: string,
): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value.join(',') : (value as string | undefined);
  }
  return undefined;
}

/**
 * Whether the request carries a valid `X-PagerDuty-Signature` for one of the secrets. Compares in
 * constant time; a missing header, an unknown scheme or malformed hex is simply not valid.
 */
export function verifyPagerDutySignature(options: VerifyPagerDutySignatureOptions): boolean {
  const secrets = [...(options.secrets ?? []), ...(options.secret ? [options.secret] : [])].filter(
    (secret) => secret !== '',
  );
  if (secrets.length === 0) throw new TypeError('verifyPagerDutySignature needs a secret');
  const value = header(options.headers, 'x-pagerduty-signature');
  if (!value) return false;
  const body =
    typeof options.rawBody === 'string' ? Buffer.from(options.rawBody, 'utf8') : options.rawBody;
  const offered = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3))
    .filter((hex) => /^[0-9a-f]{64}$/i.test(hex))
    .map((hex) => Buffer.from(hex, 'hex'));
  let valid = false;
  // Every pair is compared, so the time taken does not tell which secret or signature matched.
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(body).digest();
    for (const signature of offered) {
      if (timingSafeEqual(expected, signature)) valid = true;
    }
  }
  return valid;
}

/** An incident event of a webhook v3 delivery, as Phoenix acts on it. */
export interface PagerDutyWebhookEvent {
  /** `incident.acknowledged` → `acknowledged`, `incident.resolved` → `resolved`, … */
  event: 'acknowledged' | 'resolved' | 'unacknowledged' | 'reopened' | 'triggered' | 'escalated';
  /** The full event type, e.g. `incident.acknowledged`. */
  eventType: string;
  /** PagerDuty's `incident_key`: the `dedup_key` Phoenix sent (the incident id for incident pages). */
  dedupKey?: string;
  /** Same as `dedupKey`: PagerDuty's name for it. */
  incidentKey?: string;
  /** PagerDuty's incident id, e.g. `Q2N3KOX2GBWQXF`. */
  pagerdutyIncidentId?: string;
  /** Who did it: the agent's summary (the user's name) or id. */
  agent?: { id?: string; name?: string; type?: string };
  occurredAt?: string;
}

const incidentEvents: Record<string, PagerDutyWebhookEvent['event']> = {
  'incident.acknowledged': 'acknowledged',
  'incident.resolved': 'resolved',
  'incident.unacknowledged': 'unacknowledged',
  'incident.reopened': 'reopened',
  'incident.triggered': 'triggered',
  'incident.escalated': 'escalated',
};

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Reads a webhook v3 delivery. Returns the incident event, or `undefined` for events Phoenix does
 * not act on (`incident.annotated`, `service.updated`, `pagey.ping`…). Throws a `SyntaxError` on
 * a body that is not a v3 delivery. Verify the signature first.
 */
export function parsePagerDutyWebhook(
  rawBody: string | Uint8Array,
): PagerDutyWebhookEvent | undefined {
  const source = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  const parsed = JSON.parse(source) as { event?: Record<string, unknown> };
  const event = parsed?.event;
  if (typeof event !== 'object' || event === null || typeof event.event_type !== 'string') {
    throw new SyntaxError('not a PagerDuty webhook v3 delivery: missing event.event_type');
  }
  const kind = incidentEvents[event.event_type];
  if (!kind) return undefined;
  const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<
    string,
    unknown
  >;
  const agent = (
    typeof event.agent === 'object' && event.agent !== null ? event.agent : undefined
  ) as Record<string, unknown> | undefined;
  const key = text(data.incident_key);
  const result: PagerDutyWebhookEvent = { event: kind, eventType: event.event_type };
  if (key) {
    result.dedupKey = key;
    result.incidentKey = key;
  }
  const id = text(data.id);
  if (id) result.pagerdutyIncidentId = id;
  if (agent) {
    result.agent = Object.fromEntries(
      Object.entries({
        id: text(agent.id),
        name: text(agent.summary),
        type: text(agent.type),
      }).filter(([, value]) => value !== undefined),
    );
  }
  const occurredAt = text(event.occurred_at);
  if (occurredAt) result.occurredAt = occurredAt;
  return result;
}
