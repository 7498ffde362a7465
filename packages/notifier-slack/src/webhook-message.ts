// The JSON Alertmanager 0.25 posts to a Slack incoming webhook (notify/slack/slack.go): one
// attachment, fields in the order of Go's structs, `omitempty` where Go has it, and encoded as
// Go's json.Encoder does (HTML-safe escapes, trailing newline).
import type { SlackConfig } from './slack-config.js';

/** Renders one of the config's templates against the notification's data (Alertmanager's tmplText). */
export type RenderText = (template: string) => string;

export interface SlackWebhookField {
  title?: string;
  value?: string;
  short?: boolean;
}

export interface SlackWebhookAction {
  type?: string;
  text?: string;
  url?: string;
  style?: string;
  name?: string;
  value?: string;
  confirm?: { text?: string; title?: string; ok_text?: string; dismiss_text?: string };
}

export interface SlackWebhookAttachment {
  title?: string;
  title_link?: string;
  pretext?: string;
  text: string;
  fallback: string;
  callback_id: string;
  fields?: SlackWebhookField[];
  actions?: SlackWebhookAction[];
  image_url?: string;
  thumb_url?: string;
  footer: string;
  color?: string;
  mrkdwn_in?: string[];
}

/** Alertmanager's `request`. */
export interface SlackWebhookMessage {
  channel?: string;
  username?: string;
  icon_emoji?: string;
  icon_url?: string;
  link_names?: boolean;
  attachments: SlackWebhookAttachment[];
}

const MAX_TITLE_RUNES = 1024;

/** Alertmanager 0.25's notify.Truncate: at most `n` runes, the last three `...` when cut. */
export function truncateRunes(text: string, n: number): { text: string; truncated: boolean } {
  const runes = Array.from(text);
  if (runes.length <= n) return { text, truncated: false };
  if (n <= 3) return { text: runes.slice(0, n).join(''), truncated: true };
  return { text: `${runes.slice(0, n - 3).join('')}...`, truncated: true };
}

/** Go's `omitempty`: leaves out empty strings, false and empty lists. */
function omitEmpty<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(
      ([, entry]) =>
        entry !== undefined &&
        entry !== '' &&
        entry !== false &&
        !(Array.isArray(entry) && entry.length === 0),
    ),
  ) as T;
}

/** Builds the message; `render` throws on a template error (the notification then fails). */
export function buildSlackWebhookMessage(
  config: SlackConfig,
  render: RenderText,
): { message: SlackWebhookMessage; titleTruncated: boolean } {
  const title = truncateRunes(render(config.title), MAX_TITLE_RUNES);
  const fields = config.fields.map((field) =>
    omitEmpty({
      title: render(field.title ?? ''),
      value: render(field.value ?? ''),
      // Go keeps `short: false` here: the field is a *bool, set for every field.
      short: undefined as boolean | undefined,
    }),
  );
  config.fields.forEach((field, index) => {
    fields[index]!.short = field.short ?? config.short_fields;
  });
  const actions = config.actions.map((action) =>
    omitEmpty({
      type: render(action.type ?? ''),
      text: render(action.text ?? ''),
      url: render(action.url ?? ''),
      style: render(action.style ?? ''),
      name: render(action.name ?? ''),
      value: render(action.value ?? ''),
      confirm: action.confirm
        ? omitEmpty({
            text: render(action.confirm.text ?? ''),
            title: render(action.confirm.title ?? ''),
            ok_text: render(action.confirm.ok_text ?? ''),
            dismiss_text: render(action.confirm.dismiss_text ?? ''),
          })
        : undefined,
    }),
  );
  const attachment: SlackWebhookAttachment = {
    ...omitEmpty({
      title: title.text,
      title_link: render(config.title_link),
      pretext: render(config.pretext),
    }),
    text: render(config.text),
    fallback: render(config.fallback),
    callback_id: render(config.callback_id),
    ...omitEmpty({
      fields,
      actions,
      image_url: render(config.image_url ?? ''),
      thumb_url: render(config.thumb_url ?? ''),
    }),
    footer: render(config.footer),
    ...omitEmpty({
      color: render(config.color),
      mrkdwn_in: config.mrkdwn_in.length > 0 ? config.mrkdwn_in : ['fallback', 'pretext', 'text'],
    }),
  };
  const message: SlackWebhookMessage = {
    ...omitEmpty({
      channel: render(config.channel ?? ''),
      username: render(config.username),
      icon_emoji: render(config.icon_emoji),
      icon_url: render(config.icon_url),
      link_names: config.link_names,
    }),
    attachments: [attachment],
  };
  return { message, titleTruncated: title.truncated };
}

/** Go's json.Encoder output: `<`, `>`, `&`, U+2028 and U+2029 escaped, and a trailing newline. */
export function encodeGoJson(value: unknown): string {
  return `${JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
