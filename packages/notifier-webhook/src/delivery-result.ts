// How one HTTP attempt maps to a DeliveryResult, after Alertmanager's notify.Retrier.Check and
// GetFailureReasonFromStatusCode: 2xx succeeds, 5xx is retried, other statuses are not; plus what
// Alertmanager lacks: 429 is retried after the server's Retry-After (alertmanager#2111).
import type { DeliveryResult } from '@phoenix-alerting/core';

type Failure = Extract<DeliveryResult, { ok: false }>;

/** Response text kept in a failure message, in characters. */
const BODY_EXCERPT_CHARS = 512;

/**
 * `Retry-After` as a wait in ms: delay-seconds (`120`) or an HTTP date, which is measured from the
 * response's `Date` when it has one (the server's own clock) and from `now` otherwise. Undefined
 * when absent or unreadable; never negative.
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
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret) out = out.split(secret).join('<redacted>');
  }
  return out;
}

/** The start of a response body, on one line, for a failure message. */
export function bodyExcerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat;
}

/** The outcome of an HTTP response, as the `notifier` (e.g. `webhook`) reports it. */
export function resultFromResponse(
  notifier: string,
  response: { status: number; retryAfterMs?: number | undefined; body: string },
  secrets: readonly string[],
): DeliveryResult {
  const { status } = response;
  if (status >= 200 && status < 300) return { ok: true, statusCode: status };
  const excerpt = bodyExcerpt(response.body);
  const message = scrub(
    `${notifier}: unexpected status code ${status}${excerpt ? `: ${excerpt}` : ''}`,
    secrets,
  );
  const failure: Failure =
    status === 429
      ? { ok: false, retryable: true, reason: 'rate-limited', statusCode: status, message }
      : status >= 500 && status < 600
        ? { ok: false, retryable: true, reason: 'server', statusCode: status, message }
        : status === 401 || status === 403
          ? { ok: false, retryable: false, reason: 'auth', statusCode: status, message }
          : { ok: false, retryable: false, reason: 'client', statusCode: status, message };
  if (failure.retryable && response.retryAfterMs !== undefined) {
    failure.retryAfterMs = response.retryAfterMs;
  }
  return failure;
}

/** The failure for a request that never got a response. */
export function failure(
  reason: Failure['reason'],
  retryable: boolean,
  message: string,
  secrets: readonly string[],
): Failure {
  return { ok: false, retryable, reason, message: scrub(message, secrets) };
}

/**
 * What went wrong with a request that failed without a response, from undici's `fetch failed`
 * and its cause chain: `connect ECONNREFUSED 127.0.0.1:9` rather than `fetch failed`.
 */
export function describeRequestError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    // Dialling every address of a host fails with an AggregateError without a message.
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
