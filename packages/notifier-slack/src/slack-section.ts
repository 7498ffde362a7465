// The spec's `slack:` section (6.2): a default webhook or bot token, a channel and a mention per
// severity. Receivers' slack_configs and the escalation engine's Slack pages read it through
// `createSlackNotifier(config, { section })`.
import { httpUrlSchema, yamlOptional, yamlString } from '@phoenix-alerting/core';
import { z } from 'zod';

const text = () => yamlOptional(yamlString());

/** The `slack:` section after validation. */
export interface SlackSection {
  /** Incoming-webhook URL used when a slack_configs entry (and `global`) names none; secret. */
  webhook_url?: string;
  /** Phoenix: bot token (`xoxb-…`) for Block Kit messages updated in place; secret. */
  token?: string;
  token_file?: string;
  /** Phoenix: the app's signing secret, for `verifySlackRequest` on the interactivity endpoint. */
  signing_secret?: string;
  signing_secret_file?: string;
  /** Channel when neither the severity nor the slack_configs entry names one, e.g. `#alerts`. */
  default_channel?: string;
  /** Channel per severity level name, e.g. `critical: '#alerts-critical'`. */
  channels: Record<string, string>;
  /** Text put in front of the message per severity, e.g. `critical: '<!here>'`; '' for none. */
  mentions: Record<string, string>;
}

export type SlackSectionInput = z.input<typeof slackSectionSchema>;

/** Validates the `slack:` section. */
export const slackSectionSchema = z
  .strictObject({
    webhook_url: yamlOptional(httpUrlSchema('Slack webhook URL')),
    token: text(),
    token_file: text(),
    signing_secret: text(),
    signing_secret_file: text(),
    default_channel: text(),
    channels: yamlOptional(z.record(z.string(), yamlOptional(yamlString()))),
    mentions: yamlOptional(z.record(z.string(), yamlOptional(yamlString()))),
  })
  .refine((section) => !(section.token && section.token_file), {
    message: 'at most one of token & token_file must be configured',
  })
  .refine((section) => !(section.signing_secret && section.signing_secret_file), {
    message: 'at most one of signing_secret & signing_secret_file must be configured',
  })
  .transform((section): SlackSection => ({
    ...(section.webhook_url && { webhook_url: section.webhook_url }),
    ...(section.token && { token: section.token }),
    ...(section.token_file && { token_file: section.token_file }),
    ...(section.signing_secret && { signing_secret: section.signing_secret }),
    ...(section.signing_secret_file && { signing_secret_file: section.signing_secret_file }),
    ...(section.default_channel && { default_channel: section.default_channel }),
    channels: definedEntries(section.channels),
    mentions: definedEntries(section.mentions),
  }));

function definedEntries(
  record: Record<string, string | undefined> | undefined,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}
