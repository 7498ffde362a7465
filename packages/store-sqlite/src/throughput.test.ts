import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAlerts } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

const ALERTS = 100_000;
const BATCH = 100;
const CPU_BUDGET_MS = 1000;
/** CPU time swells on a busy shared machine; the best of a few attempts measures the code. */
const ATTEMPTS = 3;

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
  const store = createSqliteStore({ directory });
  try {
    const before = process.cpuUsage();
    for (const batch of batches) await store.alerts.upsert(batch);
    await store.flush();
    const used = process.cpuUsage(before);
    // The buffer commits itself every 10 000 writes: ten transactions.
    expect(store.stats()).toMatchObject({ flushes: 10, flushedAlertWrites: ALERTS });
    return (used.user + used.system) / 1000;
  } finally {
    await store.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

// bench/flush.bench.mjs measures more shapes (updates, a steady 10 000 alerts/s) and prints them.
describe('write-behind throughput', () => {
  it('accepts and commits 100 000 alerts upserted in batches of 100 in under a second of CPU', async () => {
    const measured: number[] = [];
    while (measured.length < ATTEMPTS && !measured.some((ms) => ms < CPU_BUDGET_MS))
      measured.push(await storm());
    const best = Math.min(...measured);
    expect(best, `CPU ms per attempt: ${measured.map(Math.round).join(', ')}`).toBeLessThan(
      CPU_BUDGET_MS,
    );
  }, 120_000);
});
