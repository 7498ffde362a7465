export { createPagerDutyNotifier, PAGERDUTY_EVENTS_RATE_LIMIT } from './pagerduty-notifier.js';
export type {
  PagerDutyNotifier,
  PagerDutyNotifierOptions,
  RateLimit,
} from './pagerduty-notifier.js';
export {
  pagerdutyConfigSchema,
  pagerdutySectionSchema,
  pagerdutyDefaults,
  DEFAULT_PAGERDUTY_URL,
  PAGERDUTY_V1_URL,
} from './pagerduty-config.js';
export type {
  PagerdutyConfig,
  PagerdutyConfigInput,
  PagerdutySection,
  PagerdutySectionInput,
  PagerdutyService,
  PagerdutyImage,
  PagerdutyLink,
} from './pagerduty-config.js';
// `http_config` lives in core, shared by every HTTP notifier; re-exported for existing imports.
export { httpConfigSchema } from '@phoenix-alerting/core';
export type { HttpClientConfig, TlsConfig } from '@phoenix-alerting/core';
export {
  alertmanagerDedupKey,
  alertmanagerEventAction,
  buildEventV1,
  buildEventV2,
  buildIncidentEvent,
  encodeMessage,
  incidentEventAction,
  pagerDutySeverity,
  truncateRunes,
  MAX_EVENT_BYTES,
} from './payload.js';
export type {
  PagerDutyEventAction,
  PagerDutyMessage,
  PagerDutyPayload,
  PagerDutySeverity,
  IncidentEventOptions,
} from './payload.js';
export { verifyPagerDutySignature, parsePagerDutyWebhook } from './webhook-v3.js';
export type { VerifyPagerDutySignatureOptions, PagerDutyWebhookEvent } from './webhook-v3.js';
export type { NotificationTemplates } from './templates.js';
// Kept for existing imports; the implementation is core's.
export { parseRetryAfter } from '@phoenix-alerting/core';
export { VERSION, USER_AGENT } from './version.js';
