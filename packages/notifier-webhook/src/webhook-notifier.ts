import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import {
  createAttemptDeadline,
  deliveryFailure,
  describeRequestError,
  formatDuration,
  parseConfigEntry,
  parseRetryAfter,
  readResponseText,
  RequestSetupError,
  runLoggedAttempt,
  systemClock,
  urlSecrets,
} from '@phoenix-alerting/core';
import type {
  Clock,
  DeliveryResult,
  Notification,
  Notifier,
  NotifyOptions,
  PluginContext,
} from '@phoenix-alerting/core';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { resultFromResponse } from './delivery-result.js';
import { createHttpClient } from './http-client.js';
import { buildWebhookMessage, encodeWebhookMessage } from './payload.js';
import { USER_AGENT } from './version.js';
import { webhookConfigSchema } from './webhook-config.js';
import type { WebhookConfig, WebhookConfigInput } from './webhook-config.js';

/** Settings of the notifier that do not come from its `webhook_configs` entry. */
export interface WebhookNotifierOptions {
  /**
   * The `externalURL` of every message: where users reach this server (Alertmanager's
   * `--web.external-url`). Default `''`.
   */
  externalURL?: string;
  /** Default: the pipeline's logger (from `start`), else silent. Never given a secret. */
  logger?: Logger;
  /** Times the per-attempt timeout. Default: the pipeline's clock (from `start`), else the system's. */
  clock?: Clock;
  /**
   * The directory relative `*_file` paths are resolved against: the configuration file's, as in
   * Alertmanager. Default: the working directory.
   */
  configDir?: string;
  /** Default `Phoenix-Alerting/<version>` (Alertmanager sends `Alertmanager/<version>`). */
  userAgent?: string;
}

/** Alertmanager's webhook integration: one POST of the version-4 JSON per call. */
export interface WebhookNotifier extends Notifier {
  readonly name: 'webhook';
  readonly sendResolved: boolean;
  /** The validated configuration, with defaults filled in. */
  readonly config: Readonly<WebhookConfig>;
  start(context: PluginContext): void;
  /** Closes the notifier's connections; later calls to `notify` fail as `canceled`. Idempotent. */
  stop(): Promise<void>;
}

/** Response text kept for a failure message, in characters. */
const MAX_RESPONSE_TEXT = 4096;

const silentLogger = pino({ enabled: false });

/** An Authorization header value and its credentials part. */
function authorizationSecrets(value: string | undefined): string[] {
  return value ? [value, value.slice(value.indexOf(' ') + 1)] : [];
}

/** Where a request goes: undici's `origin` and `path`, and basic auth from the URL's userinfo. */
interface RequestTarget {
  origin: string;
  /** Path and query; a `#fragment` is never sent. */
  path: string;
  headers: Record<string, string>;
}

/**
 * Go's client turns URL credentials into basic auth, which then wins over `http_config`'s own auth
 * (its round trippers leave an existing Authorization alone).
 */
function requestTarget(text: string): RequestTarget {
  const url = new URL(text);
  const target = { origin: url.origin, path: `${url.pathname}${url.search}`, headers: {} };
  if (!url.username && !url.password) return target;
  const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { ...target, headers: { authorization: `Basic ${Buffer.from(user).toString('base64')}` } };
}

/** A response header as fetch's `Headers.get` gives it: repeated values joined. */
function headerValue(headers: Dispatcher.ResponseData['headers'], name: string): string | null {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? null);
}

/**
 * Creates Alertmanager's webhook integration from a `webhook_configs` entry as written in the
 * configuration file. Throws a `ConfigError` naming every bad setting, or unusable TLS files.
 *
 * Each `notify` makes one POST and maps its outcome as Alertmanager does: 2xx delivered; 5xx and
 * network errors retryable; 429 retryable after `Retry-After`; 401/403 `auth` and other statuses
 * `client`, not retryable; an aborted `signal` is `canceled`, the `timeout` setting `timeout`.
 * Messages never contain the URL, credentials or anything read from `*_file`.
 */
