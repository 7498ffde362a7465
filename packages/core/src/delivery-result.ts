// Building DeliveryResults from what an HTTP-based notifier sees: the status code, `Retry-After`,
// the response body and the request error. Each notifier keeps only its vendor's own mapping on top
// (PagerDuty v1's 403, Slack's `ok:false` errors, SMTP reply codes, Twilio's error JSON).
import type { DeliveryFailureReason, DeliveryResult } from './plugin.js';

/** A failed {@link DeliveryResult}. */
export type DeliveryFailure = Extract<DeliveryResult, { ok: false }>;

/**
 * `Retry-After` as a wait in ms: delay-seconds (`120`) or an HTTP date, which is measured from the
 * response's `Date` when it has one (the server's own clock) and from `now` (epoch ms) otherwise.
 * Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number,
  date?: string | null,
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date starts with the day's name (IMF-fixdate, RFC 850 and asctime forms alike);
  // Date.parse alone would also take `1.5` or `-3`.
  if (!/^[A-Za-z]{3,9},? /.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  const serverNow = date ? Date.parse(date) : Number.NaN;
  return Math.max(0, at - (Number.isNaN(serverNow) ? now : serverNow));
}

/**
 * Replaces every secret in `text` with `<redacted>`, longest first so that a secret containing
 * another is removed whole. Also catches secrets a server echoes back (`Cannot POST /hooks/<token>`).
 * Empty secrets are ignored.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret) out = out.split(secret).join('<redacted>');
  }
  return out;
}

/** The start of a response body on one line, for a failure message (default 512 characters). */
export function bodyExcerpt(body: string, maxChars = 512): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars)}…` : flat;
}

/** A failed result whose message is scrubbed of `secrets`; `extra` fields are set when defined. */
export function deliveryFailure(
  reason: DeliveryFailureReason,
  retryable: boolean,
  message: string,
  secrets: readonly string[],
  extra: { statusCode?: number | undefined; retryAfterMs?: number | undefined } = {},
): DeliveryFailure {
  const result: DeliveryFailure = {
    ok: false,
    retryable,
    reason,
    message: scrubSecrets(message, secrets),
  };
  if (extra.statusCode !== undefined) result.statusCode = extra.statusCode;
  if (extra.retryAfterMs !== undefined) result.retryAfterMs = extra.retryAfterMs;
  return result;
}

/**
 * The failure for a non-2xx HTTP status, as Alertmanager's `notify.Retrier` classifies it plus
 * what Alertmanager lacks (alertmanager#2111): 429 `rate-limited` and 5xx `server` are retryable
 * and keep `retryAfterMs`; 401/403 are `auth`, every other status `client`, neither retried.
 */
export function failureFromHttpStatus(
  status: number,
  message: string,
  secrets: readonly string[],
  retryAfterMs?: number,
): DeliveryFailure {
  if (status === 429) {
    return deliveryFailure('rate-limited', true, message, secrets, {
      statusCode: status,
      retryAfterMs,
    });
  }
  if (status >= 500 && status < 600) {
    return deliveryFailure('server', true, message, secrets, { statusCode: status, retryAfterMs });
  }
  const reason = status === 401 || status === 403 ? 'auth' : 'client';
  return deliveryFailure(reason, false, message, secrets, { statusCode: status });
}

/**
 * What went wrong with a request that failed without a response, from its cause chain (undici's
 * `fetch failed`, an `AggregateError` from dialling every address of a host): for example
 * `connect ECONNREFUSED 127.0.0.1:9` rather than `fetch failed`.
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

/**
 * Reads a response body as text, at most `maxBytes` (default 1 MiB: enough for an error message,
 * and reading it lets the connection be reused) of which at most about `maxChars` are kept.
 */
export async function readResponseText(
  body: AsyncIterable<Uint8Array> | null,
  limits: { maxBytes?: number; maxChars?: number } = {},
): Promise<string> {
  if (!body) return '';
  const maxBytes = limits.maxBytes ?? 1 << 20;
  const maxChars = limits.maxChars ?? Number.POSITIVE_INFINITY;
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  // Leaving the loop early cancels a web stream and destroys a Node stream.
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    if (text.length < maxChars) text += decoder.decode(chunk, { stream: true });
    if (bytes > maxBytes) break;
  }
  return text;
}
