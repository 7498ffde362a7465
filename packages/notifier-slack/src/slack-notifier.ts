import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import {
  ConfigError,
  createAttemptDeadline,
  deliveryFailure,
  describeRequestError,
  formatDuration,
  isResolved,
  parseConfigEntry,
  runLoggedAttempt,
  systemClock,
} from '@phoenix-alerting/core';
import type {
  Clock,
  DeliveryFailure,
  DeliveryResult,
  Notification,
  Notifier,
  NotifyOptions,
  PluginContext,
} from '@phoenix-alerting/core';
import {
  alertmanagerTemplateData,
  loadAlertmanagerTemplates,
  TemplateError,
} from '@phoenix-alerting/template';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createApiCaller } from './api-mode.js';
import type { ApiCaller } from './api-mode.js';
import { buildBlockKitMessage, timelineReply } from './blocks.js';
import { createHttpTransport } from './http-transport.js';
import { MessageRefs } from './message-refs.js';
import type { MessageRef } from './message-refs.js';
import { slackConfigSchema } from './slack-config.js';
import type { SlackConfig, SlackConfigInput } from './slack-config.js';
import { slackSectionSchema } from './slack-section.js';
import type { SlackSection, SlackSectionInput } from './slack-section.js';
import { buildSlackWebhookMessage, encodeGoJson } from './webhook-message.js';
import { postWebhook } from './webhook-mode.js';

/** The templates a notifier renders with: `loadAlertmanagerTemplates(…)` of the template package. */
export interface SlackTemplates {
  text(template: string, data: ReturnType<typeof alertmanagerTemplateData>): string;
}

/** Settings of the notifier that do not come from its `slack_configs` entry. */
export interface SlackNotifierOptions {
  /** Alertmanager's `--web.external-url`, for templates' `.ExternalURL`. Default `''`. */
  externalURL?: string;
  /** Templates with the user's template files loaded. Default: Alertmanager's default.tmpl only. */
  templates?: SlackTemplates;
  /** The configuration's `global` section: `slack_api_url(_file)` when the entry has no URL. */
  global?: { slack_api_url?: string | undefined; slack_api_url_file?: string | undefined };
  /** The spec's `slack:` section: channels and mentions per severity, a default URL or token. */
  section?: SlackSectionInput | SlackSection;
  /** Web API base URL in token mode (tests point it at a fake). Default `https://slack.com/api/`. */
  slackApiUrl?: string;
  /**
   * Attempts per interval and channel. Default `{ limit: 1, intervalMs: 1000 }`: Slack's published
   * one message per second per channel (core counts each attempt until it answered, so Slack sees
   * the limit).
   */
  rateLimit?: { limit: number; intervalMs: number };
  /** Namespace of remembered message references in the store. Default `notifier-slack`. */
  stateNamespace?: string;
  /** Default: the pipeline's logger (from `start`), else silent. Never given a secret. */
  logger?: Logger;
  /** Default: the pipeline's clock (from `start`), else the system's. */
  clock?: Clock;
  /** Directory relative `*_file` paths are resolved against. Default: the working directory. */
  configDir?: string;
  /** Default `Phoenix-Alerting/notifier-slack`. */
  userAgent?: string;
}

export interface SlackNotifier extends Notifier {
  readonly name: 'slack';
  readonly sendResolved: boolean;
  /** Per channel (`key`): one message per second by default. */
  readonly rateLimit: {
    limit: number;
    intervalMs: number;
    key: (notification: Notification) => string;
  };
  /** `webhook`: Alertmanager's JSON to a URL; `api`: Block Kit through the Web API with a token. */
  readonly mode: 'webhook' | 'api';
  readonly config: Readonly<SlackConfig>;
  start(context: PluginContext): void;
  /** Closes connections; later calls to `notify` fail as `canceled`. Idempotent. */
  stop(): Promise<void>;
}

const silentLogger = pino({ enabled: false });
/** `metadata.event_type` of the messages Phoenix posts. */
const METADATA_EVENT_TYPE = 'phoenix_alerting_notification';
const MAX_UNCERTAIN = 1_000;

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: { idempotency_key?: string } };
}
const DEFAULT_API_URL = 'https://slack.com/api/';

