export { createWebhookNotifier } from './webhook-notifier.js';
export type { WebhookNotifier, WebhookNotifierOptions } from './webhook-notifier.js';
export { webhookConfigSchema } from './webhook-config.js';
export type { WebhookConfig, WebhookConfigInput } from './webhook-config.js';
// `http_config` lives in core, shared by every HTTP notifier; re-exported for existing imports.
export { httpConfigSchema, tlsVersions } from '@phoenix-alerting/core';
export type { HttpClientConfig, TlsConfig, TlsVersionName } from '@phoenix-alerting/core';
export {
  buildWebhookMessage,
  encodeWebhookMessage,
  formatGoTime,
  goJsonString,
  quoteMeta,
} from './payload.js';
export type { WebhookMessage, WebhookAlert } from './payload.js';
// Kept for existing imports; the implementation is core's.
export { parseRetryAfter } from '@phoenix-alerting/core';
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
