// Route + group throughput of @phoenix-alerting/processor-grouping.
//
// 100 000 alerts (alertname × cluster × instance) over 1 000 aggregation groups
// (group_by [alertname, cluster]) in batches of 100, with a no-op notifier. Run after `pnpm build`:
//   pnpm bench            (node --expose-gc bench/grouping.bench.mjs)
// Uses @phoenix-alerting/router's createRouter when packages/router/dist exists, otherwise a static
// router with the same single route; the output says which. BENCH_STATIC_ROUTER=1 forces the static
// one, to see the grouping cost alone.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createAlert, createPipelineEvents } from '@phoenix-alerting/core';
import { createMemoryStore } from '@phoenix-alerting/core/testing';
import { pino } from 'pino';
import { createGroupingDispatcher } from '../dist/index.js';

const ALERTS = 100_000;
const BATCH = 100;
const NAMES = 100;
const CLUSTERS = 10;
const T0 = Date.UTC(2024, 0, 1);

const routeConfig = {
  receiver: 'default',
  group_by: ['alertname', 'cluster'],
  group_wait: 30_000,
  group_interval: 300_000,
  repeat_interval: 4 * 3_600_000,
  // A child no bench alert matches, so that matching walks the tree.
  routes: [{ receiver: 'pager', match: { severity: 'critical' } }],
};

async function loadRouter() {
  const dist = fileURLToPath(new URL('../../router/dist/index.js', import.meta.url));
  if (existsSync(dist) && !process.env.BENCH_STATIC_ROUTER) {
    try {
      const { createRouter } = await import(pathToFileURL(dist).href);
      const router = createRouter(routeConfig);
      const [match] = router.match({ alertname: 'x', cluster: 'y' });
      if (match?.groupBy?.length === 2)
        return { router, kind: '@phoenix-alerting/router createRouter' };
    } catch (error) {
      console.warn(`router package present but unusable (${error.message}); using a static router`);
    }
  }
  const route = {
    receiver: 'default',
    groupBy: ['alertname', 'cluster'],
    groupWaitMs: 30_000,
    groupIntervalMs: 300_000,
    repeatIntervalMs: 4 * 3_600_000,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    routeKey: '{}',
    routeId: '{}',
  };
  const routes = [route];
  const why = process.env.BENCH_STATIC_ROUTER
    ? 'BENCH_STATIC_ROUTER set'
    : 'packages/router/dist not built';
  return { router: { match: () => routes }, kind: `static router (${why})` };
}

/** A clock whose timers only fire when the bench says so. */
function manualClock(start) {
  let now = start;
  let nextId = 1;
  const timers = new Map();
  return {
    now: () => now,
    setTimeout(callback, delayMs) {
      const handle = { id: nextId++ };
      timers.set(handle, { callback, due: now + Math.max(0, delayMs) });
      return handle;
    },
    clearTimeout: (handle) => void timers.delete(handle),
    sleep: () => Promise.resolve(),
    /** Moves to `target` and fires every timer due by then (not those they schedule). */
    fireUntil(target) {
      now = target;
      const due = [...timers].filter(([, timer]) => timer.due <= target);
      for (const [handle] of due) timers.delete(handle);
      for (const [, timer] of due) timer.callback();
      return due.length;
    },
  };
}

function buildAlerts() {
  const alerts = new Array(ALERTS);
  for (let i = 0; i < ALERTS; i++) {
    alerts[i] = createAlert(
      {
        labels: {
          alertname: `Alert${i % NAMES}`,
          cluster: `cluster-${Math.floor(i / NAMES) % CLUSTERS}`,
          instance: `host-${i}:9100`,
          job: 'node',
          severity: 'warning',
        },
        annotations: { summary: `alert ${i}` },
        startsAt: T0,
        endsAt: T0 + 3_600_000,
      },
      { now: T0 },
    );
  }
  return alerts;
}

