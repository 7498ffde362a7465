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

function counts(notification: Notification) {
  let resolved = 0;
  for (const alert of notification.alerts)
    if (isResolved(alert, notification.timestamp)) resolved++;
  return { firing: notification.alerts.length - resolved, resolved };
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
  const base = (integration: string, notification: Notification) => ({
    at: clock.now(),
    groupKey: notification.groupKey,
    receiver: notification.receiver,
    integration,
    ...counts(notification),
    ...(notification.incident ? { incidentId: notification.incident.id } : {}),
  });
  const sent = (event: {
    integration: string;
    notification: Notification;
    attempts: number;
    latencyMs: number;
  }) =>
    append({
      ...base(event.integration, event.notification),
      attempt: event.attempts,
      ok: true,
      latencyMs: Math.round(event.latencyMs),
    });
  const failed = (event: {
    integration: string;
    notification: Notification;
    attempt: number;
    result: { reason: string; statusCode?: number; message: string };
    willRetry: boolean;
  }) =>
    append({
      ...base(event.integration, event.notification),
      attempt: event.attempt,
      ok: false,
      reason: event.result.reason,
      ...(event.result.statusCode !== undefined ? { statusCode: event.result.statusCode } : {}),
      message: event.result.message,
      willRetry: event.willRetry,
    });
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
