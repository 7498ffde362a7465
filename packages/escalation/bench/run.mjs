// Escalation engine at scale. Run after `pnpm build` (tsup): `pnpm bench` (node --expose-gc).
//
// Phase 1 opens INCIDENTS incidents (default 100 000) through the engine's receiver notifier, as
// flushed aggregation groups would, over store-sqlite (durable default; `--store memory` for the
// in-memory store), on a FakeClock that moves WINDOW/INCIDENTS between them: level 1 is paged at
// once, and each incident's level-2 step falls due TIMEOUT later, so the due times are spread over
// WINDOW seconds. It reports how fast incidents open (one store transaction each) and memory.
//
// Phase 2 stops that engine and starts a new one over the same store, on the system clock shifted
// so that the first level-2 step is due 3 s later: a restart holding 100 000 open incidents, each
// with a pending step, which then fall due at INCIDENTS/WINDOW per second (the exhausted flags
// follow TIMEOUT later). It reports memory after the restart and the lateness of steps, as
// percentiles: from a step's due time to its claim, and to the delivery of its page (level 2).
//
// Arguments: --incidents N --window-s S --timeout-s S --store sqlite|memory --synchronous full|normal
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAlert, createMemoryEscalationStore, systemClock } from '@phoenix-alerting/core';
import { FakeClock } from '@phoenix-alerting/core/testing';
import { createSqliteStore } from '@phoenix-alerting/store-sqlite';
import { createEscalationEngine, parseEscalationConfig } from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    incidents: { type: 'string', default: '100000' },
    'window-s': { type: 'string', default: '200' },
    'timeout-s': { type: 'string', default: '600' },
    store: { type: 'string', default: 'sqlite' },
    synchronous: { type: 'string', default: 'normal' },
  },
});
const INCIDENTS = Number(args.incidents);
const WINDOW_MS = Number(args['window-s']) * 1000;
const TIMEOUT_MS = Number(args['timeout-s']) * 1000;

const config = parseEscalationConfig({
  severities: { critical: { escalation_interval: '1h', channels: ['webhook'] } },
  teams: { ops: { members: [{ name: 'alice' }, { name: 'bob' }] } },
  escalation_policies: {
    bench: [
      { responders: [{ type: 'user', name: 'alice' }], timeout_minutes: TIMEOUT_MS / 60_000 },
      { responders: [{ type: 'user', name: 'bob' }], timeout_minutes: TIMEOUT_MS / 60_000 },
    ],
  },
});

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const memory = () => {
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
};
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    `n=${sorted.length} p50=${percentile(sorted, 50)} ms p90=${percentile(sorted, 90)} ms ` +
    `p99=${percentile(sorted, 99)} ms max=${percentile(sorted, 100)} ms`
  );
};
const baseline = memory();

let directory;
let sqlite;
let store;
const openStore = () => {
  if (args.store === 'memory') return (store ??= createMemoryEscalationStore());
  directory ??= mkdtempSync(join(tmpdir(), 'phoenix-escalation-bench-'));
  sqlite = createSqliteStore({ directory, synchronous: args.synchronous });
  return sqlite.escalation;
};

