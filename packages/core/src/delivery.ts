import { createHash } from 'node:crypto';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import { isResolved } from './alert.js';
import type { Clock, TimerHandle } from './clock.js';
import { ConfigError } from './errors.js';
import type { PipelineEvents } from './events.js';
import type { Notification } from './notification.js';
import type { DeliveryResult, Notifier } from './plugin.js';
import type { NotificationLogEntry, NotificationLogStore } from './store.js';

/** Retry policy of the delivery stage (Alertmanager's notify retry stage). */
export interface RetryOptions {
  /** First backoff, in ms. Default 500. */
  initialBackoffMs?: number;
  /** Backoff cap, in ms. Default 60 000. */
  maxBackoffMs?: number;
  /** Backoff growth factor per attempt. Default 2. */
  multiplier?: number;
  /** Shortest time a notification may keep retrying, in ms (Alertmanager's MinTimeout). Default 10 000. */
  minDeadlineMs?: number;
  /** Random source for ±20 % jitter; returns [0, 1). Default Math.random. */
  random?: () => number;
}

export interface DeliveryQueueOptions {
  /** `receiver/integration/index`, Alertmanager's integration identity in the notification log. */
  integration: string;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  events: PipelineEvents;
  notificationLog: NotificationLogStore;
  /** Notifications waiting per integration before `enqueue` waits. */
  maxQueued: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  retry: RetryOptions;
  /** How long notification log entries are kept, in ms. */
  logRetentionMs: number;
  /** Aborted at shutdown: in-flight deliveries give up. */
  shutdownSignal: AbortSignal;
}

function sortedFingerprints(notification: Notification, resolved: boolean): string[] {
  return notification.alerts
    .filter((alert) => isResolved(alert, notification.timestamp) === resolved)
    .map((alert) => alert.fingerprint)
    .sort();
}

function isSubset(set: readonly string[], subset: readonly string[]): boolean {
  const members = new Set(set);
  return subset.every((item) => members.has(item));
}

/**
 * A key that names one decision to notify: the group, the integration, the alerts sent and the
 * notification-log entry the decision was made against. A crash after delivery but before the log
 * entry is written leads, after the restart, to the same decision and so to the same key, which
 * lets a receiver that deduplicates (HTTP `Idempotency-Key`) drop the repeat.
 */
export function idempotencyKey(
  groupKey: string,
  integration: string,
  firing: readonly string[],
  resolved: readonly string[],
  entry: NotificationLogEntry | undefined,
): string {
  return createHash('sha256')
    .update(
      [groupKey, integration, firing.join(','), resolved.join(','), entry?.timestamp ?? 0].join(
        '\n',
      ),
    )
    .digest('hex')
    .slice(0, 32);
}

/**
 * Alertmanager's `DedupStage.needsUpdate`: whether a group's state differs enough from what was
 * last sent to this integration (or the repeat interval has passed) to notify again.
 */
export function needsUpdate(
  entry: NotificationLogEntry | undefined,
  firing: readonly string[],
  resolved: readonly string[],
  sendResolved: boolean,
  repeatIntervalMs: number,
  now: number,
): boolean {
  if (!entry) return firing.length > 0;
  if (!isSubset(entry.firingAlerts, firing)) return true;
  // All resolved: notify (even without send_resolved) to clear the firing set from the log, but
  // only when the receiver was told about firing alerts in the first place.
  if (firing.length === 0) return entry.firingAlerts.length > 0;
  if (sendResolved && !isSubset(entry.resolvedAlerts, resolved)) return true;
  return entry.timestamp < now - repeatIntervalMs;
}

interface RateWaiter {
  resolve(done: () => void): void;
  reject(reason: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

/** One of the `limit` slots: taken when an attempt starts, free again `intervalMs` after it ended. */
interface RateSlot {
  /** While in flight; then the time it ended. */
  busy: boolean;
  at: number;
}

const noop = () => undefined;

/**
 * When attempts of one integration may start: at most `limit` in any window of `intervalMs`,
 * counting each attempt until it has answered, so the vendor sees the limit even when requests
 * reach it late (a slow answer, a busy event loop); and not before a server-requested pause ends.
 * Runs on the Clock (p-queue's own interval uses real timers a FakeClock cannot drive). Waiters
 * are served in order.
 */
export class RateLimiter {
  private readonly slots: RateSlot[] = [];
  private readonly waiters: RateWaiter[] = [];
  private pausedUntil = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly limit = Number.POSITIVE_INFINITY,
    private readonly intervalMs = 0,
  ) {}

  /** Attempts waiting for their turn. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Resolves when an attempt may start, with the function to call once it has answered; rejects
   * with the signal's reason.
   */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const done = this.waiters.length === 0 ? this.take(this.clock.now()) : undefined;
    if (done) return Promise.resolve(done);
    return new Promise<() => void>((resolve, reject) => {
      const waiter: RateWaiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(signal.reason);
          this.schedule();
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
      this.schedule();
    });
  }

  /** Holds every attempt until `untilMs` (ms since epoch), e.g. for a 429's `Retry-After`. */
  pause(untilMs: number): void {
    if (untilMs <= this.pausedUntil) return;
    this.pausedUntil = untilMs;
    this.schedule();
  }

