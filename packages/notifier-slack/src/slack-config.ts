// Alertmanager 0.25's `slack_configs` entry (config/notifiers.go SlackConfig) with its defaults
// from default.tmpl, plus Phoenix's bot-token mode (`token`/`token_file`) and `timeout`. Unknown
// keys are errors, as in Alertmanager's strict YAML loading.
import {
  durationSchema,
  httpConfigSchema,
  httpUrlSchema,
  yamlBoolean,
  yamlOptional,
  yamlString,
} from '@phoenix-alerting/core';
import type { HttpClientConfig } from '@phoenix-alerting/core';
import { z } from 'zod';

// yaml.v2 gives a Go string its zero value for `key: ~`: an empty template, not the default.
const text = () => z.preprocess((value) => (value === null ? '' : value), yamlString().optional());
const flag = () => yamlBoolean().optional();

/** Alertmanager's defaults (DefaultSlackConfig): templates of default.tmpl. */
export const slackConfigDefaults = {
  color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
  username: '{{ template "slack.default.username" . }}',
  title: '{{ template "slack.default.title" . }}',
  title_link: '{{ template "slack.default.titlelink" . }}',
  icon_emoji: '{{ template "slack.default.iconemoji" . }}',
  icon_url: '{{ template "slack.default.iconurl" . }}',
  pretext: '{{ template "slack.default.pretext" . }}',
  text: '{{ template "slack.default.text" . }}',
  fallback: '{{ template "slack.default.fallback" . }}',
  callback_id: '{{ template "slack.default.callbackid" . }}',
  footer: '{{ template "slack.default.footer" . }}',
} as const;

const fieldSchema = z
  .strictObject({ title: text(), value: text(), short: yamlOptional(yamlBoolean()) })
  .superRefine((field, context) => {
    if (!field.title)
      context.addIssue({ code: 'custom', message: 'missing title in Slack field configuration' });
    if (!field.value)
      context.addIssue({ code: 'custom', message: 'missing value in Slack field configuration' });
  });

const confirmSchema = z
  .strictObject({ text: text(), title: text(), ok_text: text(), dismiss_text: text() })
  .superRefine((confirm, context) => {
    if (!confirm.text)
      context.addIssue({
        code: 'custom',
        message: 'missing text in Slack confirmation configuration',
      });
  });

const actionSchema = z
  .strictObject({
    type: text(),
    text: text(),
    url: text(),
    style: text(),
    name: text(),
    value: text(),
    confirm: yamlOptional(confirmSchema),
  })
  .superRefine((action, context) => {
    const issue = (message: string) => context.addIssue({ code: 'custom', message });
    if (!action.type) issue('missing type in Slack action configuration');
    else if (!action.text) issue('missing text in Slack action configuration');
    else if (!action.url && !action.name)
      issue('missing name or url in Slack action configuration');
  })
  // A URL button clears the message-action fields, as Alertmanager does.
  .transform((action) =>
    action.url ? { ...action, name: undefined, value: undefined, confirm: undefined } : action,
  );

export type SlackField = z.output<typeof fieldSchema>;
export type SlackAction = z.output<typeof actionSchema>;

/** A `slack_configs` entry after validation, with Alertmanager's defaults filled in. */
export interface SlackConfig {
  /** Default false, as in Alertmanager. */
  send_resolved: boolean;
  http_config?: HttpClientConfig;
  /** Incoming-webhook (or `chat.postMessage`) URL; secret. */
  api_url?: string;
  api_url_file?: string;
  /** Phoenix: a bot token (`xoxb-…`) for Block Kit messages updated in place; secret. */
  token?: string;
  token_file?: string;
  /** Phoenix: Web API base URL in token mode. Default `https://slack.com/api/`. */
  web_api_url?: string;
  channel?: string;
  username: string;
  color: string;
  title: string;
  title_link: string;
  pretext: string;
  text: string;
  fields: SlackField[];
  short_fields: boolean;
  footer: string;
  fallback: string;
  callback_id: string;
  icon_emoji: string;
  icon_url: string;
  image_url?: string;
  thumb_url?: string;
  link_names: boolean;
  mrkdwn_in: string[];
  actions: SlackAction[];
  /** Phoenix: how long one attempt may take, in ms (config `10s`). 0: no limit. */
  timeout: number;
}

/** A `slack_configs` entry as written in the configuration file. */
export type SlackConfigInput = z.input<typeof slackConfigSchema>;

const isObject = ({ value }: { value: unknown }) => typeof value === 'object' && value !== null;

/** Validates a `slack_configs` entry. A missing URL is checked by `createSlackNotifier` (global). */
export const slackConfigSchema = z
  .strictObject({
    send_resolved: flag(),
    http_config: yamlOptional(httpConfigSchema),
    api_url: yamlOptional(httpUrlSchema('Slack API URL')),
    api_url_file: text(),
    token: text(),
    token_file: text(),
    web_api_url: yamlOptional(httpUrlSchema('Slack Web API URL')),
    channel: text(),
    username: text(),
    color: text(),
    title: text(),
    title_link: text(),
    pretext: text(),
    text: text(),
    fields: yamlOptional(z.array(fieldSchema)),
    short_fields: flag(),
    footer: text(),
    fallback: text(),
    callback_id: text(),
    icon_emoji: text(),
    icon_url: text(),
    image_url: text(),
    thumb_url: text(),
    link_names: flag(),
    mrkdwn_in: yamlOptional(z.array(yamlString())),
    actions: yamlOptional(z.array(actionSchema)),
    timeout: yamlOptional(durationSchema),
  })
  .refine((config) => !(config.api_url && config.api_url_file), {
    message: 'at most one of api_url & api_url_file must be configured',
    when: isObject,
  })
  .refine((config) => !(config.token && config.token_file), {
    message: 'at most one of token & token_file must be configured',
    when: isObject,
  })
  .refine((config) => !((config.token || config.token_file) && !config.channel), {
    message: 'channel must be configured with token or token_file',
    path: ['channel'],
    when: isObject,
  })
  .transform((config): SlackConfig => ({
    ...slackConfigDefaults,
    ...dropEmpty(config),
    send_resolved: config.send_resolved ?? false,
    fields: config.fields ?? [],
    short_fields: config.short_fields ?? false,
    link_names: config.link_names ?? false,
    mrkdwn_in: config.mrkdwn_in ?? [],
    actions: config.actions ?? [],
    timeout: config.timeout ?? 10_000,
  }));

// Go's zero value (empty string) leaves Alertmanager's default in place only when the key is absent;
// an explicit '' overrides it. Absent keys arrive as undefined and must not clobber defaults.
function dropEmpty<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
