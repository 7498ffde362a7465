// Throughput of the write-behind alert path: 100 000 alerts upserted in batches of 100.
// - storm:  batches back to back; the buffer commits itself every 10 000 writes (10 transactions).
// - steady: a commit every 10 batches, what the 100 ms timer sees at 10 000 alerts/s (100 transactions).
// Each runs twice: inserts into an empty table, then updates of the same fingerprints (Prometheus
// re-sending firing alerts). Run after `pnpm build`: `pnpm bench` (argument: full | normal).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAlerts } from '@phoenix-alerting/core/testing';
import { createSqliteStore } from '../dist/index.js';

const ALERTS = 100_000;
const BATCH = 100;
const synchronous = process.argv[2] ?? 'full';

const alerts = buildAlerts(ALERTS, {
  labels: { alertname: 'HighLatency', job: 'api', severity: 'critical' },
  annotations: { summary: 'p99 latency above 500ms', runbook_url: 'https://runbooks/high-latency' },
  generatorURL: 'http://prometheus:9090/graph?g0.expr=latency',
});

async function run(shape, store, kind, updatedAt) {
  const batches = [];
  for (let i = 0; i < ALERTS; i += BATCH)
    batches.push(alerts.slice(i, i + BATCH).map((alert) => ({ ...alert, updatedAt })));
  globalThis.gc?.();
  const flushesBefore = store.stats().flushes;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const [index, batch] of batches.entries()) {
    await store.alerts.upsert(batch);
    if (shape === 'steady' && index % 10 === 9) await store.flush();
  }
  await store.flush();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const flushes = store.stats().flushes - flushesBefore;
  console.log(
    `${shape.padEnd(6)} ${kind.padEnd(6)} ${String(flushes).padStart(3)} commits: ` +
      `${cpuMs.toFixed(0).padStart(4)} ms CPU, ${wallMs.toFixed(0).padStart(4)} ms wall, ` +
      `${Math.round(ALERTS / (cpuMs / 1000)).toLocaleString('en')} alerts/s of CPU`,
  );
}

console.log(`store-sqlite: ${ALERTS} alerts in batches of ${BATCH}, synchronous=${synchronous}`);
for (const shape of ['storm', 'steady']) {
  const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-bench-'));
  const store = createSqliteStore({ directory, synchronous });
  await run(shape, store, 'insert', 1);
  await run(shape, store, 'update', 2);
  if (shape === 'storm') {
    const started = process.hrtime.bigint();
    const listed = await store.alerts.list();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`list of ${listed.length} alerts: ${ms.toFixed(0)} ms`);
  }
  await store.stop();
  rmSync(directory, { recursive: true, force: true });
}
console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
