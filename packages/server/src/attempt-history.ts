// Records every delivery attempt of a runtime's pipeline in the store's attempt history
// (`/api/phoenix/v1/notifications`), and collects attempts older than the retention.
import { isResolved } from '@phoenix-alerting/core';
import type {
  Clock,
  Notification,
  NotificationAttempt,
  NotificationAttemptStore,
  PipelineEvents,
  TimerHandle,
} from '@phoenix-alerting/core';
import type { Logger } from 'pino';

/** How long attempts are kept. */
export const ATTEMPT_RETENTION_MS = 7 * 24 * 3_600_000;
const COLLECT_EVERY_MS = 3_600_000;

/** How one attempt ended: delivered after `latencyMs`, or failed and why. */
export type AttemptOutcome =
  | { ok: true; latencyMs: number }
  | { ok: false; reason: string; statusCode?: number; message: string; willRetry: boolean };

/** The history record of one attempt of `notification` to `integration`, ended at `at`. */
export function attemptRecord(
  at: number,
  integration: string,
  notification: Notification,
  attempt: number,
  outcome: AttemptOutcome,
): NotificationAttempt {
  let resolved = 0;
  for (const alert of notification.alerts)
    if (isResolved(alert, notification.timestamp)) resolved++;
  return {
    at,
    groupKey: notification.groupKey,
    receiver: notification.receiver,
    integration,
    attempt,
    ...outcome,
    firing: notification.alerts.length - resolved,
    resolved,
    ...(notification.incident ? { incidentId: notification.incident.id } : {}),
  };
}

/** Starts recording; returns the function that stops it. */
export function recordAttempts(
  events: PipelineEvents,
  attempts: NotificationAttemptStore,
  options: { clock: Clock; logger: Logger },
): () => void {
  const { clock, logger } = options;
  const append = (attempt: NotificationAttempt) => {
    attempts.append([attempt]).catch((error: unknown) => {
      logger.warn(
        { err: error, integration: attempt.integration },
        'could not record a delivery attempt',
      );
    });
  };
  const sent = (event: {
    integration: string;
    notification: Notification;
    attempts: number;
    latencyMs: number;
  }) =>
    append(
      attemptRecord(clock.now(), event.integration, event.notification, event.attempts, {
        ok: true,
        latencyMs: Math.round(event.latencyMs),
      }),
    );
  const failed = (event: {
    integration: string;
    notification: Notification;
    attempt: number;
    result: { reason: string; statusCode?: number; message: string };
    willRetry: boolean;
  }) =>
    append(
      attemptRecord(clock.now(), event.integration, event.notification, event.attempt, {
        ok: false,
        reason: event.result.reason,
        ...(event.result.statusCode !== undefined ? { statusCode: event.result.statusCode } : {}),
        message: event.result.message,
        willRetry: event.willRetry,
      }),
    );
  events.on('notification-sent', sent);
  events.on('delivery-failed', failed);

  let timer: TimerHandle | undefined;
  const collect = () => {
    attempts
      .deleteBefore(clock.now() - ATTEMPT_RETENTION_MS)
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'could not collect old delivery attempts'),
      )
      .finally(() => {
        if (timer !== undefined) timer = clock.setTimeout(collect, COLLECT_EVERY_MS);
      });
  };
  timer = clock.setTimeout(collect, COLLECT_EVERY_MS);
  return () => {
    events.off('notification-sent', sent);
    events.off('delivery-failed', failed);
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };
}

/** A NotificationAttemptStore that batches appends and can be flushed and stopped. */
export interface BatchedAttemptStore extends NotificationAttemptStore {
  /** Writes what is buffered. */
  flush(): Promise<void>;
  /** Writes what is buffered and stops the timer; later appends are written at once. */
  stop(): Promise<void>;
}

/**
 * Buffers attempts and appends them in one store call per `intervalMs` (default 100 ms): a storm
 * of notifications then costs one store call per interval, not one per attempt (a store that
 * commits each call would run a transaction for each; SQLite's store writes appends behind, in the
 * transaction of its other buffered writes). Reads flush first, so they see every attempt. The
 * history is diagnostic: a crash loses at most the last interval of it (and the store's own).
 */
export function batchAttempts(
  store: NotificationAttemptStore,
  options: { clock: Clock; logger: Logger; intervalMs?: number },
): BatchedAttemptStore {
  const { clock, logger } = options;
  const intervalMs = options.intervalMs ?? 100;
  let buffer: NotificationAttempt[] = [];
  let timer: TimerHandle | undefined;
  let stopped = false;
  const flush = async () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    try {
      await store.append(batch);
    } catch (error) {
      logger.warn({ err: error, attempts: batch.length }, 'could not record delivery attempts');
    }
  };
  return {
    async append(attempts) {
      buffer.push(...attempts);
      if (stopped) return flush();
      timer ??= clock.setTimeout(() => void flush(), intervalMs);
    },
    async list(query) {
      await flush();
      return store.list(query);
    },
    async deleteBefore(time) {
      await flush();
      return store.deleteBefore(time);
    },
    flush,
    async stop() {
      stopped = true;
      await flush();
    },
  };
}
