export { createSlackNotifier } from './slack-notifier.js';
export type { SlackNotifier, SlackNotifierOptions, SlackTemplates } from './slack-notifier.js';
export { slackConfigSchema, slackConfigDefaults } from './slack-config.js';
export type { SlackConfig, SlackConfigInput, SlackField, SlackAction } from './slack-config.js';
export { slackSectionSchema } from './slack-section.js';
export type { SlackSection, SlackSectionInput } from './slack-section.js';
export { buildSlackWebhookMessage, encodeGoJson, truncateRunes } from './webhook-message.js';
export type {
  SlackWebhookMessage,
  SlackWebhookAttachment,
  SlackWebhookField,
  SlackWebhookAction,
  RenderText,
} from './webhook-message.js';
export {
  buildBlockKitMessage,
  timelineReply,
  severityColors,
  ACKNOWLEDGE_ACTION_ID,
  RESOLVE_ACTION_ID,
} from './blocks.js';
export type { BlockKitMessage, BlockKitInput, Block } from './blocks.js';
export { verifySlackRequest, parseSlackInteraction, SlackRequestError } from './interactions.js';
export type {
  VerifySlackRequestOptions,
  SlackInteraction,
  SlackRequestErrorReason,
  RequestHeaders,
} from './interactions.js';
// Kept for existing imports; the implementation is core's.
export { parseRetryAfter } from '@phoenix-alerting/core';
