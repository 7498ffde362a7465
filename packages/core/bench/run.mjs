// Core hot-path figures: fingerprints, alert creation, matchers, and the pipeline end to end.
// Run with `pnpm bench` (after `pnpm build`); prints throughput, latency percentiles and memory.
import { performance } from 'node:perf_hooks';
import {
  createAlert,
  createPipeline,
  createStaticRouter,
  fingerprint,
  matchLabels,
  parseMatchers,
} from '../dist/index.js';

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

function measure(name, count, fn) {
  for (let i = 0; i < Math.min(count, 10_000); i++) fn(i); // warm up
  const started = performance.now();
  for (let i = 0; i < count; i++) fn(i);
  const ms = performance.now() - started;
  console.log(
    `${name.padEnd(44)} ${Math.round((count / ms) * 1000)
      .toLocaleString('en-US')
      .padStart(12)} /s  ${((ms * 1e6) / count).toFixed(0).padStart(6)} ns/op`,
  );
}

const labelSets = Array.from({ length: 10_000 }, (_, i) => ({
  alertname: `Alert${i % 500}`,
  instance: `host-${i}.example.com:9100`,
  job: 'node',
  severity: i % 3 === 0 ? 'critical' : 'warning',
  team: ['platform', 'backend', 'frontend'][i % 3],
  cluster: `eu-${i % 7}`,
}));

console.log(`@phoenix-alerting/core bench — node ${process.version}`);
measure('fingerprint (6 labels, ASCII)', 1_000_000, (i) =>
  fingerprint(labelSets[i % labelSets.length]),
);
measure('fingerprint (3 labels, non-ASCII)', 500_000, (i) =>
  fingerprint({ alertname: 'Überlast', service: `支払い-${i % 100}`, emoji: '🔥' }),
);
const now = Date.now();
measure('createAlert (validate + fingerprint)', 500_000, (i) =>
  createAlert({ labels: labelSets[i % labelSets.length] }, { now }),
);
const matchers = parseMatchers('{severity=~"critical|page",team!="frontend",cluster=~"eu-.*"}');
measure('matchLabels (3 matchers, 2 regex)', 1_000_000, (i) =>
  matchLabels(matchers, labelSets[i % labelSets.length]),
);

// The pipeline end to end: emit batches of 100 through the default (immediate) dispatcher to a
// no-op notifier; per-batch latency is emit() until accepted.
let delivered = 0;
const pipeline = createPipeline({
  router: createStaticRouter({ receiver: 'noop', groupWaitMs: 0 }),
  receivers: {
    noop: [{ name: 'noop', notify: async (n) => ((delivered += n.alerts.length), { ok: true }) }],
  },
  logger: (await import('pino')).pino({ level: 'silent' }),
});
await pipeline.start();
const batches = 1_000;
const latencies = [];
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const started = performance.now();
for (let b = 0; b < batches; b++) {
  const batch = Array.from({ length: 100 }, (_, i) => ({
    labels: { ...labelSets[(b * 100 + i) % labelSets.length], batch: String(b) },
  }));
  const t = performance.now();
  await pipeline.emit(batch);
  latencies.push(performance.now() - t);
}
await pipeline.stop();
const ms = performance.now() - started;
latencies.sort((a, b) => a - b);
console.log(
  `pipeline emit → deliver, 100 000 alerts        ${Math.round((batches * 100 * 1000) / ms)
    .toLocaleString('en-US')
    .padStart(12)} /s  ` +
    `emit p50 ${(percentile(latencies, 50) * 1000).toFixed(0)} µs p99 ${(percentile(latencies, 99) * 1000).toFixed(0)} µs; delivered ${delivered}; heap +${mb(process.memoryUsage().heapUsed - heapBefore)} MB`,
);
