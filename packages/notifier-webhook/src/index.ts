export { createWebhookNotifier } from './webhook-notifier.js';
export type { WebhookNotifier, WebhookNotifierOptions } from './webhook-notifier.js';
export { webhookConfigSchema } from './webhook-config.js';
export type { WebhookConfig, WebhookConfigInput } from './webhook-config.js';
export { httpConfigSchema, tlsVersions } from './http-config.js';
export type { HttpClientConfig, TlsConfig, TlsVersionName } from './http-config.js';
export {
  buildWebhookMessage,
  encodeWebhookMessage,
  formatGoTime,
  goJsonString,
  quoteMeta,
} from './payload.js';
export type { WebhookMessage, WebhookAlert } from './payload.js';
export { parseRetryAfter } from './delivery-result.js';
export {
  createConsoleNotifier,
  consoleConfigSchema,
  formatNotificationText,
} from './console-notifier.js';
export type {
  ConsoleNotifier,
  ConsoleNotifierOptions,
  ConsoleConfig,
  ConsoleFormat,
} from './console-notifier.js';
export { VERSION, USER_AGENT } from './version.js';