// ---- phase 1: open the incidents on a FakeClock ----
const T0 = Date.parse('2026-03-02T15:00:00Z');
const fake = new FakeClock(T0);
let delivered = 0;
const countingChannel = {
  name: 'webhook',
  async notify() {
    delivered++;
    return { ok: true };
  },
};
const opening = createEscalationEngine({
  config,
  channels: { webhook: countingChannel },
  store: openStore(),
  clock: fake,
  batchSize: 512,
  concurrency: 512,
});
await opening.start();
const notifier = opening.notifierFor('ops', 'bench');
const route = {
  receiver: 'ops',
  groupBy: ['alertname', 'instance'],
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 14_400_000,
  muteTimeIntervals: [],
  activeTimeIntervals: [],
  routeKey: '{}',
  routeId: '{}',
};
const options = { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'bench' };
const spacing = WINDOW_MS / INCIDENTS;
const started = Date.now();
for (let i = 0; i < INCIDENTS; i++) {
  const now = fake.now();
  const labels = { alertname: `Bench${i % 500}`, instance: `host-${i}`, severity: 'critical' };
  const result = await notifier.notify(
    {
      receiver: 'ops',
      groupKey: `{}:{alertname="${labels.alertname}",instance="${labels.instance}"}`,
      groupLabels: { alertname: labels.alertname, instance: labels.instance },
      alerts: [createAlert({ labels, annotations: { summary: 'bench' } }, { now })],
      timestamp: now,
      route,
    },
    options,
  );
  if (!result.ok) throw new Error(result.message);
  // Deliver level 1 as it goes, in batches.
  if (i % 256 === 255) {
    await fake.advanceTo(T0 + Math.round((i + 1) * spacing));
    await opening.idle();
  }
}
await fake.advanceTo(T0 + WINDOW_MS);
await opening.idle();
const openedMs = Date.now() - started;
await opening.stop();
const open = memory();
console.log(
  `escalation bench: ${INCIDENTS} incidents, store ${args.store}` +
    `${args.store === 'sqlite' ? ` (synchronous=${args.synchronous})` : ''}, ` +
    `level-2 steps due over ${WINDOW_MS / 1000}s`,
);
console.log(
  `phase 1: opened in ${(openedMs / 1000).toFixed(1)} s ` +
    `(${Math.round(INCIDENTS / (openedMs / 1000))} incidents/s, level 1 paged: ${delivered} pages)`,
);
console.log(
  `memory with ${INCIDENTS} open incidents: RSS ${mb(open.rss)} (+${mb(open.rss - baseline.rss)}), ` +
    `heap ${mb(open.heapUsed)} (+${mb(open.heapUsed - baseline.heapUsed)})`,
);

// ---- phase 2: restart on the (shifted) system clock and let the steps fall due ----
if (sqlite) await sqlite.stop();
const offset = T0 + TIMEOUT_MS - (Date.now() + 3_000);
const clock = {
  now: () => Date.now() + offset,
  setTimeout: (callback, delayMs) => systemClock.setTimeout(callback, delayMs),
  clearTimeout: (handle) => systemClock.clearTimeout(handle),
  sleep: (delayMs, signal) => systemClock.sleep(delayMs, signal),
};
const restartedStore = openStore();
// Due time of each claimed step, by id, so the channel can tell how late its page is.
const dueAt = new Map();
const claimed = [];
const claimDueSteps = restartedStore.claimDueSteps.bind(restartedStore);
restartedStore.claimDueSteps = async (...rest) => {
  const steps = await claimDueSteps(...rest);
  const now = clock.now();
  for (const step of steps) {
    dueAt.set(step.id, step.dueAt);
    claimed.push(now - step.dueAt);
  }
  return steps;
};
const level2 = [];
const webhook = {
  name: 'webhook',
  async notify(notification, { idempotencyKey }) {
    const due = dueAt.get(idempotencyKey.split('/').slice(0, -2).join('/'));
    if (due !== undefined && notification.incident.level === 2) level2.push(clock.now() - due);
    return { ok: true };
  },
};
const engine = createEscalationEngine({
  config,
  channels: { webhook },
  store: restartedStore,
  clock,
  batchSize: 512,
  concurrency: 512,
});
const restartAt = Date.now();
await engine.start();
const restarted = memory();
console.log(
  `phase 2: restarted in ${Date.now() - restartAt} ms; memory: RSS ${mb(restarted.rss)}, ` +
    `heap ${mb(restarted.heapUsed)}`,
);
while (level2.length < INCIDENTS) {
  await new Promise((resolve) => setTimeout(resolve, 250));
  if (clock.now() > T0 + TIMEOUT_MS + WINDOW_MS + 120_000) {
    console.log(`gave up waiting: ${level2.length} level-2 pages`);
    break;
  }
}
console.log(`step lateness, due → claimed: ${summary(claimed)}`);
console.log(`page lateness, level-2 step due → page delivered: ${summary(level2)}`);
await engine.stop();
await sqlite?.stop();
if (directory) rmSync(directory, { recursive: true, force: true });
