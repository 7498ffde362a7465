import { readFile } from 'node:fs/promises';
import {
  createAttemptDeadline,
  deliveryFailure,
  describeRequestError,
  formatDuration,
  httpConfigSchema,
  parseConfigEntry,
  parseRetryAfter,
  RequestSetupError,
  resolveConfigFile,
  runLoggedAttempt,
  systemClock,
} from '@phoenix-alerting/core';
import type {
  Clock,
  DeliveryResult,
  Notification,
  NotificationIncident,
  Notifier,
  NotifyOptions,
  PluginContext,
} from '@phoenix-alerting/core';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { resultFromResponse } from './delivery-result.js';
import { createHttpClient } from './http-client.js';
import {
  DEFAULT_PAGERDUTY_URL,
  PAGERDUTY_V1_URL,
  pagerdutyConfigSchema,
  pagerdutySectionSchema,
} from './pagerduty-config.js';
import type {
  PagerdutyConfig,
  PagerdutyConfigInput,
  PagerdutySection,
  PagerdutySectionInput,
} from './pagerduty-config.js';
import { buildEventV1, buildEventV2, buildIncidentEvent, encodeMessage } from './payload.js';
import type { PagerDutyMessage } from './payload.js';
import { createRenderer } from './templates.js';
import type { NotificationTemplates } from './templates.js';
import { USER_AGENT } from './version.js';

/** A rate limit: at most `limit` deliveries per `intervalMs`. */
export interface RateLimit {
  limit: number;
  intervalMs: number;
}

/**
 * PagerDuty's published Events API limit: "approximately 120 calls/minute per integration key",
 * over a 60-second window looking back from now (PagerDuty developer documentation, "Events API
 * Rate Limits"); beyond it the API answers `429` and drops the event.
 */
export const PAGERDUTY_EVENTS_RATE_LIMIT: Readonly<RateLimit> = { limit: 120, intervalMs: 60_000 };

/** Settings that do not come from the `pagerduty_configs` entry. */
export interface PagerDutyNotifierOptions {
  /** `.ExternalURL` of the templates (Alertmanager's `--web.external-url`). Default `''`. */
  externalURL?: string;
  /** Default: Alertmanager's default templates (`@phoenix-alerting/template`). */
  templates?: NotificationTemplates;
  /** Alertmanager's `global` defaults: `pagerduty_url` and `http_config`. */
  global?: { pagerduty_url?: string; http_config?: unknown };
  /**
   * The spec's `pagerduty:` section: a notification whose alerts carry a team label (`team` by
   * default) goes to that team's service `routing_key` when it has one.
   */
  section?: PagerdutySectionInput | PagerdutySection;
  /** Default: {@link PAGERDUTY_EVENTS_RATE_LIMIT}. */
  rateLimit?: RateLimit;
  /** Default: the pipeline's logger (from `start`), else silent. */
  logger?: Logger;
  /** Times the per-attempt timeout. Default: the pipeline's clock, else the system's. */
  clock?: Clock;
  /** Base of relative `*_file` paths. Default: the working directory. */
  configDir?: string;
  /** Default `Phoenix-Alerting/<version>`. */
  userAgent?: string;
  /**
   * Where v1 (`service_key`) events go. Default PagerDuty's v1 endpoint, which Alertmanager does not
   * let one change either; set it for tests or an egress proxy.
   */
  v1URL?: string;
}

/** PagerDuty's Events API integration: one event per call. */
export interface PagerDutyNotifier extends Notifier {
  readonly name: 'pagerduty';
  readonly sendResolved: boolean;
  readonly config: Readonly<PagerdutyConfig>;
  /** The vendor's published limit unless configured: the pipeline's queue honours it. */
  readonly rateLimit: RateLimit;
  start(context: PluginContext): void;
  /** Closes connections; later calls fail as `canceled`. Idempotent. */
  stop(): Promise<void>;
}

const silentLogger = pino({ enabled: false });

function isSection(value: PagerdutySectionInput | PagerdutySection): value is PagerdutySection {
  return typeof (value as PagerdutySection).team_label === 'string';
}

/** The label value every alert of the notification shares, if any. */
function commonLabel(notification: Notification, name: string): string | undefined {
  const fromGroup = notification.groupLabels[name];
  if (fromGroup) return fromGroup;
  const values = new Set(notification.alerts.map((alert) => alert.labels[name] ?? ''));
  const [only] = values;
  return values.size === 1 && only ? only : undefined;
}

