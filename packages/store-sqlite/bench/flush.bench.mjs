// Throughput of the write-behind path. Run after `pnpm build`:
// `pnpm bench [full | normal] [worker | main]` (SQLite's synchronous, and the commitThread option;
// defaults full and worker). With `worker`, "CPU" is the process's, both threads; "main thread"
// is the event loop's busy time (performance.eventLoopUtilization), what the store costs the
// server's ingest.
//
// Alerts alone, 100 000 upserted in batches of 100, with the clock standing still so that only the
// buffer's size or an explicit flush commits:
// - storm:  batches back to back; the buffer commits itself every 10 000 writes (10 transactions).
// - steady: a commit every 10 batches, what the 100 ms timer sees at 10 000 alerts/s (100 transactions).
// Each runs twice: inserts into an empty table, then updates of the same fingerprints (Prometheus
// re-sending firing alerts).
//
// - state storm: the reference server's storm benchmark (e2e/bench/storm.mjs: 100 000 alerts over
//   500 alertnames, grouped by alertname) as the store sees it: 1 000 batches of 100 alerts at
//   10 000 alerts/s (a FakeClock moves 10 ms per batch and runs the flush timer), with 1 500
//   group-state puts and 1 500 notification-log puts of those 500 groups interleaved. It reports
//   CPU, the time the event loop spent blocked in the store (its calls and its timer), and the
//   write transactions.
//
// STORE_SQLITE_MODULE=<path to a built index.js> measures another build, e.g. the previous release,
// for a before/after comparison (a build without `stats().commits` committed every group and log
// put as its own transaction, which is how its transactions are counted).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { FakeClock, buildAlerts } from '@phoenix-alerting/core/testing';

const { createSqliteStore } = await import(
  process.env.STORE_SQLITE_MODULE
    ? pathToFileURL(resolve(process.env.STORE_SQLITE_MODULE)).href
    : '../dist/index.js'
);

const ALERTS = 100_000;
const BATCH = 100;
const GROUPS = 500;
const GROUP_PUTS = 1_500;
const LOG_PUTS = 1_500;
const BATCH_EVERY_MS = 10; // 10 000 alerts/s
const synchronous = process.argv[2] ?? 'full';
const commitThread = process.argv[3] ?? 'worker';
/** Lets the event loop run once: a server yields between requests, and the worker answers then. */
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

const alerts = buildAlerts(ALERTS, {
  labels: { alertname: 'HighLatency', job: 'api', severity: 'critical' },
  annotations: { summary: 'p99 latency above 500ms', runbook_url: 'https://runbooks/high-latency' },
  generatorURL: 'http://prometheus:9090/graph?g0.expr=latency',
});
const batches = [];
for (let i = 0; i < ALERTS; i += BATCH) batches.push(alerts.slice(i, i + BATCH));
const cpuMsSince = (cpu) => {
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000;
};
const msSince = (started) => Number(process.hrtime.bigint() - started) / 1e6;

async function alertsOnly(shape, store, kind, updatedAt) {
  const updated = batches.map((batch) => batch.map((alert) => ({ ...alert, updatedAt })));
  globalThis.gc?.();
  const flushesBefore = store.stats().flushes;
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const started = process.hrtime.bigint();
  for (const [index, batch] of updated.entries()) {
    await store.alerts.upsert(batch);
    if (shape === 'steady' && index % 10 === 9) await store.flush();
    await yieldToEventLoop();
  }
  await store.flush();
  const wallMs = msSince(started);
  const cpuMs = cpuMsSince(cpu);
  const mainMs = performance.eventLoopUtilization(loop).active;
  const flushes = store.stats().flushes - flushesBefore;
  console.log(
    `${shape.padEnd(6)} ${kind.padEnd(6)} ${String(flushes).padStart(3)} commits: ` +
      `${cpuMs.toFixed(0).padStart(4)} ms CPU, ${mainMs.toFixed(0).padStart(4)} ms main thread, ` +
      `${wallMs.toFixed(0).padStart(4)} ms wall, ` +
      `${Math.round(ALERTS / (cpuMs / 1000)).toLocaleString('en')} alerts/s of CPU`,
  );
}

