// How one Twilio request maps to a DeliveryResult: 2xx sent; 429 rate-limited after its
// Retry-After; 5xx, timeouts and network errors retryable; 401/403 auth and other 4xx client,
// not retryable. Twilio's error JSON (`code`, `message`, `more_info`) goes into the message.
import type { DeliveryResult } from '@phoenix-alerting/core';
import { TransportAbort } from './twilio-transport.js';
import type { TransportResponse } from './twilio-transport.js';

export type Failure = Extract<DeliveryResult, { ok: false }>;

/**
 * `Retry-After` as a wait in ms: delay-seconds (`120`) or an HTTP date, measured from the
 * response's `Date` when it has one and from `now` otherwise. Undefined when absent or unreadable.
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

export function failure(
  reason: Failure['reason'],
  retryable: boolean,
  message: string,
  secrets: readonly string[],
  extra: { statusCode?: number; retryAfterMs?: number } = {},
): Failure {
  return { ok: false, retryable, reason, message: scrub(message, secrets), ...extra };
}

/** The fields of the SDK's RestException (legacy JSON) and TwilioServiceException (RFC 9457). */
interface TwilioApiError {
  status: number;
  code?: number;
  message?: string;
  moreInfo?: string;
  detail?: string;
  title?: string;
}

function isApiError(error: unknown): error is Error & TwilioApiError {
  // RestException and TwilioServiceException both carry the HTTP status; TwilioServiceException
  // is not exported by the SDK, so the check is by shape.
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

/** What went wrong with a request that failed without an answer (`connect ECONNREFUSED …`). */
function describeRequestError(error: unknown): string {
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

function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/**
 * The failure for an error thrown by `client.messages.create`, given the transport's last answer
 * (for `Retry-After`) and the current time.
 */
export function failureFromError(
  error: unknown,
  response: TransportResponse | undefined,
  secrets: readonly string[],
): Failure {
  if (error instanceof TransportAbort) {
    return error.kind === 'timeout'
      ? failure('timeout', true, 'sms: no answer from Twilio in time', [])
      : failure('canceled', false, 'sms: delivery canceled', []);
  }
  if (isApiError(error)) {
    const status = error.status;
    const code = error.code === undefined ? '' : ` ${error.code}`;
    const text = error.detail ?? error.message ?? error.title ?? '';
    const more = error.moreInfo ? ` (${error.moreInfo})` : '';
    const message = `sms: Twilio error${code} (HTTP ${status}): ${oneLine(text)}${more}`;
    if (status === 429 || status === 503) {
      const retryAfterMs = response
        ? parseRetryAfter(
            response.headers.get('retry-after'),
            response.receivedAt,
            response.headers.get('date'),
          )
        : undefined;
      const reason = status === 429 ? 'rate-limited' : 'server';
      return failure(reason, true, message, secrets, {
        statusCode: status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    if (status >= 500) return failure('server', true, message, secrets, { statusCode: status });
    if (status === 401 || status === 403)
      return failure('auth', false, message, secrets, { statusCode: status });
    return failure('client', false, message, secrets, { statusCode: status });
  }
  return failure(
    'network',
    true,
    `sms: request to Twilio failed: ${describeRequestError(error)}`,
    secrets,
  );
}
