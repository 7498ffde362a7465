// How one HTTP attempt maps to a DeliveryResult, after Alertmanager's notify.Retrier.Check and
// GetFailureReasonFromStatusCode: 2xx succeeds, 5xx is retried, other statuses are not; plus what
// Alertmanager lacks: 429 is retried after the server's Retry-After (alertmanager#2111). The
// classification itself is core's `failureFromHttpStatus`.
import { bodyExcerpt, failureFromHttpStatus } from '@phoenix-alerting/core';
import type { DeliveryResult } from '@phoenix-alerting/core';

/** The outcome of an HTTP response, as the `notifier` (e.g. `webhook`) reports it. */
export function resultFromResponse(
  notifier: string,
  response: { status: number; retryAfterMs?: number | undefined; body: string },
  secrets: readonly string[],
): DeliveryResult {
  const { status } = response;
  if (status >= 200 && status < 300) return { ok: true, statusCode: status };
  const excerpt = bodyExcerpt(response.body);
  const message = `${notifier}: unexpected status code ${status}${excerpt ? `: ${excerpt}` : ''}`;
  return failureFromHttpStatus(status, message, secrets, response.retryAfterMs);
}
