// How Slack's answers map to DeliveryResults. Incoming webhooks answer with HTTP statuses (and a
// text body, `ok` on success); the Web API answers 200 with `{"ok":false,"error":"…"}` for most
// errors and 429 with `Retry-After` when rate limited. Statuses are classified by core's
// `failureFromHttpStatus`; what is Slack's own is the Web API's error codes.
import { bodyExcerpt, deliveryFailure, failureFromHttpStatus } from '@phoenix-alerting/core';
import type { DeliveryFailure, DeliveryFailureReason } from '@phoenix-alerting/core';

/** An HTTP status other than 2xx: 429 rate-limited, 5xx server (both retried), 401/403 auth. */
export function failureFromStatus(
  status: number,
  body: string,
  retryAfterMs: number | undefined,
  secrets: readonly string[],
): DeliveryFailure {
  const excerpt = bodyExcerpt(body);
  const message = `slack: unexpected status code ${status}${excerpt ? `: ${excerpt}` : ''}`;
  return failureFromHttpStatus(status, message, secrets, retryAfterMs);
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
): DeliveryFailure {
  const message = `slack: error response from Slack: ${error}`;
  const retryReason = retryableErrors.get(error);
  if (retryReason) return deliveryFailure(retryReason, true, message, secrets, { statusCode });
  return deliveryFailure(authErrors.has(error) ? 'auth' : 'client', false, message, secrets, {
    statusCode,
  });
}
