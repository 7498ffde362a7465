// Throughput of the dedup processor's in-memory part: a store whose writes cost nothing, batches of
// 500 alerts; the first round inserts 100k alerts, later rounds resend them (the steady state).
import { createAlert, createLogger, createPipelineEvents } from '@phoenix-alerting/core';
import { FakeClock } from '@phoenix-alerting/core/testing';
import { createDedupProcessor } from '../dist/index.js';

const BATCH = 500;
const DISTINCT = 100_000;
const ROUNDS = 6;

const clock = new FakeClock('2024-01-01T00:00:00Z');
const noopStore = {
  alerts: {
    upsert: async () => {},
    delete: async () => {},
    get: async () => undefined,
    list: async () => [],
  },
  silences: {},
  notificationLog: {},
  groups: {},
};
const context = {
  clock,
  store: noopStore,
  events: createPipelineEvents(),
  logger: createLogger({ level: 'silent' }),
};

const start = clock.now();
// Each round's states start a little later than the stored ones, inside their range, so that every
// alert after the first round takes the merge path (Alert.Merge), not a plain replacement.
const received = (round) =>
  Array.from({ length: DISTINCT }, (_, i) =>
    createAlert(
      {
        labels: {
          alertname: `Alert${i % 500}`,
          instance: `host-${i}`,
          job: 'node',
          severity: 'warning',
        },
        startsAt: start + round,
      },
      { now: clock.now(), resolveTimeoutMs: 300_000 },
    ),
  );

const dedup = createDedupProcessor();
await dedup.start(context);

const run = async (alerts) => {
  const started = process.hrtime.bigint();
  const latencies = [];
  for (let offset = 0; offset < alerts.length; offset += BATCH) {
    const batch = alerts.slice(offset, offset + BATCH);
    const t = process.hrtime.bigint();
    await dedup.process(batch, { ...context, now: clock.now() });
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    alertsPerSecond: Math.round(alerts.length / seconds),
    batchP50Ms: latencies[Math.floor(latencies.length * 0.5)].toFixed(3),
    batchP99Ms: latencies[Math.floor(latencies.length * 0.99)].toFixed(3),
  };
};

// Round 1 inserts; later rounds merge into existing state.
for (let round = 1; round <= ROUNDS; round++) {
  await clock.advance(1_000);
  const alerts = received(round);
  const result = await run(alerts);
  globalThis.gc?.();
  const heapMb = (process.memoryUsage().heapUsed / 1e6).toFixed(0);
  console.log(
    `round ${round} (${round === 1 ? 'insert' : 'merge'}): ${result.alertsPerSecond} alerts/s, ` +
      `batch p50 ${result.batchP50Ms} ms, p99 ${result.batchP99Ms} ms, heap ${heapMb} MB, held ${dedup.size}`,
  );
}
await dedup.stop();
