// Shared by this package's tests: a source context that records what is emitted.
import { createLogger } from '@phoenix-alerting/core';
import type { AlertInput, EmitResult, Logger, SourceContext, Store } from '@phoenix-alerting/core';
import { FakeClock, createMemoryStore } from '@phoenix-alerting/core/testing';
import { createPipelineEvents } from '@phoenix-alerting/core';
import type { HealthCheckSource } from './healthcheck-source.js';

export interface Harness {
  clock: FakeClock;
  store: Store;
  context: SourceContext;
  /** Every alert emitted, in order. */
  emitted: AlertInput[];
  /** Moves the clock by `ms`, then waits until no check is running (real I/O included). */
  step(source: HealthCheckSource, ms: number): Promise<void>;
}

export function createHarness(
  options: {
    start?: number | string;
    store?: Store;
    logger?: Logger;
    emit?: (alerts: readonly AlertInput[]) => Promise<EmitResult>;
  } = {},
): Harness {
  const clock = new FakeClock(options.start ?? '2026-01-01T00:00:00Z');
  const store = options.store ?? createMemoryStore();
  const emitted: AlertInput[] = [];
  const context: SourceContext = {
    clock,
    store,
    logger: options.logger ?? createLogger({ level: 'silent' }),
    events: createPipelineEvents(),
    emit:
      options.emit ??
      (async (alerts) => {
        emitted.push(...alerts.map((alert) => structuredClone(alert)));
        return { accepted: alerts.length, rejected: [] };
      }),
  };
  return {
    clock,
    store,
    context,
    emitted,
    async step(source, ms) {
      await clock.advance(ms);
      await source.idle();
    },
  };
}
