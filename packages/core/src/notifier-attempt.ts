// What every notifier does around one delivery attempt: its own abort signal with a timeout on the
// Clock (the pipeline's signal still cancels it), and one debug line with the outcome.
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Notification } from './notification.js';
import type { DeliveryResult, NotifyOptions } from './plugin.js';

/** The abort signal of one attempt; see {@link createAttemptDeadline}. */
export interface AttemptDeadline {
  /** Aborted when the caller's signal is, or when the timeout passes. */
  readonly signal: AbortSignal;
  /** Whether the timeout (not the caller) aborted the attempt. */
  readonly timedOut: boolean;
  /** Clears the timer and lets go of the caller's signal; call it when the attempt is over. */
  dispose(): void;
}

/**
 * A signal for one attempt that follows `signal` and is aborted after `timeoutMs` on `clock`
 * (0 or less: no timeout) with `new Error(timeoutMessage)`.
 */
export function createAttemptDeadline(
  signal: AbortSignal,
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>,
  timeoutMs: number,
  timeoutMessage: string,
): AttemptDeadline {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? clock.setTimeout(() => {
          timedOut = true;
          controller.abort(new Error(timeoutMessage));
        }, timeoutMs)
      : undefined;
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      if (timer !== undefined) clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Runs `attempt` and logs its outcome at debug level as `<name>: delivered` or
 * `<name>: delivery failed`, with the receiver, group key, incident id, attempt number, alert
 * count, status, failure reason and message (already free of secrets) and the duration in ms on
 * `clock`.
 */
export async function runLoggedAttempt(
  name: string,
  context: { clock: Pick<Clock, 'now'>; logger: Logger },
  notification: Notification,
  options: NotifyOptions,
  attempt: () => Promise<DeliveryResult>,
): Promise<DeliveryResult> {
  const { clock, logger } = context;
  const startedAt = clock.now();
  const result = await attempt();
  logger.debug(
    {
      receiver: notification.receiver,
      groupKey: notification.groupKey,
      ...(notification.incident && { incident: notification.incident.id }),
      attempt: options.attempt,
      alerts: notification.alerts.length,
      ok: result.ok,
      statusCode: result.statusCode,
      ...(!result.ok && { reason: result.reason, error: result.message }),
      durationMs: clock.now() - startedAt,
    },
    result.ok ? `${name}: delivered` : `${name}: delivery failed`,
  );
  return result;
}