/** The writes of the state storm, in order, built before the clock starts. */
function stateStormWrites(start) {
  const members = Array.from({ length: GROUPS }, () => []);
  const writes = [];
  let groupPuts = 0;
  let logPuts = 0;
  for (const [index, batch] of batches.entries()) {
    const now = start + index * BATCH_EVERY_MS;
    for (const [offset, alert] of batch.entries())
      members[(index * BATCH + offset) % GROUPS].push(alert.fingerprint);
    writes.push({ kind: 'alerts', at: now, batch });
    const groupsDue = Math.floor(((index + 1) * GROUP_PUTS) / batches.length) - groupPuts;
    for (let i = 0; i < groupsDue; i++, groupPuts++) {
      const group = groupPuts % GROUPS;
      const fingerprints = [...members[group]].sort();
      writes.push({
        kind: 'group',
        state: {
          groupKey: `{}:{alertname="Storm${group}"}`,
          receiver: 'webhook',
          routeId: '{}',
          groupLabels: { alertname: `Storm${group}` },
          fingerprints,
          firstFlushAt: now,
          lastFlushAt: now,
          nextFlushAt: now + 5_000,
        },
      });
    }
    const logsDue = Math.floor(((index + 1) * LOG_PUTS) / batches.length) - logPuts;
    for (let i = 0; i < logsDue; i++, logPuts++) {
      const group = logPuts % GROUPS;
      writes.push({
        kind: 'log',
        entry: {
          groupKey: `{}:{alertname="Storm${group}"}`,
          integration: 'webhook/webhook/0',
          firingAlerts: [...members[group]].sort(),
          resolvedAlerts: [],
          timestamp: now,
          expiresAt: now + 5 * 86_400_000,
        },
      });
    }
  }
  return writes;
}

async function stateStorm() {
  const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-bench-'));
  const fake = new FakeClock();
  // Wall time the event loop spends in the store, by where: its calls per kind, and its timer.
  const blockedNs = { alerts: 0n, group: 0n, log: 0n, timer: 0n, flush: 0n };
  const timed = (where, work) => {
    const started = process.hrtime.bigint();
    try {
      return work();
    } finally {
      blockedNs[where] += process.hrtime.bigint() - started;
    }
  };
  const clock = {
    now: () => fake.now(),
    setTimeout: (callback, delayMs) => fake.setTimeout(() => timed('timer', callback), delayMs),
    clearTimeout: (handle) => fake.clearTimeout(handle),
    sleep: (delayMs, signal) => fake.sleep(delayMs, signal),
  };
  const store = createSqliteStore({ directory, synchronous, clock, commitThread });
  const writes = stateStormWrites(fake.now());
  globalThis.gc?.();
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const started = process.hrtime.bigint();
  for (const write of writes) {
    if (write.at !== undefined && write.at > fake.now()) {
      await yieldToEventLoop();
      await fake.advanceTo(write.at);
    }
    if (write.kind === 'alerts') await timed('alerts', () => store.alerts.upsert(write.batch));
    else if (write.kind === 'group') await timed('group', () => store.groups.put([write.state]));
    else await timed('log', () => store.notificationLog.put([write.entry]));
  }
  await timed('flush', () => store.flush());
  const wallMs = msSince(started);
  const cpuMs = cpuMsSince(cpu);
  const mainMs = performance.eventLoopUtilization(loop).active;
  const stats = store.stats();
  const commits = stats.commits ?? stats.flushes + GROUP_PUTS + LOG_PUTS;
  const ms = (ns) => (Number(ns) / 1e6).toFixed(0);
  const blocked = Object.values(blockedNs).reduce((sum, ns) => sum + ns, 0n);
  console.log(
    `state storm: ${ALERTS} alerts, ${GROUP_PUTS} group puts, ${LOG_PUTS} log puts in ` +
      `${commits} commits: ${cpuMs.toFixed(0)} ms CPU, ${mainMs.toFixed(0)} ms main thread, ` +
      `${ms(blocked)} ms blocked in the store ` +
      `(alerts.upsert ${ms(blockedNs.alerts)}, groups.put ${ms(blockedNs.group)}, ` +
      `notificationLog.put ${ms(blockedNs.log)}, timer ${ms(blockedNs.timer)}, ` +
      `flush ${ms(blockedNs.flush)}), ${wallMs.toFixed(0)} ms wall`,
  );
  await store.stop();
  rmSync(directory, { recursive: true, force: true });
}

console.log(
  `store-sqlite: ${ALERTS} alerts in batches of ${BATCH}, synchronous=${synchronous}, ` +
    `commitThread=${commitThread}`,
);
for (const shape of ['storm', 'steady']) {
  const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-bench-'));
  const store = createSqliteStore({
    directory,
    synchronous,
    clock: new FakeClock(),
    commitThread,
  });
  await alertsOnly(shape, store, 'insert', 1);
  await alertsOnly(shape, store, 'update', 2);
  if (shape === 'storm') {
    const started = process.hrtime.bigint();
    const listed = await store.alerts.list();
    console.log(`list of ${listed.length} alerts: ${msSince(started).toFixed(0)} ms`);
  }
  await store.stop();
  rmSync(directory, { recursive: true, force: true });
}
await stateStorm();
const peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
console.log(
  `rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, peak ${(peakKb / 1024).toFixed(0)} MiB`,
);
