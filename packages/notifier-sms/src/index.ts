export { createSmsNotifier, maskPhone, TWILIO_LONG_CODE_RATE_LIMIT } from './sms-notifier.js';
export type { SmsNotifier, SmsNotifierOptions, RateLimit } from './sms-notifier.js';
export {
  smsConfigSchema,
  DEFAULT_MAX_SEGMENTS,
  DEFAULT_SMS_TEXT,
  DEFAULT_TWILIO_API_URL,
} from './sms-config.js';
export type { SmsConfig, SmsConfigInput } from './sms-config.js';
export { fitSms, isGsm7, smsLength, toGsmLookalikes } from './sms-text.js';
export type { FittedSms, SmsEncoding, SmsLength, SmsParts } from './sms-text.js';
export { incidentParts, notificationParts, replyHint, SMS_DEFAULT_TEMPLATE } from './message.js';
export {
  parseSmsReply,
  smsReplyResponse,
  SmsReplyError,
  twilioSignature,
  verifyTwilioSignature,
} from './inbound.js';
export type { SmsReply, TwilioParams, VerifyTwilioSignatureOptions } from './inbound.js';
// Kept for existing imports; the implementation is core's.
export { parseRetryAfter } from '@phoenix-alerting/core';
export { VERSION, USER_AGENT } from './version.js';
