// How one Events API response maps to a DeliveryResult: 2xx delivered; 429 rate-limited after
// `Retry-After`; 5xx retryable; 400 (invalid event) not retryable, with the API's `errors`; 401/403
// auth. Events API v1 signals rate limiting with 403, which Alertmanager retries: so do we. The
// generic status classification is core's `failureFromHttpStatus`.
import { deliveryFailure, failureFromHttpStatus } from '@phoenix-alerting/core';
import type { DeliveryResult } from '@phoenix-alerting/core';

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

/** The outcome of an Events API response. */
export function resultFromResponse(
  response: { status: number; body: string; retryAfterMs?: number | undefined },
  version: 'v1' | 'v2',
  secrets: readonly string[],
): DeliveryResult {
  const { status, retryAfterMs } = response;
  if (status >= 200 && status < 300) return { ok: true, statusCode: status };
  const details = status === 400 ? errorDetails(response.body) : '';
  const message = `pagerduty: unexpected status code ${status}${details ? `: ${details}` : ''}`;
  if (version === 'v1' && status === 403) {
    return deliveryFailure('rate-limited', true, message, secrets, {
      statusCode: status,
      retryAfterMs,
    });
  }
  return failureFromHttpStatus(status, message, secrets, retryAfterMs);
}
