import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import {
  deliveryFailure,
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
import { loadAlertmanagerTemplates } from '@phoenix-alerting/template';
import type { AlertmanagerTemplates } from '@phoenix-alerting/template';
import { pino } from 'pino';
import type { Logger } from 'pino';
import twilio from 'twilio';
import { failureFromError } from './delivery-result.js';
import { verifyTwilioSignature } from './inbound.js';
import type { VerifyTwilioSignatureOptions } from './inbound.js';
import { incidentParts, notificationParts, SMS_DEFAULT_TEMPLATE } from './message.js';
import { smsConfigSchema } from './sms-config.js';
import type { SmsConfig, SmsConfigInput } from './sms-config.js';
import { createSentLog } from './sent-log.js';
import type { SentLog } from './sent-log.js';
import { fitSms } from './sms-text.js';
import type { FittedSms } from './sms-text.js';
import { TwilioTransport } from './twilio-transport.js';
import { USER_AGENT } from './version.js';

/** A pipeline rate limit: attempts per window. */
export interface RateLimit {
  limit: number;
  intervalMs: number;
}

/**
 * Twilio's published sending rate for one US/Canada long code: 1 message segment per second
 * (toll-free and short codes, and Messaging Services with a pool, send faster: pass `rateLimit`).
 */
export const TWILIO_LONG_CODE_RATE_LIMIT: Readonly<RateLimit> = { limit: 1, intervalMs: 1_000 };

/** Settings of the notifier that do not come from its `sms_configs` entry. */
export interface SmsNotifierOptions {
  /** Where users reach this server (`.ExternalURL`, the alerts link). Default `''`: no link. */
  externalURL?: string;
  /**
   * Templates for `text` (the configuration's `templates:` files). `sms.default.text` is added
   * when they do not define it. Default: Alertmanager's default templates, loaded on first use.
   */
  templates?: AlertmanagerTemplates;
  /** Default: the pipeline's logger (from `start`), else silent. Never given a secret. */
  logger?: Logger;
  /** Times requests and the sent log. Default: the pipeline's clock (from `start`), else the system's. */
  clock?: Clock;
  /** The directory relative `auth_token_file` paths are resolved against. Default: the working directory. */
  configDir?: string;
  /** Default {@link TWILIO_LONG_CODE_RATE_LIMIT}. */
  rateLimit?: RateLimit;
  /** Added to the SDK's `User-Agent`. Default `Phoenix-Alerting/<version>`. */
  userAgent?: string;
}

/** Twilio SMS: one message per recipient, fitted to `max_segments`. */
export interface SmsNotifier extends Notifier {
  readonly name: 'sms';
  readonly sendResolved: boolean;
  /** The validated configuration, with defaults filled in. */
  readonly config: Readonly<SmsConfig>;
  readonly rateLimit: RateLimit;
  start(context: PluginContext): void;
  /** Later calls to `notify` fail as `canceled`. Idempotent. */
  stop(): Promise<void>;
  /** The message `notification` becomes (for `template render`-like previews and tests). */
  render(notification: Notification): FittedSms;
  /**
   * Whether an inbound webhook request was signed by Twilio for this account: its `AccountSid`
   * parameter (when present) is this config's, and `X-Twilio-Signature` verifies with this
   * config's auth token (read from `auth_token_file` when so configured). The server calls it
   * for each `sms_configs` entry, so it never handles the token itself.
   */
  verifyRequest(request: Omit<VerifyTwilioSignatureOptions, 'authToken'>): Promise<boolean>;
}

const silentLogger = pino({ enabled: false });
const SENT_LOG_NAMESPACE = 'notifier-sms:sent';

/** `+15550100` → `+1•••0100`: enough to tell recipients apart in logs. */
export function maskPhone(phone: string): string {
  return phone.length <= 6 ? '•••' : `${phone.slice(0, 2)}•••${phone.slice(-4)}`;
}

function maskPhones(text: string, phones: readonly string[]): string {
  let out = text;
  for (const phone of phones) out = out.split(phone).join(maskPhone(phone));
  return out;
}

/**
 * Creates the Twilio SMS integration from an `sms_configs` entry as written in the configuration
 * file. Throws a `ConfigError` naming every bad setting.
 *
 * Each `notify` sends one message per recipient through the twilio SDK: the people paged (their
 * `phone`) for an incident page, else the configured `to`. Recipients already sent under the same
 * idempotency key are skipped, so a retry only sends what is missing. Outcomes: 2xx sent; 429 with
 * `Retry-After` rate-limited and 5xx, timeouts and network errors retryable (sending stops there);
 * 401/403 `auth` (stops); other 4xx (`21211` bad number…) `client`, not retryable, after the other
 * recipients were tried. Messages never contain the auth token.
 */
export function createSmsNotifier(
  // A configuration file's entry arrives untyped (core's NotifierConfig): the schema checks it.
  input: SmsConfigInput | Readonly<Record<string, unknown>>,
  options: SmsNotifierOptions = {},
): SmsNotifier {
  const config = parseConfigEntry(smsConfigSchema, input, 'sms notifier config');
  const userAgent = options.userAgent ?? USER_AGENT;
  const externalURL = options.externalURL ?? '';
  let clock = options.clock ?? systemClock;
  let logger = options.logger ?? silentLogger;
  let templates = options.templates;
  let sentLog: SentLog | undefined;
  let stopped = false;

  function render(notification: Notification): FittedSms {
    if (notification.incident)
      return fitSms(incidentParts(notification.incident), config.max_segments);
    templates ??= loadAlertmanagerTemplates({ texts: [SMS_DEFAULT_TEMPLATE], externalURL });
    const { parts, templateError } = notificationParts(notification, {
      templates,
      text: config.text,
      externalURL,
    });
    if (templateError) {
      logger.warn(
        { receiver: notification.receiver, groupKey: notification.groupKey, error: templateError },
        'sms: text template failed; sent sms.default.text instead',
      );
    }
    return fitSms(parts, config.max_segments);
  }

  function recipients(notification: Notification): string[] {
    const phones = (notification.incident?.recipients ?? [])
      .map((recipient) => recipient.phone?.trim())
      .filter((phone): phone is string => Boolean(phone));
    return [...new Set(phones.length > 0 ? phones : config.to)];
  }

  async function authToken(): Promise<string | DeliveryFailure> {
    if (config.auth_token) return config.auth_token;
    const file = config.auth_token_file!;
    const path = isAbsolute(file) ? file : resolve(options.configDir ?? process.cwd(), file);
    try {
      const token = (await readFile(path, 'utf8')).trim();
      if (token) return token;
      return deliveryFailure('network', true, 'sms: auth_token_file is empty', []);
    } catch (error) {
      // Retried: the file may be fixed (or mounted) before the next attempt.
      const why = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return deliveryFailure('network', true, `sms: unable to read auth_token_file (${why})`, []);
    }
  }

  async function attempt(
    notification: Notification,
    { signal, idempotencyKey }: NotifyOptions,
  ): Promise<DeliveryResult> {
    const canceled = () => deliveryFailure('canceled', false, 'sms: delivery canceled', []);
    if (stopped) return deliveryFailure('canceled', false, 'sms: notifier stopped', []);
    if (signal.aborted) return canceled();

    const numbers = recipients(notification);
    if (numbers.length === 0) {
      const why = notification.incident
        ? 'none of the people paged has a phone number and sms_configs has no `to`'
        : 'sms_configs has no `to` for notifications outside incidents';
      return deliveryFailure('client', false, `sms: no recipient: ${why}`, []);
    }
    let message: FittedSms;
    try {
      message = render(notification);
    } catch (error) {
      // Only templates the host supplied can fail even as sms.default.text.
      const why = error instanceof Error ? error.message : String(error);
      return deliveryFailure('client', false, `sms: cannot render the message: ${why}`, []);
    }
    const token = await authToken();
    if (typeof token !== 'string') return token;
    const basic = Buffer.from(`${config.account_sid}:${token}`).toString('base64');
    const secrets = [token, basic, `${config.account_sid}:${token}`];

    sentLog ??= createSentLog({ clock, logger, namespace: SENT_LOG_NAMESPACE });
    const already = await sentLog.sent(idempotencyKey);
    const pending = numbers.filter((to) => already[to] === undefined);
    const rejected: DeliveryFailure[] = [];
    let sent = numbers.length - pending.length;

    for (const to of pending) {
      if (signal.aborted) return canceled();
      const transport = new TwilioTransport({
        apiUrl: config.api_url,
        signal,
        clock,
        timeoutMs: config.timeout,
      });
      const client = twilio(config.account_sid, token, {
        httpClient: transport.asHttpClient(),
        userAgentExtensions: [userAgent],
      });
      const startedAt = clock.now();
      try {
        const created = await client.messages.create({
          to,
          body: message.text,
          ...(config.from ? { from: config.from } : {}),
          ...(config.messaging_service_sid
            ? { messagingServiceSid: config.messaging_service_sid }
            : {}),
          ...(config.status_callback ? { statusCallback: config.status_callback } : {}),
        });
        sent++;
        await sentLog.record(idempotencyKey, to, created.sid);
        logger.debug(
          {
            receiver: notification.receiver,
            groupKey: notification.groupKey,
            to: maskPhone(to),
            sid: created.sid,
            status: created.status,
            segments: message.segments,
            encoding: message.encoding,
            truncated: message.truncated,
            durationMs: clock.now() - startedAt,
          },
          'sms: message accepted',
        );
      } catch (error) {
        const status = transport.lastResponse?.statusCode;
        if (status !== undefined && status >= 200 && status < 300) {
          // Twilio accepted it but the answer was unreadable: sending again would text twice.
          sent++;
          await sentLog.record(idempotencyKey, to, 'unknown');
          logger.warn(
            { receiver: notification.receiver, to: maskPhone(to), statusCode: status },
            'sms: Twilio accepted the message with an unreadable answer',
          );
          continue;
        }
        const failed = failureFromError(error, transport.lastResponse, secrets);
        // Twilio's messages quote the number (`The 'To' number +1… is not valid`): masked as in logs.
        const result = { ...failed, message: maskPhones(failed.message, numbers) };
        if (result.reason === 'canceled') return result;
        const progress = `${sent} of ${numbers.length} recipients sent`;
        if (result.reason !== 'client' || result.statusCode === 404) {
          // Retryable, auth and unknown-account failures hit every recipient alike: stop here.
          return { ...result, message: `${result.message} (${progress})` };
        }
        // A bad or unsubscribed number (21211, 21610, 21614…) concerns this recipient only.
        logger.warn(
          { receiver: notification.receiver, to: maskPhone(to), error: result.message },
          'sms: recipient rejected',
        );
        rejected.push({ ...result, message: `${result.message} [to ${maskPhone(to)}]` });
      }
    }
    if (rejected.length > 0) {
      const first = rejected[0]!;
      return {
        ...first,
        message: `${first.message} (${sent} of ${numbers.length} recipients sent, ${rejected.length} rejected)`,
      };
    }
    return { ok: true, statusCode: 201 };
  }

  return {
    name: 'sms',
    sendResolved: config.send_resolved,
    config,
    rateLimit: options.rateLimit ?? { ...TWILIO_LONG_CODE_RATE_LIMIT },
    render,

    async verifyRequest(request) {
      const accountSid = request.params.AccountSid;
      if (typeof accountSid === 'string' && accountSid !== config.account_sid) return false;
      const token = await authToken();
      if (typeof token !== 'string') {
        logger.warn({ error: token.message }, 'sms: cannot verify an inbound request');
        return false;
      }
      return verifyTwilioSignature({ ...request, authToken: token });
    },

    start(context) {
      clock = options.clock ?? context.clock;
      logger = options.logger ?? context.logger;
      sentLog = createSentLog({
        clock,
        logger,
        kv: context.store.kv,
        namespace: SENT_LOG_NAMESPACE,
      });
    },

    notify(notification: Notification, notifyOptions: NotifyOptions) {
      return runLoggedAttempt('sms', { clock, logger }, notification, notifyOptions, () =>
        attempt(notification, notifyOptions),
      );
    },

    stop() {
      stopped = true;
      return Promise.resolve();
    },
  };
}
