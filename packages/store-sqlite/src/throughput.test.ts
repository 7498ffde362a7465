import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, buildAlerts } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

const ALERTS = 100_000;
const BATCH = 100;

const alerts = buildAlerts(ALERTS, {
  labels: { alertname: 'HighLatency', job: 'api', severity: 'critical' },
  annotations: { summary: 'p99 latency above 500ms' },
  generatorURL: 'http://prometheus:9090/graph?g0.expr=latency',
});
const batches = Array.from({ length: ALERTS / BATCH }, (_, i) =>
  alerts.slice(i * BATCH, (i + 1) * BATCH),
);

/** Upserts every batch back to back into a new store, as in an alert storm; returns CPU ms. */
async function storm(): Promise<number> {
  const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-'));
  // Time stands still, so no flush falls due: the buffer's size alone decides when it commits,
  // whatever the speed of the machine.
  const store = createSqliteStore({ directory, clock: new FakeClock() });
  try {
    const before = process.cpuUsage();
    for (const batch of batches) await store.alerts.upsert(batch);
    await store.flush();
    const used = process.cpuUsage(before);
    // The buffer commits itself every 10 000 writes: ten transactions, and every alert is stored.
    expect(store.stats()).toMatchObject({ flushes: 10, flushedAlertWrites: ALERTS });
    expect((await store.alerts.list()).length).toBe(ALERTS);
    return (used.user + used.system) / 1000;
  } finally {
    await store.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

// Speed is measured by `pnpm bench` (bench/flush.bench.mjs: CPU time and commits for several
// shapes), not asserted here: a timed test on a shared machine only measures the machine.
describe('write-behind throughput', () => {
  it('accepts and commits 100 000 alerts upserted in batches of 100 in ten transactions', async () => {
    const cpuMs = await storm();
    console.info(`100 000 alerts in batches of 100: ${Math.round(cpuMs)} ms CPU`);
  }, 120_000);

  it.each(['main', 'worker'] as const)(
    'commits a storm of alerts, group states and log entries in at most one transaction per interval (commitThread %s)',
    async (commitThread) => {
      // The storm benchmark's shape at a tenth of its size: 10 000 alerts at 10 000 alerts/s, with
      // 150 group-state and 150 notification-log writes between the batches.
      const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-'));
      const clock = new FakeClock();
      const store = createSqliteStore({ directory, clock, commitThread });
      try {
        for (const [index, batch] of batches.slice(0, 100).entries()) {
          await store.alerts.upsert(batch);
          const fingerprints = batch.map((alert) => alert.fingerprint).sort();
          for (let i = Math.floor(index * 1.5); i < Math.floor((index + 1) * 1.5); i++) {
            await store.groups.put([
              {
                groupKey: `group-${i % 20}`,
                receiver: 'team',
                routeId: '{}',
                groupLabels: { alertname: 'HighLatency' },
                fingerprints,
                firstFlushAt: clock.now(),
                lastFlushAt: clock.now(),
                nextFlushAt: clock.now() + 300_000,
              },
            ]);
            await store.notificationLog.put([
              {
                groupKey: `group-${i % 20}`,
                integration: 'team/webhook/0',
                firingAlerts: fingerprints,
                resolvedAlerts: [],
                timestamp: clock.now(),
                expiresAt: clock.now() + 432_000_000,
              },
            ]);
          }
          await clock.advance(10);
        }
        if (commitThread === 'main') {
          expect(store.stats()).toMatchObject({
            pendingWrites: 0,
            flushes: 10,
            commits: 10,
            flushedAlertWrites: 10_000,
          });
        } else {
          // The loop never yields to the worker's answers, so batches wait for the one in flight
          // and grow: fewer, larger transactions.
          await store.flush();
          const { flushes, commits, flushedAlertWrites } = store.stats();
          expect(flushes).toBeGreaterThanOrEqual(1);
          expect(flushes).toBeLessThanOrEqual(10);
          expect({ commits, flushedAlertWrites }).toEqual({
            commits: flushes,
            flushedAlertWrites: 10_000,
          });
        }
        expect(await store.groups.list()).toHaveLength(20);
      } finally {
        await store.stop();
        rmSync(directory, { recursive: true, force: true });
      }
    },
  );
});
