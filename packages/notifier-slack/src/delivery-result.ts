// How Slack's answers map to DeliveryResults. Incoming webhooks answer with HTTP statuses (and a
// text body, `ok` on success); the Web API answers 200 with `{"ok":false,"error":"…"}` for most
// errors and 429 with `Retry-After` when rate limited.
import type { DeliveryFailureReason, DeliveryResult } from '@phoenix-alerting/core';

export type Failure = Extract<DeliveryResult, { ok: false }>;

const BODY_EXCERPT_CHARS = 512;

/**
 * `Retry-After` as a wait in ms: delay-seconds or an HTTP date (measured from the response's own
 * `Date` when present). Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number,
  date?: string | null,
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3,9},? /.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  const serverNow = date ? Date.parse(date) : Number.NaN;
  return Math.max(0, at - (Number.isNaN(serverNow) ? now : serverNow));
}

/** Replaces every secret in `text` with `<redacted>`, longest first. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    if (secret) out = out.split(secret).join('<redacted>');
  return out;
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat;
}

export function failure(
  reason: DeliveryFailureReason,
  retryable: boolean,
  message: string,
  secrets: readonly string[],
  extra: { statusCode?: number; retryAfterMs?: number } = {},
): Failure {
  return {
    ok: false,
    retryable,
    reason,
    message: scrub(message, secrets),
    ...(extra.statusCode !== undefined && { statusCode: extra.statusCode }),
    ...(extra.retryAfterMs !== undefined && { retryAfterMs: extra.retryAfterMs }),
  };
}

/** An HTTP status other than 2xx: 429 rate-limited, 5xx server (both retried), 401/403 auth. */
export function failureFromStatus(
  status: number,
  body: string,
  retryAfterMs: number | undefined,
  secrets: readonly string[],
): Failure {
  const message = `slack: unexpected status code ${status}${body ? `: ${excerpt(body)}` : ''}`;
  if (status === 429)
    return failure('rate-limited', true, message, secrets, { statusCode: status, retryAfterMs });
  if (status >= 500)
    return failure('server', true, message, secrets, { statusCode: status, retryAfterMs });
  if (status === 401 || status === 403)
    return failure('auth', false, message, secrets, { statusCode: status });
  return failure('client', false, message, secrets, { statusCode: status });
}

const authErrors = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'ekm_access_denied',
  'team_access_not_granted',
]);
const retryableErrors = new Map<string, DeliveryFailureReason>([
  ['ratelimited', 'rate-limited'],
  ['rate_limited', 'rate-limited'],
  ['internal_error', 'server'],
  ['fatal_error', 'server'],
  ['service_unavailable', 'server'],
  ['request_timeout', 'server'],
]);

/**
 * A Web API `ok:false` answer: `ratelimited` and internal errors are retried; `invalid_auth` and
 * its kin are `auth`, everything else (channel_not_found, not_in_channel, invalid_blocks,
 * msg_too_long, message_not_found…) a `client` error, not retried.
 */
export function failureFromSlackError(
  error: string,
  statusCode: number,
  secrets: readonly string[],
): Failure {
  const message = `slack: error response from Slack: ${error}`;
  const retryReason = retryableErrors.get(error);
  if (retryReason) return failure(retryReason, true, message, secrets, { statusCode });
  return failure(authErrors.has(error) ? 'auth' : 'client', false, message, secrets, {
    statusCode,
  });
}

/**
 * What went wrong with a request that failed without a response, from undici's `fetch failed`
 * and its causes: `connect ECONNREFUSED 127.0.0.1:9` rather than `fetch failed`.
 */
export function describeRequestError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const text =
      current.message ||
      (current instanceof AggregateError
        ? current.errors.map((inner: unknown) => describeRequestError(inner)).join('; ')
        : current.name);
    if (text && text !== 'fetch failed' && !parts.includes(text)) parts.push(text);
    current = current.cause;
  }
  return parts.join(': ') || String(error);
}

/** Response bytes read at most: enough for an error message and to reuse the connection. */
const MAX_RESPONSE_BYTES = 1 << 20;

export async function readResponseText(body: ReadableStream<Uint8Array> | null): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (bytes > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return text;
}