  /** When the next attempt may start; infinite while every slot is in flight. */
  private freeAt(now: number): number {
    const windowStart = now - this.intervalMs;
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const slot = this.slots[i]!;
      if (!slot.busy && slot.at <= windowStart) this.slots.splice(i, 1);
    }
    let byLimit = now;
    if (this.slots.length >= this.limit) {
      byLimit = Number.POSITIVE_INFINITY;
      for (const slot of this.slots)
        if (!slot.busy) byLimit = Math.min(byLimit, slot.at + this.intervalMs);
    }
    return Math.max(byLimit, this.pausedUntil);
  }

  private take(now: number): (() => void) | undefined {
    if (this.freeAt(now) > now) return undefined;
    if (!Number.isFinite(this.limit)) return noop;
    const slot: RateSlot = { busy: true, at: now };
    this.slots.push(slot);
    return () => {
      slot.busy = false;
      slot.at = this.clock.now();
      this.schedule();
    };
  }

  private release(): void {
    this.timer = undefined;
    const now = this.clock.now();
    while (this.waiters.length > 0) {
      const done = this.take(now);
      if (!done) break;
      const waiter = this.waiters.shift()!;
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(done);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiters.length === 0) return;
    const now = this.clock.now();
    const at = this.freeAt(now);
    // All slots in flight: the next attempt to end schedules again.
    if (Number.isFinite(at)) this.timer = this.clock.setTimeout(() => this.release(), at - now);
  }
}

/**
 * The rate limiters of one integration: one per `rateLimit.key` (e.g. Slack's per channel), all
 * held by a server-requested pause.
 */
class IntegrationRateLimits {
  private readonly byKey = new Map<string, RateLimiter>();
  private pausedUntil = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limit?: number,
    private readonly intervalMs?: number,
  ) {}

  get waiting(): number {
    let waiting = 0;
    for (const limiter of this.byKey.values()) waiting += limiter.waiting;
    return waiting;
  }

  limiter(key: string): RateLimiter {
    let limiter = this.byKey.get(key);
    if (!limiter) {
      limiter = new RateLimiter(this.clock, this.limit, this.intervalMs);
      limiter.pause(this.pausedUntil);
      this.byKey.set(key, limiter);
    }
    return limiter;
  }

  pause(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
    for (const limiter of this.byKey.values()) limiter.pause(untilMs);
  }
}

function rateLimitsFor(
  integration: string,
  notifier: Notifier,
  clock: Clock,
): IntegrationRateLimits {
  const { rateLimit } = notifier;
  if (!rateLimit) return new IntegrationRateLimits(clock);
  const issues = [];
  if (!Number.isInteger(rateLimit.limit) || rateLimit.limit < 1)
    issues.push({
      path: 'rateLimit.limit',
      message: 'must be a whole number of attempts, at least 1',
    });
  if (!Number.isFinite(rateLimit.intervalMs) || rateLimit.intervalMs <= 0)
    issues.push({ path: 'rateLimit.intervalMs', message: 'must be a positive number of ms' });
  if (rateLimit.key !== undefined && typeof rateLimit.key !== 'function')
    issues.push({ path: 'rateLimit.key', message: 'must be a function of the notification' });
  if (issues.length > 0)
    throw new ConfigError(issues, { subject: `rate limit of notifier ${integration}` });
  return new IntegrationRateLimits(clock, rateLimit.limit, rateLimit.intervalMs);
}

/**
 * One bounded queue per receiver integration (p-queue): a slow or dead receiver only fills its own
 * queue. Each notification is checked against the notification log, delivered with retries and
 * exponential backoff until its deadline, and logged once delivered.
 */
export class DeliveryQueue {
  private readonly queue: PQueue;
  private readonly limits: IntegrationRateLimits;

  /** Throws a `ConfigError` when the notifier declares an invalid `rateLimit`. */
  constructor(private readonly options: DeliveryQueueOptions) {
    this.queue = new PQueue({ concurrency: options.concurrency });
    this.limits = rateLimitsFor(options.integration, options.notifier, options.clock);
  }

  /** `receiver/type/index`: the integration this queue delivers to. */
  get integration(): string {
    return this.options.integration;
  }

  /** Notifications waiting or in flight. */
  get size(): number {
    return this.queue.size + this.queue.pending;
  }

  /** Attempts held back by the rate limit or a server-requested pause. */
  get rateLimited(): number {
    return this.limits.waiting;
  }

  /**
   * Resolves once queued (waiting while the queue is full) with a promise of the outcome: `true`
   * when delivered or nothing new had to be sent, `false` when delivery gave up.
   */
  async enqueue(notification: Notification): Promise<{ delivered: Promise<boolean> }> {
    if (this.queue.size >= this.options.maxQueued)
      await this.queue.onSizeLessThan(this.options.maxQueued);
    const delivered = this.queue
      .add(() => this.deliver(notification))
      .catch((error: unknown) => {
        this.options.logger.error(
          { err: error, integration: this.options.integration },
          'delivery crashed',
        );
        return false;
      });
    return { delivered };
  }