function setup(router) {
  const clock = manualClock(T0);
  let notified = 0;
  const dispatcher = createGroupingDispatcher();
  const context = {
    clock,
    logger: pino({ level: 'silent' }),
    store: createMemoryStore(),
    events: createPipelineEvents(),
    notify: async () => {
      notified++;
      return { delivered: Promise.resolve(true) };
    },
  };
  return { clock, dispatcher, context, notified: () => notified };
}

/** Routes and dispatches `alerts` in batches; wall and CPU time of the whole pass, in ms. */
async function pass(dispatcher, router, alerts, latencies) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let offset = 0; offset < alerts.length; offset += BATCH) {
    const batchStart = performance.now();
    const batch = alerts.slice(offset, offset + BATCH);
    const routes = batch.map((alert) => router.match(alert.labels));
    const pending = dispatcher.dispatch(batch, routes, T0);
    if (pending) await pending;
    latencies?.push(performance.now() - batchStart);
  }
  const wallMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (user + system) / 1000 };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const heapMb = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 1_048_576;
};
const rate = (count, ms) => Math.round(count / (ms / 1000)).toLocaleString('en-US');
const us = (ms) => `${(ms * 1000).toFixed(1)} µs`;

const { router, kind } = await loadRouter();
const alerts = buildAlerts();
if (!globalThis.gc) console.warn('run with --expose-gc for heap figures after GC');

// Warm-up on a throw-away dispatcher, so the JIT has seen the hot path.
{
  const warm = setup(router);
  await warm.dispatcher.start(warm.context);
  for (let i = 0; i < 3; i++) await pass(warm.dispatcher, router, alerts);
  await warm.dispatcher.stop();
}

const heapBefore = heapMb();
const run = setup(router);
await run.dispatcher.start(run.context);
const coldLatencies = [];
const cold = await pass(run.dispatcher, router, alerts, coldLatencies);
const heapAfter = heapMb();
// Steady state: the same alerts re-sent (as Prometheus does every evaluation); median of 5 passes.
const steadyRuns = [];
for (let i = 0; i < 5; i++) {
  const latencies = [];
  steadyRuns.push({ ...(await pass(run.dispatcher, router, alerts, latencies)), latencies });
}
steadyRuns.sort((a, b) => a.wallMs - b.wallMs);
const steady = steadyRuns[2];
const stats = run.dispatcher.stats();

// First flush of every group (group_wait), with the no-op notifier.
const flushStarted = performance.now();
const fired = run.clock.fireUntil(T0 + 30_000);
while (run.dispatcher.stats().flushesInFlight > 0) await new Promise((r) => setImmediate(r));
const flushMs = performance.now() - flushStarted;
await run.dispatcher.stop();

const line = (label, { wallMs, cpuMs }, latencies) =>
  `${label}: ${rate(ALERTS, wallMs)} alerts/s (${rate(ALERTS, cpuMs)}/s of CPU time)  ` +
  `dispatch per batch of ${BATCH}: p50 ${us(percentile(latencies, 50))}  p99 ${us(percentile(latencies, 99))}`;

console.log(`processor-grouping bench — node ${process.version}, ${kind}`);
console.log(
  `${ALERTS.toLocaleString('en-US')} alerts, batches of ${BATCH}, ${stats.groups} groups ` +
    `(group_by alertname, cluster), ${stats.alerts.toLocaleString('en-US')} alerts held`,
);
console.log(line('first pass (creates the groups)', cold, coldLatencies));
console.log(line('steady state (alerts re-sent), median of 5', steady, steady.latencies));
console.log(
  `heap used after GC: ${heapAfter.toFixed(1)} MB (the 100k alerts alone: ${heapBefore.toFixed(1)} MB; ` +
    `groups and index add ${(heapAfter - heapBefore).toFixed(1)} MB)`,
);
console.log(
  `first flush of ${fired} groups (sort, notification, no-op notify, state write): ` +
    `${flushMs.toFixed(1)} ms, ${run.notified()} notifications`,
);
