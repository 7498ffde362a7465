// A custom Source: the service watches its own requests and raises `OrdersErrorRateHigh` about
// itself. Nothing outside the process (no Prometheus, no scraper) is needed for this alert.
import type { Source, TimerHandle } from '@phoenix-alerting/core';

export interface ErrorRateSource extends Source {
  /** Called by the HTTP handler with the outcome of every answered request. */
  record(failed: boolean): void;
}

/**
 * Every `checkIntervalMs` on the pipeline's clock, fires when more than `maxFailureRatio` of the
 * last `windowSize` requests failed (once there are at least `minRequests`: 1 of 2 means nothing),
 * and resolves when they stop failing.
 */
export function createErrorRateSource({
  checkIntervalMs = 5_000,
  maxFailureRatio = 0.2,
  windowSize = 20,
  minRequests = 5,
} = {}): ErrorRateSource {
  const failed: boolean[] = [];
  let cancel = () => {};

  return {
    name: 'orders-error-rate',
    record(outcome) {
      failed.push(outcome);
      if (failed.length > windowSize) failed.shift();
    },
    start({ clock, emit, logger }) {
      let timer: TimerHandle;
      let firingSince: number | undefined;
      const check = () => {
        timer = clock.setTimeout(check, checkIntervalMs); // re-arm first: the cadence never drifts
        const now = clock.now();
        const ratio = failed.filter(Boolean).length / Math.max(failed.length, 1);
        const failing = failed.length >= minRequests && ratio > maxFailureRatio;
        if (!failing && firingSince === undefined) return; // healthy, and nothing to resolve
        firingSince ??= now;
        const alert = {
          labels: { alertname: 'OrdersErrorRateHigh', service: 'orders', severity: 'critical' },
          annotations: {
            summary: `${Math.round(ratio * 100)}% of the last ${failed.length} orders requests failed`,
            runbook_url: 'https://runbooks.example.com/orders/error-rate',
          },
          startsAt: firingSince, // the same start on every emit: one alert, not a new one each time
          // While failing, re-sent at every check and valid for four of them (as Prometheus does),
          // so it still resolves if this process stops checking. On recovery: ends now.
          endsAt: failing ? now + 4 * checkIntervalMs : now,
        };
        if (!failing) firingSince = undefined;
        // A timer callback cannot await: report a failure rather than leave a floating promise.
        emit([alert]).catch((error: unknown) =>
          logger.error({ err: error }, 'could not emit OrdersErrorRateHigh'),
        );
      };
      timer = clock.setTimeout(check, checkIntervalMs);
      cancel = () => clock.clearTimeout(timer);
    },
    stop: () => cancel(),
  };
}