/**
 * Creates Alertmanager's PagerDuty integration from a `pagerduty_configs` entry as written in YAML.
 * Throws a `ConfigError` naming every bad setting.
 *
 * Plain notifications are sent as Alertmanager 0.25 sends them (Events API v2 with `routing_key`,
 * v1 with `service_key`); incident notifications (`notification.incident`) trigger, acknowledge
 * and resolve one PagerDuty alert keyed by the incident id.
 */
export function createPagerDutyNotifier(
  input: PagerdutyConfigInput,
  options: PagerDutyNotifierOptions = {},
): PagerDutyNotifier {
  const subject = 'pagerduty notifier config';
  const config = parseConfigEntry(pagerdutyConfigSchema, input, subject);
  const section =
    options.section === undefined
      ? undefined
      : isSection(options.section)
        ? options.section
        : parseConfigEntry(pagerdutySectionSchema, options.section, 'pagerduty section');
  const httpConfig =
    config.http_config ??
    parseConfigEntry(httpConfigSchema, options.global?.http_config ?? {}, 'global http_config');
  const client = createHttpClient(httpConfig, { configDir: options.configDir, subject });
  const render = createRenderer({ templates: options.templates, externalURL: options.externalURL });
  const v1 = Boolean(config.service_key || config.service_key_file);
  const url = v1
    ? (options.v1URL ?? PAGERDUTY_V1_URL)
    : (config.url ?? options.global?.pagerduty_url ?? DEFAULT_PAGERDUTY_URL);
  const userAgent = options.userAgent ?? USER_AGENT;
  let clock = options.clock ?? systemClock;
  let logger = options.logger ?? silentLogger;
  let stopped = false;
  const inlineSecrets = [
    config.routing_key,
    config.service_key,
    section?.service_key,
    section?.api_token,
    ...Object.values(section?.services ?? {}).map((service) => service.routing_key),
  ].filter((secret): secret is string => Boolean(secret));

  async function readKey(file: string, what: string): Promise<string> {
    const path = resolveConfigFile(file, options.configDir);
    try {
      return (await readFile(path, 'utf8')).trim();
    } catch (error) {
      throw new RequestSetupError(
        `unable to read ${what}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** The team's own integration key from the `pagerduty:` section, if it has one. */
  async function teamKey(notification: Notification): Promise<string | undefined> {
    if (!section) return undefined;
    const team = commonLabel(notification, section.team_label);
    const service = team === undefined ? undefined : section.services[team];
    if (service?.routing_key) return service.routing_key;
    if (service?.routing_key_file)
      return readKey(service.routing_key_file, `${team} routing_key_file`);
    return undefined;
  }

  async function sectionDefaultKey(): Promise<string | undefined> {
    if (section?.service_key) return section.service_key;
    if (section?.service_key_file)
      return readKey(section.service_key_file, 'pagerduty service_key_file');
    return undefined;
  }

  /** Builds the event: the message, and the secrets read for it. */
  async function buildMessage(
    notification: Notification,
    secrets: string[],
  ): Promise<PagerDutyMessage | DeliveryResult> {
    const fromTeam = await teamKey(notification);
    if (notification.incident) {
      let key =
        fromTeam ??
        (config.routing_key_file
          ? await readKey(config.routing_key_file, 'routing_key_file')
          : config.routing_key) ??
        (await sectionDefaultKey());
      if (key?.includes('{{')) {
        secrets.push(key);
        key = (await render(notification))(key);
      }
      if (!key) {
        return deliveryFailure('client', false, 'pagerduty: no routing key for incident pages', []);
      }
      secrets.push(key);
      return buildIncidentEvent(notification as Notification & { incident: NotificationIncident }, {
        routingKey: key,
      });
    }
    const tmpl = await render(notification);
    const details = Object.fromEntries(
      Object.entries(config.details).map(([key, template]) => [key, tmpl(template)]),
    );
    if (v1 && !fromTeam) {
      const raw = config.service_key_file
        ? await readKey(config.service_key_file, 'service_key_file')
        : (config.service_key ?? '');
      secrets.push(raw);
      const key = tmpl(raw);
      secrets.push(key);
      // Alertmanager: "service key cannot be empty" (after templating).
      if (!key)
        return deliveryFailure('client', false, 'pagerduty: service key cannot be empty', []);
      return logTruncation(notification, buildEventV1(notification, config, tmpl, key, details));
    }
    let key = fromTeam;
    if (key === undefined) {
      const raw = config.routing_key_file
        ? await readKey(config.routing_key_file, 'routing_key_file')
        : (config.routing_key ?? '');
      secrets.push(raw);
      key = tmpl(raw);
    }
    secrets.push(key);
    if (!key) return deliveryFailure('client', false, 'pagerduty: routing key cannot be empty', []);
    return logTruncation(notification, buildEventV2(notification, config, tmpl, key, details));
  }

  function logTruncation(
    notification: Notification,
    built: { message: PagerDutyMessage; truncatedSummary: boolean },
  ): PagerDutyMessage {
    if (built.truncatedSummary) {
      logger.debug({ groupKey: notification.groupKey }, 'pagerduty: truncated summary');
    }
    return built.message;
  }

  async function attempt(
    notification: Notification,
    { signal }: NotifyOptions,
  ): Promise<DeliveryResult> {
    const canceled = () => deliveryFailure('canceled', false, 'pagerduty: delivery canceled', []);
    if (stopped) return deliveryFailure('canceled', false, 'pagerduty: notifier stopped', []);
    if (signal.aborted) return canceled();
    const secrets = [...inlineSecrets];
    let message: PagerDutyMessage | DeliveryResult;
    try {
      message = await buildMessage(notification, secrets);
    } catch (error) {
      if (error instanceof RequestSetupError) {
        // A key file may appear before the next attempt: retryable, as Alertmanager.
        return deliveryFailure('network', true, `pagerduty: ${error.message}`, secrets);
      }
      const why = error instanceof Error ? error.message : String(error);
      return deliveryFailure(
        'client',
        false,
        `pagerduty: failed to template the message: ${why}`,
        secrets,
      );
    }
    if ('ok' in message) return message;
    const encoded = encodeMessage(message);
    if (encoded.replaced !== undefined) {
      logger.warn(
        { groupKey: notification.groupKey, sizeBytes: encoded.replaced, limitBytes: 512_000 },
        'pagerduty: custom details removed because the event exceeds the size limit',
      );
    }
    if (signal.aborted) return canceled();

    const deadline = createAttemptDeadline(
      signal,
      clock,
      config.timeout,
      'pagerduty request timed out',
    );
    const allSecrets = () => [...secrets, ...client.secrets];
    try {
      const response = await client.post(url, encoded.body, {
        headers: { 'content-type': 'application/json', 'user-agent': userAgent },
        signal: deadline.signal,
      });
      const header = (name: string) => {
        const value = response.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const retryAfterMs =
        response.status === 429 || response.status >= 500
          ? parseRetryAfter(header('retry-after'), clock.now(), header('date'))
          : undefined;
      return resultFromResponse(
        { status: response.status, body: response.body, retryAfterMs },
        v1 ? 'v1' : 'v2',
        allSecrets(),
      );
    } catch (error) {
      if (deadline.timedOut) {
        return deliveryFailure(
          'timeout',
          true,
          `pagerduty: no response within ${formatDuration(config.timeout)}`,
          [],
        );
      }
      if (signal.aborted) return canceled();
      if (error instanceof RequestSetupError) {
        return deliveryFailure('network', true, `pagerduty: ${error.message}`, allSecrets());
      }
      return deliveryFailure(
        'network',
        true,
        `pagerduty: failed to post message to PagerDuty: ${describeRequestError(error)}`,
        allSecrets(),
      );
    } finally {
      deadline.dispose();
    }
  }

  return {
    name: 'pagerduty',
    sendResolved: config.send_resolved,
    config,
    rateLimit: options.rateLimit ?? { ...PAGERDUTY_EVENTS_RATE_LIMIT },

    start(context) {
      clock = options.clock ?? context.clock;
      logger = options.logger ?? context.logger;
    },

    notify(notification, notifyOptions) {
      return runLoggedAttempt('pagerduty', { clock, logger }, notification, notifyOptions, () =>
        attempt(notification, notifyOptions),
      );
    },

    async stop() {
      stopped = true;
      client.close();
    },
  };
}
