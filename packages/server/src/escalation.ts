// The escalation engine of one configuration. A receiver with `escalation_policy: NAME` opens one
// incident per aggregation group instead of notifying directly; its own integrations (slack_configs,
// sms_configs, webhook_configs, console_configs…) become the channels its pages go through, and the
// severity's `channels` pick which of them page people.
import { ConfigError, RateLimiter } from '@phoenix-alerting/core';
import { attemptRecord } from './attempt-history.js';
import type {
  AlertmanagerConfig,
  Clock,
  DeliveryResult,
  Notification,
  NotificationAttemptStore,
  Notifier,
  NotifyOptions,
} from '@phoenix-alerting/core';
import { createEscalationEngine, parseEscalationConfig } from '@phoenix-alerting/escalation';
import type { EscalationEngine } from '@phoenix-alerting/escalation';
import type { Logger } from 'pino';

export interface BuiltEscalation {
  engine: EscalationEngine;
  /** The pipeline's notifiers of each receiver with a policy: the engine's, alone. */
  receivers: Record<string, Notifier[]>;
  /** The integrations pages go through; the runtime starts and stops them. */
  channels: Notifier[];
}

export interface BuildEscalationOptions {
  file: string | undefined;
  clock: Clock;
  logger: Logger;
  externalURL: string;
  /** The store's attempt history, read when a page is attempted. */
  attempts: () => NotificationAttemptStore | undefined;
}

const SECTIONS = [
  'severities',
  'default_severity',
  'incident_reopen_window',
  'escalation_policies',
  'teams',
  'oncall_rotations',
] as const;

/** Whether the configuration asks for the engine: policies, rotations or teams. */
export function wantsEscalation(config: AlertmanagerConfig): boolean {
  return (
    config.escalation_policies !== undefined ||
    config.oncall_rotations !== undefined ||
    config.teams !== undefined ||
    config.receivers.some((receiver) => receiver.escalation_policy)
  );
}

/** A receiver integration pages go through: its notifier and its id (`receiver/type/index`). */
export interface PagingTarget {
  notifier: Notifier;
  integration: string;
  /** The integration's rate limiter(s), by the notifier's key (one without a key). */
  limiters: Map<string, RateLimiter>;
}

interface ChannelRouterOptions {
  clock: Clock;
  /** Where each page attempt is recorded (`/api/phoenix/v1/notifications`), when the store keeps it. */
  attempts: () => NotificationAttemptStore | undefined;
}

function limiterOf(target: PagingTarget, notification: Notification, clock: Clock) {
  const limit = target.notifier.rateLimit;
  if (!limit) return undefined;
  const key = limit.key?.(notification) ?? '';
  let limiter = target.limiters.get(key);
  if (!limiter)
    target.limiters.set(key, (limiter = new RateLimiter(clock, limit.limit, limit.intervalMs)));
  return limiter;
}

/**
 * One notifier per channel name that hands each page to the paging receiver's integrations of
 * that type (all of them, in order: a page succeeds when every one took it). Each integration's
 * published rate limit holds for pages as for notifications (a `Retry-After` pauses it), and every
 * attempt is recorded in the attempt history.
 */
export function channelRouter(
  channel: string,
  byReceiver: ReadonlyMap<string, readonly PagingTarget[]>,
  options: ChannelRouterOptions,
): Notifier {
  const { clock } = options;
  const record = (
    target: PagingTarget,
    notification: Notification,
    attempt: number,
    result: DeliveryResult,
    startedAt: number,
  ) => {
    const attempts = options.attempts();
    if (!attempts) return;
    attempts
      .append([
        attemptRecord(
          clock.now(),
          target.integration,
          notification,
          attempt,
          result.ok
            ? { ok: true, latencyMs: clock.now() - startedAt }
            : {
                ok: false,
                reason: result.reason,
                message: result.message,
                willRetry: result.retryable,
                ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
              },
        ),
      ])
      .catch(() => {});
  };
  return {
    name: channel,
    async notify(
      notification: Notification,
      notifyOptions: NotifyOptions,
    ): Promise<DeliveryResult> {
      const targets = byReceiver.get(notification.receiver) ?? [];
      if (targets.length === 0)
        return {
          ok: false,
          retryable: false,
          reason: 'client',
          message: `receiver ${JSON.stringify(notification.receiver)} has no ${channel} integration to page through`,
        };
      for (const target of targets) {
        const limiter = limiterOf(target, notification, clock);
        const release = limiter ? await limiter.acquire(notifyOptions.signal) : () => {};
        const startedAt = clock.now();
        let result: DeliveryResult;
        try {
          result = await target.notifier.notify(notification, notifyOptions);
        } catch (error) {
          result = {
            ok: false,
            retryable: true,
            reason: 'network',
            message: (error as Error).message,
          };
        } finally {
          release();
        }
        record(target, notification, notifyOptions.attempt, result, startedAt);
        if (!result.ok && result.retryAfterMs !== undefined)
          limiter?.pause(clock.now() + result.retryAfterMs);
        if (!result.ok) return result;
      }
      return { ok: true };
    },
  };
}

