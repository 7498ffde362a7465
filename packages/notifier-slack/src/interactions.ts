// Slack's interactive buttons: the request signature (v0 HMAC-SHA256 of `v0:<timestamp>:<body>`
// with the app's signing secret, within a five-minute replay window) and the `block_actions`
// payload of our Acknowledge / Resolve buttons.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ACKNOWLEDGE_ACTION_ID, RESOLVE_ACTION_ID } from './blocks.js';

const marker = Symbol.for('phoenix-alerting.slack-request-error');

/** Why a request from Slack was refused. */
export type SlackRequestErrorReason =
  | 'missing-signature'
  | 'bad-signature'
  | 'stale-timestamp'
  | 'malformed-payload'
  | 'unknown-action';

/**
 * A request that did not come from Slack, or not in a form we act on. `statusCode` is what the
 * server answers: 401 for signature problems, 400 for a payload that is not ours. Its message
 * never contains the secret or the signature.
 */
export class SlackRequestError extends Error {
  readonly [marker] = true;
  readonly statusCode: 400 | 401;

  constructor(
    readonly reason: SlackRequestErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'SlackRequestError';
    this.statusCode = reason === 'malformed-payload' || reason === 'unknown-action' ? 400 : 401;
  }

  static isInstance(error: unknown): error is SlackRequestError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}

/** Request headers as node:http gives them, or a fetch `Headers`. */
export type RequestHeaders =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | { get(name: string): string | null };

function header(headers: RequestHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function')
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

export interface VerifySlackRequestOptions {
  /** The app's signing secret (Basic Information → App Credentials). */
  signingSecret: string;
  /** The body exactly as received, before any parsing. */
  rawBody: string | Buffer;
  headers: RequestHeaders;
  /** Now, ms since epoch (the pipeline's clock). */
  now: number;
  /** Oldest request accepted, in ms. Default 5 minutes, as Slack recommends. */
  maxAgeMs?: number;
}

/**
 * Throws a {@link SlackRequestError} (401) unless the request carries a valid `X-Slack-Signature`
 * for its `X-Slack-Request-Timestamp` and body, and the timestamp is within the replay window.
 * The signature is compared in constant time.
 */
export function verifySlackRequest(options: VerifySlackRequestOptions): void {
  const signature = header(options.headers, 'x-slack-signature');
  const timestamp = header(options.headers, 'x-slack-request-timestamp');
  if (!signature || !timestamp)
    throw new SlackRequestError(
      'missing-signature',
      'slack request without X-Slack-Signature and X-Slack-Request-Timestamp',
    );
  if (!/^\d{1,12}$/.test(timestamp))
    throw new SlackRequestError(
      'stale-timestamp',
      'slack request timestamp is not a number of seconds',
    );
  const ageMs = Math.abs(options.now - Number(timestamp) * 1000);
  if (ageMs > (options.maxAgeMs ?? 5 * 60_000))
    throw new SlackRequestError(
      'stale-timestamp',
      'slack request timestamp is outside the replay window',
    );
  const body =
    typeof options.rawBody === 'string' ? Buffer.from(options.rawBody, 'utf8') : options.rawBody;
  const expected = Buffer.from(
    `v0=${createHmac('sha256', options.signingSecret)
      .update(`v0:${timestamp}:`)
      .update(body)
      .digest('hex')}`,
    'utf8',
  );
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new SlackRequestError('bad-signature', 'slack request signature does not match');
}

/** What a button click asks for. */
export interface SlackInteraction {
  action: 'acknowledge' | 'resolve';
  incidentId: string;
  /** The Slack user who clicked, e.g. `U0001`. */
  userId: string;
  /** Where to post a reply to the click (valid for 30 minutes), when Slack gave one. */
  responseUrl?: string;
}

interface BlockActionsPayload {
  type?: unknown;
  user?: { id?: unknown };
  actions?: { action_id?: unknown; value?: unknown }[];
  response_url?: unknown;
}

/**
 * Reads the `payload` form field of an interaction request (verify it first). Throws a
 * {@link SlackRequestError} (400) when it is not a click on our Acknowledge or Resolve button.
 */
export function parseSlackInteraction(rawBody: string | Buffer): SlackInteraction {
  const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const payloadText = new URLSearchParams(text).get('payload');
  if (!payloadText)
    throw new SlackRequestError('malformed-payload', 'slack interaction without a payload field');
  let payload: BlockActionsPayload;
  try {
    payload = JSON.parse(payloadText) as BlockActionsPayload;
  } catch {
    throw new SlackRequestError('malformed-payload', 'slack interaction payload is not JSON');
  }
  if (typeof payload !== 'object' || payload === null || payload.type !== 'block_actions')
    throw new SlackRequestError(
      'malformed-payload',
      'slack interaction payload is not a block_actions payload',
    );
  const userId = payload.user?.id;
  if (typeof userId !== 'string' || !userId)
    throw new SlackRequestError('malformed-payload', 'slack interaction payload has no user.id');
  const action = Array.isArray(payload.actions)
    ? payload.actions.find(
        (candidate) =>
          candidate.action_id === ACKNOWLEDGE_ACTION_ID ||
          candidate.action_id === RESOLVE_ACTION_ID,
      )
    : undefined;
  if (!action)
    throw new SlackRequestError(
      'unknown-action',
      'slack interaction is not an Acknowledge or Resolve click',
    );
  if (typeof action.value !== 'string' || !action.value)
    throw new SlackRequestError(
      'malformed-payload',
      'slack interaction action has no incident id value',
    );
  const responseUrl = typeof payload.response_url === 'string' ? payload.response_url : undefined;
  return {
    action: action.action_id === ACKNOWLEDGE_ACTION_ID ? 'acknowledge' : 'resolve',
    incidentId: action.value,
    userId,
    ...(responseUrl && { responseUrl }),
  };
}
