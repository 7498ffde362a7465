export { createEmailNotifier } from './email-notifier.js';
export type { EmailNotifier, EmailNotifierOptions } from './email-notifier.js';
export {
  emailConfigSchema,
  emailConfigSchemaWith,
  emailDefaults,
  canonicalHeader,
} from './email-config.js';
export type { EmailConfig, EmailConfigInput, SmtpGlobals } from './email-config.js';
export type { TlsConfig } from '@phoenix-alerting/core';
export { createAckToken, verifyAckToken, AckTokenError } from './ack-token.js';
export type { AckAction, AckTokenClaims, AckTokenErrorCode } from './ack-token.js';
export { buildIncidentMail, incidentThreadId, notificationMessageId } from './incident-mail.js';
export type { AckLinkOptions, IncidentMail } from './incident-mail.js';
export { resultFromSmtpError } from './delivery-result.js';
export type { NotificationTemplates } from './templates.js';
export { VERSION } from './version.js';