  /** Resolves when nothing is queued or in flight. */
  onIdle(): Promise<void> {
    return this.queue.onIdle();
  }

  private async deliver(notification: Notification): Promise<boolean> {
    const { notifier, clock, notificationLog, integration } = this.options;
    const firing = sortedFingerprints(notification, false);
    const resolved = sortedFingerprints(notification, true);
    const sendResolved = notifier.sendResolved ?? true;
    const now = clock.now();
    const entry = await notificationLog.get(notification.groupKey, integration);
    if (
      !needsUpdate(entry, firing, resolved, sendResolved, notification.route.repeatIntervalMs, now)
    )
      return true;

    const alerts = sendResolved
      ? notification.alerts
      : notification.alerts.filter((alert) => !isResolved(alert, notification.timestamp));
    // With nothing to show this receiver, skip the send but still log the state (as Alertmanager).
    if (alerts.length > 0) {
      const key = idempotencyKey(notification.groupKey, integration, firing, resolved, entry);
      const sent = await this.attempt({ ...notification, alerts }, now, key);
      if (!sent) return false;
    }
    await notificationLog.put([
      {
        groupKey: notification.groupKey,
        integration,
        firingAlerts: firing,
        resolvedAlerts: resolved,
        timestamp: clock.now(),
        expiresAt: clock.now() + this.options.logRetentionMs,
      },
    ]);
    return true;
  }

  private async attempt(
    notification: Notification,
    startedAt: number,
    idempotencyKey: string,
  ): Promise<boolean> {
    const { notifier, clock, events, logger, integration, retry, shutdownSignal } = this.options;
    const minDeadlineMs = retry.minDeadlineMs ?? 10_000;
    const deadline = startedAt + Math.max(notification.route.groupIntervalMs, minDeadlineMs);
    const controller = new AbortController();
    const onShutdown = () => controller.abort(shutdownSignal.reason);
    shutdownSignal.addEventListener('abort', onShutdown, { once: true });
    const timer = clock.setTimeout(
      () => controller.abort(new Error('delivery deadline exceeded')),
      deadline - startedAt,
    );
    let backoffMs = retry.initialBackoffMs ?? 500;
    let rateKey = '';
    try {
      rateKey = notifier.rateLimit?.key?.(notification) ?? '';
    } catch (error) {
      // A key that cannot be computed shares the integration's default limit.
      logger.warn({ err: error, integration }, 'rate limit key failed; using the default key');
    }
    try {
      for (let attempt = 1; ; attempt++) {
        let result: DeliveryResult;
        let done: () => void;
        try {
          done = await this.limits.limiter(rateKey).acquire(controller.signal);
        } catch {
          const shutdown = shutdownSignal.aborted;
          const gaveUp: DeliveryResult = {
            ok: false,
            retryable: false,
            reason: shutdown ? 'canceled' : 'timeout',
            message: shutdown
              ? 'shut down while waiting for the rate limit'
              : 'delivery deadline passed while waiting for the rate limit',
          };
          events.emit('delivery-failed', {
            integration,
            notification,
            attempt,
            result: gaveUp,
            willRetry: false,
          });
          logger.warn(
            { integration, groupKey: notification.groupKey, attempt, reason: gaveUp.reason },
            gaveUp.message,
          );
          return false;
        }
        try {
          result = await notifier.notify(notification, {
            signal: controller.signal,
            attempt,
            idempotencyKey,
          });
        } catch (error) {
          const canceled = controller.signal.aborted;
          result = {
            ok: false,
            retryable: !canceled,
            reason: canceled ? 'canceled' : 'network',
            message: error instanceof Error ? error.message : String(error),
          };
        } finally {
          done();
        }
        if (result.ok) {
          events.emit('notification-sent', {
            integration,
            notification,
            attempts: attempt,
            latencyMs: clock.now() - startedAt,
          });
          return true;
        }
        const jitter = 0.8 + 0.4 * (retry.random ?? Math.random)();
        const waitMs = Math.max(result.retryAfterMs ?? 0, backoffMs * jitter);
        const willRetry =
          result.retryable && !controller.signal.aborted && clock.now() + waitMs < deadline;
        events.emit('delivery-failed', { integration, notification, attempt, result, willRetry });
        logger.warn(
          {
            integration,
            groupKey: notification.groupKey,
            attempt,
            reason: result.reason,
            statusCode: result.statusCode,
            error: result.message,
            willRetry,
          },
          'notification delivery failed',
        );
        // The server asked this integration, not only this notification, to wait.
        if (result.retryAfterMs !== undefined) this.limits.pause(clock.now() + result.retryAfterMs);
        if (!willRetry) return false;
        try {
          await clock.sleep(waitMs, controller.signal);
        } catch {
          return false;
        }
        backoffMs = Math.min(backoffMs * (retry.multiplier ?? 2), retry.maxBackoffMs ?? 60_000);
      }
    } finally {
      clock.clearTimeout(timer);
      shutdownSignal.removeEventListener('abort', onShutdown);
    }
  }
}