export function createWebhookNotifier(
  input: WebhookConfigInput,
  options: WebhookNotifierOptions = {},
): WebhookNotifier {
  const config = parseConfigEntry(webhookConfigSchema, input, 'webhook notifier config');
  const client = createHttpClient(config.http_config, { configDir: options.configDir });
  const userAgent = options.userAgent ?? USER_AGENT;
  let clock = options.clock ?? systemClock;
  let logger = options.logger ?? silentLogger;
  let stopped = false;

  async function resolveURL(): Promise<string | Extract<DeliveryResult, { ok: false }>> {
    if (config.url) return config.url;
    const file = config.url_file!;
    const path = isAbsolute(file) ? file : resolve(options.configDir ?? process.cwd(), file);
    let url: string;
    try {
      url = (await readFile(path, 'utf8')).trim();
    } catch (error) {
      // Alertmanager does not retry an unreadable url_file either.
      const why = error instanceof Error ? error.message : String(error);
      return deliveryFailure('client', false, `webhook: unable to read url_file: ${why}`, []);
    }
    try {
      const { protocol } = new URL(url);
      if (protocol === 'http:' || protocol === 'https:') return url;
    } catch {
      // reported below, without the content
    }
    return deliveryFailure('client', false, 'webhook: url_file does not hold an http(s) URL', [
      url,
    ]);
  }

  async function attempt(
    notification: Notification,
    { signal, idempotencyKey }: NotifyOptions,
  ): Promise<DeliveryResult> {
    const canceled = () => deliveryFailure('canceled', false, 'webhook: delivery canceled', []);
    if (stopped) return deliveryFailure('canceled', false, 'webhook: notifier stopped', []);
    if (signal.aborted) return canceled();

    const message = buildWebhookMessage(notification, {
      externalURL: options.externalURL ?? '',
      maxAlerts: config.max_alerts,
    });
    if (message.truncatedAlerts > 0) {
      logger.warn(
        {
          receiver: notification.receiver,
          groupKey: notification.groupKey,
          maxAlerts: config.max_alerts,
          truncatedAlerts: message.truncatedAlerts,
        },
        'webhook: truncated alerts',
      );
    }
    const url = await resolveURL();
    if (typeof url !== 'string') return url;
    const secrets = [...client.secrets, ...urlSecrets(url)];
    let prepared;
    try {
      prepared = await client.prepare();
    } catch (error) {
      if (!(error instanceof RequestSetupError)) throw error;
      // An unreadable credentials or TLS file may be fixed before the next attempt: Alertmanager
      // retries such client errors.
      return deliveryFailure('network', true, `webhook: ${error.message}`, secrets);
    }
    secrets.push(...prepared.secrets);
    if (signal.aborted) return canceled();
    const target = requestTarget(url);
    secrets.push(...authorizationSecrets(target.headers.authorization));

    const deadline = createAttemptDeadline(
      signal,
      clock,
      config.timeout,
      'webhook request timed out',
    );
    try {
      // undici's request() rather than fetch: no WHATWG Request/Response per notification.
      const response = await prepared.dispatcher.request({
        origin: target.origin,
        path: target.path,
        method: 'POST',
        headers: {
          ...prepared.headers,
          ...target.headers,
          'content-type': 'application/json',
          'user-agent': userAgent,
          // Same for every attempt and for a re-send after a crash: receivers can drop repeats.
          'idempotency-key': idempotencyKey,
        },
        body: encodeWebhookMessage(message),
        signal: deadline.signal,
      });
      const { statusCode: status, headers } = response;
      const delivered = status >= 200 && status < 300;
      // A 2xx's text is never read: drain it (for the connection's reuse) without decoding.
      const body = await readResponseText(response.body, {
        maxChars: delivered ? 0 : MAX_RESPONSE_TEXT,
      });
      const retryAfterMs =
        status === 429 || status === 503
          ? parseRetryAfter(
              headerValue(headers, 'retry-after'),
              clock.now(),
              headerValue(headers, 'date'),
            )
          : undefined;
      return resultFromResponse('webhook', { status, retryAfterMs, body }, secrets);
    } catch (error) {
      if (deadline.timedOut) {
        return deliveryFailure(
          'timeout',
          true,
          `webhook: no response within ${formatDuration(config.timeout)}`,
          [],
        );
      }
      if (signal.aborted) return canceled();
      return deliveryFailure(
        'network',
        true,
        `webhook: request failed: ${describeRequestError(error)}`,
        secrets,
      );
    } finally {
      deadline.dispose();
    }
  }

  return {
    name: 'webhook',
    sendResolved: config.send_resolved,
    config,

    start(context) {
      clock = options.clock ?? context.clock;
      logger = options.logger ?? context.logger;
    },

    notify(notification: Notification, notifyOptions: NotifyOptions) {
      return runLoggedAttempt('webhook', { clock, logger }, notification, notifyOptions, () =>
        attempt(notification, notifyOptions),
      );
    },

    stop() {
      stopped = true;
      return client.close();
    },
  };
}