function isSection(value: SlackSectionInput | SlackSection): value is SlackSection {
  return (
    typeof (value as SlackSection).channels === 'object' &&
    !Array.isArray((value as SlackSection).channels) &&
    typeof (value as SlackSection).mentions === 'object'
  );
}

/**
 * Creates a Slack integration from a `slack_configs` entry as written in the configuration file.
 * With `api_url`/`api_url_file` (or `global.slack_api_url`, or the section's `webhook_url`) it
 * posts exactly Alertmanager 0.25's incoming-webhook JSON; with `token`/`token_file` it posts Block
 * Kit messages through the Web API and updates them in place. Throws a `ConfigError` naming every
 * bad setting.
 */
export function createSlackNotifier(
  input: SlackConfigInput = {},
  options: SlackNotifierOptions = {},
): SlackNotifier {
  const config = parseConfigEntry(slackConfigSchema, input, 'slack notifier config');
  const section: SlackSection = options.section
    ? isSection(options.section)
      ? options.section
      : parseConfigEntry(slackSectionSchema, options.section, 'slack section')
    : { channels: {}, mentions: {} };
  const token = config.token ?? (config.token_file ? undefined : section.token);
  const tokenFile = config.token_file ?? (config.token ? undefined : section.token_file);
  const mode = token || tokenFile ? 'api' : 'webhook';
  // Alertmanager: the entry's URL, else global's; Phoenix: else the slack section's.
  const entryHasURL = Boolean(config.api_url || config.api_url_file);
  const global = entryHasURL ? {} : (options.global ?? {});
  const globalHasURL = Boolean(global.slack_api_url || global.slack_api_url_file);
  const apiURL =
    config.api_url ??
    global.slack_api_url ??
    (entryHasURL || globalHasURL ? undefined : section.webhook_url);
  const apiURLFile = config.api_url_file ?? global.slack_api_url_file;
  if (mode === 'webhook' && !apiURL && !apiURLFile)
    throw new ConfigError([{ path: 'api_url', message: 'no global Slack API URL set' }], {
      subject: 'slack notifier config',
    });
  // Slack limits each channel: one limit per channel the notification goes to.
  const rateLimit = {
    ...(options.rateLimit ?? { limit: 1, intervalMs: 1_000 }),
    key: (notification: Notification) => {
      try {
        return channelOf(notification);
      } catch {
        return ''; // a channel template that fails also fails the delivery
      }
    },
  };
  const transport = createHttpTransport(config.http_config, options.configDir);
  const userAgent = options.userAgent ?? 'Phoenix-Alerting/notifier-slack';
  const externalURL = options.externalURL ?? '';
  let templates: SlackTemplates | undefined = options.templates;
  const refs = new MessageRefs(options.stateNamespace ?? 'notifier-slack');
  /** Idempotency keys whose post may have happened without our hearing of it → unix seconds sent. */
  const uncertainPosts = new Map<string, number>();
  /** Channel ids by the names configured, from Slack's answers (`#alerts` → `C0…`). */
  const channelIds = new Map<string, string>();
  let clock = options.clock ?? systemClock;
  let logger = options.logger ?? silentLogger;
  let stopped = false;
  let closing: Promise<void> | undefined;

  const path = (file: string) =>
    isAbsolute(file) ? file : resolve(options.configDir ?? process.cwd(), file);
  const secretsOf = () => [token, apiURL].filter((value): value is string => Boolean(value));

  async function readSecretFile(file: string, what: string): Promise<string | DeliveryFailure> {
    try {
      return (await readFile(path(file), 'utf8')).trim();
    } catch (error) {
      // Alertmanager does not retry an unreadable *_file either.
      const why = error instanceof Error ? error.message : String(error);
      return deliveryFailure('client', false, `slack: unable to read ${what}: ${why}`, []);
    }
  }

  function severityOf(notification: Notification): string {
    if (notification.incident) return notification.incident.severity;
    const values = new Set(notification.alerts.map((alert) => alert.labels.severity ?? ''));
    return values.size === 1 ? [...values][0]! : '';
  }

  function renderer(notification: Notification): (template: string) => string {
    templates ??= loadAlertmanagerTemplates({ externalURL });
    const data = alertmanagerTemplateData(notification, { externalURL });
    return (template) => templates!.text(template, data);
  }

  /** The entry's own channel is the most specific; then the section's per severity, then its default. */
  function channelOf(notification: Notification, render = renderer(notification)): string {
    const configured = config.channel?.includes('{{') ? render(config.channel) : config.channel;
    const severity = severityOf(notification);
    return configured || section.channels[severity] || section.default_channel || '';
  }

  async function deliver(
    notification: Notification,
    notifyOptions: NotifyOptions,
    signal: AbortSignal,
  ) {
    const render = renderer(notification);
    const severity = severityOf(notification);
    const mention = section.mentions[severity] ?? '';
    const channel = channelOf(notification, render);
    if (mode === 'webhook') {
      const { message, titleTruncated } = buildSlackWebhookMessage(config, render);
      if (titleTruncated)
        logger.warn({ groupKey: notification.groupKey, max_runes: 1024 }, 'slack: truncated title');
      if (channel) message.channel = channel;
      const attachment = message.attachments[0]!;
      if (mention) attachment.text = attachment.text ? `${mention} ${attachment.text}` : mention;
      let url = apiURL;
      if (!url) {
        const read = await readSecretFile(apiURLFile!, 'api_url_file');
        if (typeof read !== 'string') return read;
        url = read;
      }
      return postWebhook({
        url,
        body: encodeGoJson(message),
        transport,
        userAgent,
        signal,
        now: () => clock.now(),
        secrets: secretsOf(),
      });
    }
    let botToken = token;
    if (!botToken) {
      const read = await readSecretFile(tokenFile!, 'token_file');
      if (typeof read !== 'string') return read;
      botToken = read;
    }
    if (!channel)
      return deliveryFailure('client', false, 'slack: no channel for this notification', []);
    const caller = createApiCaller({
      token: botToken,
      slackApiUrl: options.slackApiUrl ?? config.web_api_url ?? DEFAULT_API_URL,
      transport,
      userAgent,
      signal,
      now: () => clock.now(),
      secrets: [...secretsOf(), botToken],
    });
    return postOrUpdate(
      caller,
      notification,
      notifyOptions.idempotencyKey,
      channel,
      mention,
      render(config.title),
    );
  }

  /**
   * The message an earlier attempt of this notification posted when its answer was lost: found
   * by its metadata in the channel's recent history (needs the `channels:history` scope, and the
   * channel's id, learnt from an earlier answer or configured as `C…`). Undefined when there is
   * no such attempt, the channel id is unknown or the history cannot be read.
   */
  async function findPosted(
    caller: ApiCaller,
    channel: string,
    idempotencyKey: string,
  ): Promise<MessageRef | undefined> {
    const since = uncertainPosts.get(idempotencyKey);
    if (since === undefined) return undefined;
    const id = /^[CGD][A-Z0-9]{2,}$/.test(channel) ? channel : channelIds.get(channel);
    if (!id) return undefined;
    const history = await caller.call<{ messages?: HistoryMessage[] }>('conversations.history', {
      channel: id,
      oldest: String(since - 1),
      include_all_metadata: true,
      limit: 100,
    });
    if (!history.ok) {
      logger.debug(
        { reason: history.result.reason, error: history.result.message },
        'slack: cannot look for a message whose answer was lost; posting again',
      );
      return undefined;
    }
    const found = history.value.messages?.find(
      (message) =>
        message.metadata?.event_type === METADATA_EVENT_TYPE &&
        message.metadata.event_payload?.idempotency_key === idempotencyKey,
    );
    return found?.ts ? { channel: id, ts: found.ts, lastKey: '' } : undefined;
  }

  async function postOrUpdate(
    caller: ApiCaller,
    notification: Notification,
    idempotencyKey: string,
    channel: string,
    mention: string,
    title: string,
  ): Promise<DeliveryResult> {
    const incident = notification.incident;
    const refKey = incident
      ? `incident:${incident.id}:${channel}`
      : `group:${notification.groupKey}:${channel}`;
    const message = buildBlockKitMessage({ notification, title, ...(mention && { mention }) });
    const allResolved =
      !incident && notification.alerts.every((alert) => isResolved(alert, notification.timestamp));
    let ref: MessageRef | undefined = await refs.get(refKey);
    if (ref) {
      const updated = await caller.call('chat.update', {
        channel: ref.channel,
        ts: ref.ts,
        ...message,
      });
      if (!updated.ok) {
        const gone = /message_not_found|cant_update_message|channel_not_found/.test(
          updated.result.message,
        );
        if (!gone) return updated.result;
        await refs.delete(refKey);
        ref = undefined;
      }
    }
    if (!ref) {
      let posted = await findPosted(caller, channel, idempotencyKey);
      if (!posted) {
        if (!uncertainPosts.has(idempotencyKey)) {
          uncertainPosts.set(idempotencyKey, Math.floor(clock.now() / 1_000));
          if (uncertainPosts.size > MAX_UNCERTAIN)
            uncertainPosts.delete(uncertainPosts.keys().next().value!);
        }
        const answer = await caller.call<{ channel: string; ts: string }>('chat.postMessage', {
          channel,
          ...message,
          unfurl_links: false,
          unfurl_media: false,
          // Lets a retry after a lost answer find this message instead of posting it again.
          metadata: {
            event_type: METADATA_EVENT_TYPE,
            event_payload: { idempotency_key: idempotencyKey },
          },
        });
        if (!answer.ok) {
          // A definite refusal posted nothing; a retryable failure may have posted.
          if (!answer.result.retryable) uncertainPosts.delete(idempotencyKey);
          return answer.result;
        }
        channelIds.set(channel, answer.value.channel);
        posted = { channel: answer.value.channel, ts: answer.value.ts, lastKey: '' };
      }
      uncertainPosts.delete(idempotencyKey);
      ref = posted;
      // Remembered before anything else can fail: a retry then updates instead of posting again.
      await refs.set(refKey, { ...ref, lastKey: idempotencyKey });
      if (incident?.event === 'triggered' || !incident) {
        if (allResolved) await refs.delete(refKey);
        return { ok: true, statusCode: 200 };
      }
    }
    const reply = incident && ref.lastKey !== idempotencyKey ? timelineReply(incident) : undefined;
    if (reply) {
      const replied = await caller.call('chat.postMessage', {
        channel: ref.channel,
        thread_ts: ref.ts,
        text: reply,
      });
      if (!replied.ok) return replied.result;
    }
    // A fully resolved plain group is finished: its next firing gets a new message.
    if (allResolved) await refs.delete(refKey);
    else await refs.set(refKey, { ...ref, lastKey: idempotencyKey });
    return { ok: true, statusCode: 200 };
  }

  async function attempt(
    notification: Notification,
    notifyOptions: NotifyOptions,
  ): Promise<DeliveryResult> {
    const { signal } = notifyOptions;
    const canceled = () => deliveryFailure('canceled', false, 'slack: delivery canceled', []);
    if (stopped) return deliveryFailure('canceled', false, 'slack: notifier stopped', []);
    if (signal.aborted) return canceled();
    const deadline = createAttemptDeadline(
      signal,
      clock,
      config.timeout,
      'slack request timed out',
    );
    try {
      return await deliver(notification, notifyOptions, deadline.signal);
    } catch (error) {
      if (deadline.timedOut)
        return deliveryFailure(
          'timeout',
          true,
          `slack: no response within ${formatDuration(config.timeout)}`,
          [],
        );
      if (signal.aborted) return canceled();
      if (error instanceof TemplateError)
        return deliveryFailure(
          'client',
          false,
          `slack: template error: ${error.message}`,
          secretsOf(),
        );
      return deliveryFailure(
        'network',
        true,
        `slack: request failed: ${describeRequestError(error)}`,
        secretsOf(),
      );
    } finally {
      deadline.dispose();
    }
  }

  return {
    name: 'slack',
    sendResolved: config.send_resolved,
    rateLimit,
    mode,
    config,

    start(context) {
      // Parsing default.tmpl takes tens of ms: done here, not inside the first rate-limited attempt.
      templates ??= loadAlertmanagerTemplates({ externalURL });
      clock = options.clock ?? context.clock;
      logger = options.logger ?? context.logger;
      refs.attach(context.store.kv, (error) =>
        logger.warn({ err: error }, 'slack: could not store where a message is'),
      );
    },

    notify(notification, notifyOptions) {
      return runLoggedAttempt('slack', { clock, logger }, notification, notifyOptions, () =>
        attempt(notification, notifyOptions),
      );
    },

    stop() {
      stopped = true;
      closing ??= transport.close();
      return closing;
    },
  };
}