/**
 * Builds the engine and re-plumbs the receivers that name a policy. `built` maps each receiver to
 * the notifiers of its integrations (as the receivers module built them).
 *
 * @throws ConfigError naming the YAML path of every problem (unknown policy, a severity's channel
 *   that no paging receiver has, bad rotations…).
 */
export function buildEscalation(
  config: AlertmanagerConfig,
  built: Readonly<Record<string, Notifier[]>>,
  options: BuildEscalationOptions,
): BuiltEscalation | undefined {
  if (!wantsEscalation(config)) return undefined;
  const raw: Record<string, unknown> = {};
  for (const key of SECTIONS) if (config[key] !== undefined) raw[key] = config[key];
  const escalation = parseEscalationConfig(raw, { file: options.file });

  const issues: { file: string | undefined; path: string; message: string }[] = [];
  const byChannel = new Map<string, Map<string, PagingTarget[]>>();
  const channels: Notifier[] = [];
  config.receivers.forEach((receiver, index) => {
    const policy = receiver.escalation_policy;
    if (!policy) return;
    if (!escalation.policies.has(policy)) {
      issues.push({
        file: options.file,
        path: `receivers[${index}].escalation_policy`,
        message: `unknown escalation policy ${JSON.stringify(policy)} (escalation_policies: ${[...escalation.policies.keys()].join(', ') || 'none'})`,
      });
      return;
    }
    const perType = new Map<string, number>();
    for (const notifier of built[receiver.name] ?? []) {
      // The integration's id as the pipeline numbers it: its index among the receiver's of its type.
      const index = perType.get(notifier.name) ?? 0;
      perType.set(notifier.name, index + 1);
      let receivers = byChannel.get(notifier.name);
      if (!receivers) byChannel.set(notifier.name, (receivers = new Map()));
      const list = receivers.get(receiver.name) ?? [];
      list.push({
        notifier,
        integration: `${receiver.name}/${notifier.name}/${index}`,
        limiters: new Map(),
      });
      receivers.set(receiver.name, list);
      channels.push(notifier);
    }
  });
  // Only a problem once some receiver pages: a config with rotations alone needs no channels.
  const pages = config.receivers.some(
    (receiver) => receiver.escalation_policy && escalation.policies.has(receiver.escalation_policy),
  );
  for (const [name, severity] of escalation.severities) {
    severity.channels.forEach((channel, index) => {
      if (byChannel.has(channel) || !pages) return;
      issues.push({
        file: options.file,
        path: `severities.${name}.channels[${index}]`,
        message: `no receiver with an escalation_policy has a ${channel} integration (${channel}_configs) to page through`,
      });
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const routers: Record<string, Notifier> = {};
  const routing: ChannelRouterOptions = { clock: options.clock, attempts: options.attempts };
  for (const [channel, receivers] of byChannel)
    routers[channel] = channelRouter(channel, receivers, routing);
  // Severities whose channels no receiver has (possible only without paging receivers) get a
  // channel that reports it, so the engine can still serve on-call and incidents.
  for (const severity of escalation.severities.values())
    for (const channel of severity.channels)
      routers[channel] ??= channelRouter(channel, new Map(), routing);

  const base = options.externalURL.replace(/\/+$/, '');
  const engine = createEscalationEngine({
    config: escalation,
    channels: routers,
    clock: options.clock,
    logger: options.logger.child({ component: 'escalation' }),
    incidentUrl: (incident) => `${base}/api/phoenix/v1/incidents/${incident.number}`,
  });
  const receivers: Record<string, Notifier[]> = {};
  for (const receiver of config.receivers)
    if (receiver.escalation_policy)
      receivers[receiver.name] = [engine.notifierFor(receiver.name, receiver.escalation_policy)];
  return { engine, receivers, channels };
}
