// How one Events API response maps to a DeliveryResult: 2xx delivered; 429 rate-limited after
// `Retry-After`; 5xx retryable; 400 (invalid event) not retryable, with the API's `errors`; 401/403
// auth. Events API v1 signals rate limiting with 403, which Alertmanager retries: so do we.
import type { DeliveryResult } from '@phoenix-alerting/core';

export type Failure = Extract<DeliveryResult, { ok: false }>;

/**
 * `Retry-After` as a wait in ms: delay-seconds or an HTTP date (measured from the response's `Date`
 * when present, else `now`). Undefined when absent or unreadable.
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
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret) out = out.split(secret).join('<redacted>');
  }
  return out;
}

/** Alertmanager's `errDetails`: `message: error,error` from a 400's JSON body, else `''`. */
export function errorDetails(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; errors?: unknown };
    const message = typeof parsed.message === 'string' ? parsed.message : '';
    const errors = Array.isArray(parsed.errors) ? parsed.errors.map(String).join(',') : '';
    return message || errors ? `${message}: ${errors}` : '';
  } catch {
    return '';
  }
}

export function failure(
  reason: Failure['reason'],
  retryable: boolean,
  message: string,
  secrets: readonly string[],
  extra: { statusCode?: number; retryAfterMs?: number | undefined } = {},
): Failure {
  const result: Failure = { ok: false, retryable, reason, message: scrub(message, secrets) };
  if (extra.statusCode !== undefined) result.statusCode = extra.statusCode;
  if (extra.retryAfterMs !== undefined) result.retryAfterMs = extra.retryAfterMs;
  return result;
}

/** The outcome of an Events API response. */
export function resultFromResponse(
  response: { status: number; body: string; retryAfterMs?: number | undefined },
  version: 'v1' | 'v2',
  secrets: readonly string[],
): DeliveryResult {
  const { status } = response;
  if (status >= 200 && status < 300) return { ok: true, statusCode: status };
  const details = status === 400 ? errorDetails(response.body) : '';
  const message = `pagerduty: unexpected status code ${status}${details ? `: ${details}` : ''}`;
  const extra = { statusCode: status, retryAfterMs: response.retryAfterMs };
  if (status === 429 || (version === 'v1' && status === 403)) {
    return failure('rate-limited', true, message, secrets, extra);
  }
  if (status >= 500 && status < 600) return failure('server', true, message, secrets, extra);
  if (status === 401 || status === 403) {
    return failure('auth', false, message, secrets, { statusCode: status });
  }
  return failure('client', false, message, secrets, { statusCode: status });
}

/** What went wrong with a request that got no response: `connect ECONNREFUSED 127.0.0.1:9`. */
export function describeRequestError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const text =
      current.message ||
      (current instanceof AggregateError
        ? current.errors.map((inner: unknown) => describeRequestError(inner)).join('; ')
        : current.name);
    if (text && !parts.includes(text)) parts.push(text);
    current = current.cause;
  }
  return parts.join(': ') || String(error);
}
