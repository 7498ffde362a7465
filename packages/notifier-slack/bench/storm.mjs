// Alert storm into a rate-limited Slack receiver.
//
// 10 000 alerts over 200 aggregation groups (group_by alertname), in batches of 100, through core's
// pipeline with @phoenix-alerting/router and processor-grouping, to a Slack incoming webhook on
// 127.0.0.1 that records when each message arrives. The Slack notifier declares Slack's limit of
// one message per second, so the 200 notifications take about 200 s to drain. Printed: ingest
// rate with a no-op receiver and with the slow Slack, notifications delivered, and the highest
// rate Slack saw. Real clock, short group_wait: a benchmark, not a test. Run after `pnpm build`
// (here and in core, template, router, processor-grouping):
//   pnpm bench                      (node bench/storm.mjs)
//   BENCH_GROUPS=20 pnpm bench      (a shorter run)
import { once } from 'node:events';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createLogger, createPipeline } from '@phoenix-alerting/core';
import { createSlackNotifier } from '../dist/index.js';

const ALERTS = Number(process.env.BENCH_ALERTS ?? 10_000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 200);
const BATCH = 100;
const GROUP_WAIT_MS = 1_000;

const { createRouter } = await import(new URL('../../router/dist/index.js', import.meta.url).href);
const { createGroupingDispatcher } = await import(
  new URL('../../processor-grouping/dist/index.js', import.meta.url).href
);

function routeConfig(receiver) {
  return {
    receiver,
    group_by: ['alertname'],
    group_wait: GROUP_WAIT_MS,
    group_interval: 300_000,
    repeat_interval: 4 * 3_600_000,
  };
}

function alertInputs(run) {
  return Array.from({ length: ALERTS }, (_, i) => ({
    labels: {
      alertname: `Storm${run}-${i % GROUPS}`,
      instance: `host-${i}:9100`,
      severity: 'warning',
    },
    annotations: { summary: `alert ${i}` },
  }));
}

/** A Slack incoming webhook that records arrival times and answers `ok` after `delayMs`. */
async function startSlack(delayMs) {
  const arrivals = [];
  let bodies = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      arrivals.push(performance.now());
      bodies++;
      setTimeout(() => response.end('ok'), delayMs);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}/services/T000/B000/benchsecret`,
    arrivals,
    count: () => bodies,
    reset: () => {
      bodies = 0;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function ingest(pipeline, inputs) {
  const started = performance.now();
  for (let offset = 0; offset < inputs.length; offset += BATCH)
    await pipeline.emit(inputs.slice(offset, offset + BATCH));
  // Until the last batch has been routed and grouped (the ingest queue is empty).
  while (pipeline.stats().ingestQueued > 0) await new Promise((resolve) => setImmediate(resolve));
  return performance.now() - started;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The storm (new groups), then, once the groups have flushed (Slack is now backlogged), the same
 * alerts re-sent five times as Prometheus re-sends them every evaluation: ms of each.
 */
async function ingestRounds(pipeline, run) {
  const inputs = alertInputs(run);
  const first = await ingest(pipeline, inputs);
  await pause(GROUP_WAIT_MS + 500);
  const again = [];
  for (let i = 0; i < 5; i++) again.push(await ingest(pipeline, inputs));
  return { first, again: median(again) };
}

function maxInWindow(times, windowMs) {
  let best = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end] - times[start] >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const rate = (count, ms) => Math.round(count / (ms / 1000)).toLocaleString('en-US');
const logger = createLogger({ level: 'silent' });

// 1. Baseline: the same storm into a receiver that costs nothing.
const baseline = createPipeline({
  router: createRouter(routeConfig('noop')),
  dispatcher: createGroupingDispatcher(),
  receivers: { noop: [{ name: 'noop', notify: async () => ({ ok: true }) }] },
  logger,
});
await baseline.start();
const baselineMs = await ingestRounds(baseline, 0);
await baseline.stop();

// 2. The storm into Slack, one message per second. One message first, not counted, so that the
// process's first request (undici and the template engine still cold: ~100 ms slower) does not
// shorten the first gap Slack sees.
const slack = await startSlack(20);
{
  const warm = createSlackNotifier({ api_url: slack.url, channel: '#warm-up' });
  await warm.notify(
    {
      receiver: 'slack',
      groupKey: 'warm-up',
      groupLabels: {},
      timestamp: Date.now(),
      alerts: [],
      route: {
        ...routeConfig('slack'),
        groupBy: [],
        groupWaitMs: 0,
        groupIntervalMs: 0,
        repeatIntervalMs: 0,
        muteTimeIntervals: [],
        activeTimeIntervals: [],
        routeKey: '{}',
        routeId: '{}',
      },
    },
    { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'warm-up' },
  );
  await warm.stop();
  slack.arrivals.length = 0;
  slack.reset();
}
const notifier = createSlackNotifier({ api_url: slack.url, channel: '#storm' });
const pipeline = createPipeline({
  router: createRouter(routeConfig('slack')),
  dispatcher: createGroupingDispatcher(),
  receivers: { slack: [notifier] },
  logger,
});
let sent = 0;
let failed = 0;
pipeline.events.on('notification-sent', () => sent++);
pipeline.events.on('delivery-failed', ({ willRetry }) => {
  if (!willRetry) failed++;
});
await pipeline.start();
const stormMs = await ingestRounds(pipeline, 1);
const queuedDuringResend = Object.values(pipeline.stats().deliveryQueued).reduce(
  (a, b) => a + b,
  0,
);
const drainStarted = performance.now() - GROUP_WAIT_MS - 500;
let lastReport = 0;
while (sent + failed < GROUPS) {
  await new Promise((resolve) => setTimeout(resolve, 250));
  if (performance.now() - lastReport > 20_000) {
    lastReport = performance.now();
    console.error(`… ${sent}/${GROUPS} delivered`);
  }
}
const drainMs = performance.now() - drainStarted;
await pipeline.stop();
await slack.close();

const arrivals = [...slack.arrivals].sort((a, b) => a - b);
const gaps = arrivals.slice(1).map((at, index) => at - arrivals[index]);
console.log(`notifier-slack storm bench — node ${process.version}`);
console.log(
  `${ALERTS.toLocaleString('en-US')} alerts in batches of ${BATCH} over ${GROUPS} groups ` +
    `(group_by alertname, group_wait ${GROUP_WAIT_MS} ms); Slack limit ${notifier.rateLimit.limit}/${notifier.rateLimit.intervalMs} ms`,
);
const ingestLine = (label, { first, again }) =>
  `${label}${rate(ALERTS, first)} alerts/s (new groups), ${rate(ALERTS, again)} alerts/s ` +
  `(re-sent, median of 5, while notifications wait)`;
console.log(ingestLine('ingest, no-op receiver:  ', baselineMs));
console.log(ingestLine('ingest, slow Slack:      ', stormMs));
console.log(`Slack queue after the re-sends: ${queuedDuringResend} notifications waiting`);
console.log(
  `delivered to Slack:      ${slack.count()} messages for ${GROUPS} groups; ` +
    `sent ${sent}, given up ${failed}; drained in ${(drainMs / 1000).toFixed(1)} s`,
);
console.log(
  `rate seen by Slack:      max ${maxInWindow(arrivals, 1_000)} per 1 s window (Slack's limit: 1); ` +
    `gaps between messages: smallest ${Math.min(...gaps).toFixed(1)} ms, median ` +
    `${[...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)].toFixed(1)} ms`,
);
if (slack.count() !== GROUPS || failed > 0 || maxInWindow(arrivals, 1_000) > 1)
  process.exitCode = 1;
