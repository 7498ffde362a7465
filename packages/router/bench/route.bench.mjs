// Routing micro-benchmark: matches per second and nanoseconds per match for the spec's routing
// tree (section 7) and a 51-node tree of teams and services. Run `pnpm bench` (builds first).
// No assertions: it reports numbers for comparison between runs.
import { parseAlertmanagerConfig } from '@phoenix-alerting/core';
import { createRouter } from '../dist/index.js';

const specTree = `
route:
  receiver: default
  group_by: ['alertname', 'category', 'team']
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - match: { severity: critical }
      receiver: pagerduty-critical
      group_wait: 0s
      repeat_interval: 30m
    - match: { severity: warning }
      receiver: pagerduty-warning
      repeat_interval: 2h
    - match: { severity: info }
      receiver: slack-info
      group_wait: 1m
      repeat_interval: 6h
receivers: [{ name: default }, { name: pagerduty-critical }, { name: pagerduty-warning }, { name: slack-info }]
`;

const teams = [
  'platform',
  'backend',
  'frontend',
  'data',
  'mobile',
  'search',
  'payments',
  'infra',
  'security',
  'ml',
];

// Root, 10 team routes, each with 4 children: 51 nodes, mixing =, != , =~ sets and real regexes.
function bigTree() {
  const receivers = new Set(['default']);
  const routes = teams.map((team, t) => {
    const children = [
      { matchers: [`severity="critical"`, `env=~"prod|production"`], receiver: `${team}-pager` },
      { matchers: [`severity="warning"`, `env!="dev"`], receiver: `${team}-chat`, continue: true },
      { match_re: { service: `${team}-(api|worker)-[0-9]+` }, receiver: `${team}-service` },
      { matchers: [`alertname=~".*Latency.*"`], receiver: `${team}-latency`, group_by: ['...'] },
    ];
    for (const child of children) receivers.add(child.receiver);
    receivers.add(`${team}-mail`);
    return t % 2 === 0
      ? { matchers: [`team="${team}"`], receiver: `${team}-mail`, routes: children }
      : { match: { team }, receiver: `${team}-mail`, routes: children };
  });
  const config = {
    route: { receiver: 'default', group_by: ['alertname', 'cluster'], routes },
    receivers: [...receivers].map((name) => ({ name })),
  };
  return JSON.stringify(config);
}

// Deterministic label sets, typical of Prometheus alerts (7-9 labels).
function labelSets(count) {
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const pick = (items) => items[Math.floor(next() * items.length)];
  return Array.from({ length: count }, (_, i) => {
    const team = pick([...teams, 'unowned']);
    return {
      alertname: pick(['HighLatency', 'DiskFull', 'InstanceDown', 'ErrorBudgetBurn', 'P99Latency']),
      severity: pick(['critical', 'warning', 'info', 'none']),
      env: pick(['prod', 'production', 'staging', 'dev']),
      team,
      service: `${team}-${pick(['api', 'worker', 'cron'])}-${i % 7}`,
      instance: `10.0.${i % 256}.${(i * 7) % 256}:9100`,
      job: pick(['node', 'app', 'blackbox']),
      cluster: pick(['eu-1', 'us-1', 'ap-1']),
    };
  });
}

function bench(name, router, inputs) {
  const batch = 1_000;
  let sink = 0;
  // Warm up until the JIT has settled.
  for (let i = 0; i < 300_000; i++) sink += router.match(inputs[i % inputs.length]).length;

  const perMatchNs = [];
  const heapBefore = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  let matches = 0;
  let i = 0;
  while (process.hrtime.bigint() - start < 1_500_000_000n) {
    const batchStart = process.hrtime.bigint();
    for (let j = 0; j < batch; j++, i++) sink += router.match(inputs[i % inputs.length]).length;
    perMatchNs.push(Number(process.hrtime.bigint() - batchStart) / batch);
    matches += batch;
  }
  const elapsedNs = Number(process.hrtime.bigint() - start);
  const heapAfter = process.memoryUsage().heapUsed;
  perMatchNs.sort((a, b) => a - b);
  const percentile = (p) =>
    perMatchNs[Math.min(perMatchNs.length - 1, Math.floor(perMatchNs.length * p))];
  console.log(
    [
      name.padEnd(26),
      `${Math.round((matches / elapsedNs) * 1e9)
        .toLocaleString('en-US')
        .padStart(12)} matches/s`,
      `${(elapsedNs / matches).toFixed(0).padStart(5)} ns/match`,
      `p50 ${percentile(0.5).toFixed(0)} ns`,
      `p99 ${percentile(0.99).toFixed(0)} ns`,
      `heap ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB`,
    ].join('  '),
  );
  return sink;
}

const inputs = labelSets(10_000);
const spec = createRouter(parseAlertmanagerConfig(specTree, { env: {} }).route);
const big = createRouter(parseAlertmanagerConfig(bigTree(), { env: {} }).route);
const fallThrough = inputs.map((labels) => ({ ...labels, team: 'unowned' }));

console.log(
  `node ${process.version}, ${big.routeTree().length}-node tree, ${inputs.length} label sets`,
);
bench('spec tree (4 nodes)', spec, inputs);
bench('51-node tree', big, inputs);
bench('51-node tree, no team', big, fallThrough);
