// How one SMTP attempt maps to a DeliveryResult: a 4xx reply or a lost connection may succeed
// later (retryable); a 5xx reply is a permanent refusal (RFC 5321), except 503 (bad sequence);
// a refused login is `auth`. Messages are scrubbed of every secret (core's `deliveryFailure`).
import { deliveryFailure } from '@phoenix-alerting/core';
import type { DeliveryFailure, DeliveryFailureReason } from '@phoenix-alerting/core';

/** The parts of a nodemailer error that matter here. */
export interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  command?: string;
  permanent?: boolean;
}

/** A failure whose `statusCode` is the SMTP reply code, when there was one. */
function failure(
  reason: DeliveryFailureReason,
  retryable: boolean,
  message: string,
  secrets: readonly string[],
  statusCode?: number,
): DeliveryFailure {
  return deliveryFailure(reason, retryable, message, secrets, { statusCode });
}

const NETWORK_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'EPROXY', 'ETLS', 'EPROTOCOL']);

/** The outcome of a failed send. `statusCode` is the SMTP reply code, when there was one. */
export function resultFromSmtpError(error: SmtpError, secrets: readonly string[]): DeliveryFailure {
  const code = error.responseCode;
  const message = `email: ${error.message ?? String(error)}`.replace(/\s+/g, ' ').trim();
  if (error.code === 'EAUTH' || error.code === 'ENOAUTH') {
    // 454 is a temporary authentication failure: worth another try.
    return failure('auth', code !== undefined && code >= 400 && code < 500, message, secrets, code);
  }
  if (code !== undefined && code >= 400 && code < 600) {
    const permanent = error.permanent ?? (code >= 500 && code !== 503);
    return failure(permanent ? 'client' : 'server', !permanent, message, secrets, code);
  }
  if (error.code === 'ETIMEDOUT') return failure('timeout', true, message, secrets);
  if (error.code === 'EENVELOPE' || error.code === 'EMESSAGE' || error.code === 'ECONFIG') {
    return failure('client', false, message, secrets);
  }
  if (error.code === undefined || NETWORK_CODES.has(error.code)) {
    return failure('network', true, message, secrets);
  }
  return failure('network', true, message, secrets);
}
