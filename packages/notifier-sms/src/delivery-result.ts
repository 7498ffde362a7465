// How one Twilio request maps to a DeliveryResult: 2xx sent; 429 rate-limited after its
// Retry-After; 5xx, timeouts and network errors retryable; 401/403 auth and other 4xx client,
// not retryable. Twilio's error JSON (`code`, `message`, `more_info`) goes into the message. The
// status classification is core's `failureFromHttpStatus`, which also keeps a 503's Retry-After.
import {
  deliveryFailure,
  describeRequestError,
  failureFromHttpStatus,
  parseRetryAfter,
} from '@phoenix-alerting/core';
import type { DeliveryFailure } from '@phoenix-alerting/core';
import { TransportAbort } from './twilio-transport.js';
import type { TransportResponse } from './twilio-transport.js';

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
): DeliveryFailure {
  if (error instanceof TransportAbort) {
    return error.kind === 'timeout'
      ? deliveryFailure('timeout', true, 'sms: no answer from Twilio in time', [])
      : deliveryFailure('canceled', false, 'sms: delivery canceled', []);
  }
  if (isApiError(error)) {
    const status = error.status;
    const code = error.code === undefined ? '' : ` ${error.code}`;
    const text = error.detail ?? error.message ?? error.title ?? '';
    const more = error.moreInfo ? ` (${error.moreInfo})` : '';
    const message = `sms: Twilio error${code} (HTTP ${status}): ${oneLine(text)}${more}`;
    const retryAfterMs =
      response && (status === 429 || status === 503)
        ? parseRetryAfter(
            response.headers.get('retry-after'),
            response.receivedAt,
            response.headers.get('date'),
          )
        : undefined;
    return failureFromHttpStatus(status, message, secrets, retryAfterMs);
  }
  return deliveryFailure(
    'network',
    true,
    `sms: request to Twilio failed: ${describeRequestError(error)}`,
    secrets,
  );
}
