import { createHash } from 'node:crypto';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import { isResolved } from './alert.js';
import type { Clock } from './clock.js';
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

/**
 * One bounded queue per receiver integration (p-queue): a slow or dead receiver only fills its own
 * queue. Each notification is checked against the notification log, delivered with retries and
 * exponential backoff until its deadline, and logged once delivered.
 */
export class DeliveryQueue {
  private readonly queue: PQueue;

  constructor(private readonly options: DeliveryQueueOptions) {
    this.queue = new PQueue({ concurrency: options.concurrency });
  }

  /** `receiver/type/index`: the integration this queue delivers to. */
  get integration(): string {
    return this.options.integration;
  }

  /** Notifications waiting or in flight. */
  get size(): number {
    return this.queue.size + this.queue.pending;
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
    try {
      for (let attempt = 1; ; attempt++) {
        let result: DeliveryResult;
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
