// Alert-storm benchmark: the Phoenix server (durable: SQLite under --data) against Alertmanager 0.25
// in the same run, same config, same client.
//
// 100 000 alerts (unique label sets over 500 alertnames) in batches of 100, 6 requests in flight,
// posted to POST /api/v2/alerts; one webhook receiver (group_by [alertname], group_wait 1s,
// group_interval 5s) pointing at a counting sink in this process. For each system it prints ingest
// (alerts/s from the first post to the last 200), batch latency p50/p99, notifications and alerts
// received by the sink, whether each group's last notification carried all of its alerts, time
// from the first post to the last notification, and peak RSS (VmRSS of the server's process tree
// sampled every 100 ms, and the kernel's VmHWM); then the Phoenix/Alertmanager ratios. Results go
// to bench/results/storm-<date>.json. Exits non-zero only when something failed (a system that
// would not start, a rejected batch), never because a figure is bad.
//
//   pnpm build && pnpm --filter @phoenix-alerting/e2e bench:storm [-- options]
//   options: --alerts N  --batch N  --concurrency N  --names N  --only phoenix|alertmanager
//            --runs N (alternate the systems N times; the run with the median ingest is reported)
//            --group-wait 1s  --group-interval 5s  --no-write (no results file)
//            --cpu-prof  (profile the Phoenix server with node --cpu-prof and print the top frames)
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { webhookConfig } from '../lib/config.mjs';
import { stopAll } from '../lib/processes.mjs';
import { alertmanagerBinary, resolvePhoenixCommand, startSystem } from '../lib/systems.mjs';
import { startWebhookSink } from '../lib/webhook-sink.mjs';
import { summariseCpuProfile } from './cpu-profile.mjs';

const { values: options } = parseArgs({
  options: {
    alerts: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '6' },
    names: { type: 'string', default: '500' },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'group-wait': { type: 'string', default: '1s' },
    'group-interval': { type: 'string', default: '5s' },
    runs: { type: 'string', default: '1' },
    'no-write': { type: 'boolean', default: false },
  },
});

const ALERTS = Number(options.alerts);
const BATCH = Number(options.batch);
const CONCURRENCY = Number(options.concurrency);
const NAMES = Number(options.names);
const GROUP_INTERVAL_MS = Number.parseFloat(options['group-interval']) * 1000;
const GROUP_WAIT_MS = Number.parseFloat(options['group-wait']) * 1000;
// Done when nothing arrived for this long after the ingest (and after the last notification).
const QUIET_MS = Math.max(GROUP_WAIT_MS, GROUP_INTERVAL_MS) + 3_000;
const MAX_DRAIN_MS = 180_000;
const RSS_SAMPLE_MS = 100;
const RUNS = Number(options.runs);

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

/** Every alert: unique labels, a Prometheus-like shape (startsAt, endsAt, generatorURL). */
function buildBodies() {
  const startsAt = new Date().toISOString();
  const endsAt = new Date(Date.now() + 3_600_000).toISOString();
  const severities = ['critical', 'warning', 'info'];
  const bodies = [];
  for (let first = 0; first < ALERTS; first += BATCH) {
    const alerts = [];
    for (let index = first; index < Math.min(first + BATCH, ALERTS); index++) {
      alerts.push({
        labels: {
          alertname: `storm_${index % NAMES}`,
          instance: `host-${index}.example:9100`,
          job: 'storm',
          severity: severities[index % 3],
        },
        annotations: { summary: `storm alert ${index}`, description: 'benchmark alert' },
        startsAt,
        endsAt,
        generatorURL: `http://prometheus.example/graph?g0.expr=storm_${index % NAMES}`,
      });
    }
    bodies.push(JSON.stringify(alerts));
  }
  return bodies;
}

/** Resident memory of `pid` and its descendants (kB), from /proc. */
function treeRssKb(pid) {
  let total = 0;
  const visit = (id) => {
    try {
      const status = readFileSync(`/proc/${id}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${id}/task`)) {
        const children = readFileSync(`/proc/${id}/task/${task}/children`, 'utf8').trim();
        for (const child of children ? children.split(/\s+/) : []) visit(Number(child));
      }
    } catch {
      // exited
    }
  };
  visit(pid);
  return total;
}

function hwmKb(pid) {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function post(agent, port, body) {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v2/alerts',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          if (text.length < 500) text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, text: error.message }));
    req.end(body);
  });
}

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;

async function runOne(kind, bodies) {
  const root = mkdtempSync(join(tmpdir(), `phoenix-storm-${kind}-`));
  const sink = await startWebhookSink({ keepBodies: false });
  const configFile = join(root, 'config.yml');
  writeFileSync(
    configFile,
    webhookConfig({
      webhookUrl: sink.url('/hook'),
      groupBy: ['alertname'],
      groupWait: options['group-wait'],
      groupInterval: options['group-interval'],
      repeatInterval: '4h',
    }),
  );
  const profileDir = join(root, 'cpu-profile');
  const profiling = kind === 'phoenix' && options['cpu-prof'];
  const system = await startSystem({
    kind,
    configFile,
    dataDir: join(root, 'data'),
    logFile: join(root, `${kind}.log`),
    nodeOptions: profiling ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    readyTimeoutMs: 60_000,
  });
  const pid = system.process.pid;
  await sleep(500);
  const idleRssKb = treeRssKb(pid);
  let peakRssKb = idleRssKb;
  const sampler = setInterval(() => {
    peakRssKb = Math.max(peakRssKb, treeRssKb(pid));
  }, RSS_SAMPLE_MS);

  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies = [];
  const errors = [];
  let next = 0;
  const firstPostMs = performance.now();
  const firstPostWallMs = Date.now();
  const worker = async () => {
    while (next < bodies.length) {
      const index = next++;
      const started = performance.now();
      const { status, text } = await post(agent, system.port, bodies[index]);
      latencies.push(performance.now() - started);
      if (status !== 200 && errors.length < 10) errors.push(`batch ${index}: ${status} ${text}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ingestMs = performance.now() - firstPostMs;
  const ingestEndWallMs = Date.now();
  agent.destroy();

  // Drain: wait until no notification has arrived for group_interval + 3 s.
  const drainDeadline = Date.now() + MAX_DRAIN_MS;
  while (Date.now() < drainDeadline) {
    const lastActivity = Math.max(sink.lastAtMs, ingestEndWallMs);
    if (Date.now() - lastActivity > QUIET_MS) break;
    await sleep(200);
  }
  clearInterval(sampler);
  peakRssKb = Math.max(peakRssKb, treeRssKb(pid));
  const kernelPeakKb = hwmKb(pid);
  const stopStarted = Date.now();
  await system.stop();
  const stopMs = Date.now() - stopStarted;

  const perGroup = Math.ceil(ALERTS / NAMES);
  let complete = 0;
  for (const group of sink.groups.values()) if (group.lastAlerts === perGroup) complete++;
  latencies.sort((a, b) => a - b);
  const result = {
    system: kind,
    launched: kind === 'phoenix' ? resolvePhoenixCommand()?.description : alertmanagerBinary(),
    alerts: ALERTS,
    rejectedBatches: errors.length,
    ingestSeconds: round(ingestMs / 1000, 3),
    ingestAlertsPerSecond: Math.round(ALERTS / (ingestMs / 1000)),
    batchLatencyMs: {
      p50: round(percentile(latencies, 50), 1),
      p99: round(percentile(latencies, 99), 1),
      max: round(latencies.at(-1) ?? 0, 1),
    },
    notifications: sink.notifications.length,
    alertsInNotifications: sink.alertCount,
    groupsNotified: sink.groups.size,
    groupsWhoseLastNotificationHasAllAlerts: complete,
    firstPostToLastNotificationSeconds: sink.lastAtMs
      ? round((sink.lastAtMs - firstPostWallMs) / 1000, 2)
      : null,
    idleRssMB: round(idleRssKb / 1024, 1),
    peakRssMB: round(peakRssKb / 1024, 1),
    vmHwmMB: round(kernelPeakKb / 1024, 1),
    shutdownMs: stopMs,
    errors,
  };
  await sink.close();
  if (profiling) {
    // One profile per thread, named CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: the
    // main thread (id 0) is the event loop; the others are the store's commit worker.
    const files = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
    const threadOf = (name) => Number(name.split('.').at(-3));
    const file = files.find((name) => threadOf(name) === 0) ?? files[0];
    for (const worker of files.filter((name) => name !== file)) {
      const summary = summariseCpuProfile(join(profileDir, worker));
      (result.workerCpuProfiles ??= []).push({
        thread: threadOf(worker),
        totalMs: summary.totalMs,
        byPackage: summary.byPackage.slice(0, 6),
      });
    }
    if (file) {
      const saved = join(resultsDir, `storm-phoenix-${today()}.cpuprofile`);
      mkdirSync(resultsDir, { recursive: true });
      writeFileSync(saved, readFileSync(join(profileDir, file)));
      result.cpuProfile = { file: saved, ...summariseCpuProfile(join(profileDir, file)) };
    } else {
      result.cpuProfile = { error: 'no profile written (the server did not exit cleanly)' };
    }
  }
  rmSync(root, { recursive: true, force: true });
  return result;
}

const round = (value, digits) => Number(value.toFixed(digits));
const today = () => new Date().toISOString().slice(0, 10);

function print(result) {
  const lines = [
    `${result.system} (${result.launched})`,
    `  ingest              ${result.ingestAlertsPerSecond} alerts/s (${result.alerts} alerts in ${result.ingestSeconds} s; batch p50 ${result.batchLatencyMs.p50} ms, p99 ${result.batchLatencyMs.p99} ms, max ${result.batchLatencyMs.max} ms)`,
    `  rejected batches    ${result.rejectedBatches}`,
    `  notifications       ${result.notifications} (${result.alertsInNotifications} alerts in them; ${result.groupsNotified} groups, ${result.groupsWhoseLastNotificationHasAllAlerts} with every alert in their last notification)`,
    `  first post → last notification  ${result.firstPostToLastNotificationSeconds} s`,
    `  RSS                 idle ${result.idleRssMB} MB, peak ${result.peakRssMB} MB (sampled every ${RSS_SAMPLE_MS} ms), VmHWM ${result.vmHwmMB} MB`,
  ];
  for (const error of result.errors) lines.push(`  error: ${error}`);
  console.log(lines.join('\n'));
  if (result.cpuProfile?.top) {
    console.log(
      `  CPU profile (${result.cpuProfile.file}), ${result.cpuProfile.totalMs} ms sampled:`,
    );
    console.log('   by location:');
    for (const row of result.cpuProfile.byPackage.slice(0, 12))
      console.log(`     ${String(row.percent).padStart(5)} %  ${row.selfMs} ms  ${row.name}`);
    console.log('   top frames (self time):');
    for (const row of result.cpuProfile.top.slice(0, 25)) {
      console.log(`     ${String(row.percent).padStart(5)} %  ${row.selfMs} ms  ${row.frame}`);
      for (const caller of row.calledFrom ?? [])
        console.log(`              ${caller.selfMs} ms from ${caller.caller}`);
    }
    for (const worker of result.workerCpuProfiles ?? []) {
      console.log(`  worker thread ${worker.thread}: ${worker.totalMs} ms sampled`);
      for (const row of worker.byPackage)
        console.log(`     ${String(row.percent).padStart(5)} %  ${row.selfMs} ms  ${row.name}`);
    }
  } else if (result.cpuProfile?.error) {
    console.log(`  CPU profile: ${result.cpuProfile.error}`);
  }
}

async function main() {
  const systems = [];
  if (options.only !== 'alertmanager') {
    if (resolvePhoenixCommand()) systems.push('phoenix');
    else console.error('Phoenix server not built (run `pnpm build`); skipping it');
  }
  if (options.only !== 'phoenix') {
    if (alertmanagerBinary()) systems.push('alertmanager');
    else console.log('prometheus-alertmanager / alertmanager not on the PATH; skipping it');
  }
  if (systems.length === 0) throw new Error('nothing to benchmark');

  console.log(
    `storm: ${ALERTS} alerts, batches of ${BATCH}, ${CONCURRENCY} in flight, ${NAMES} alertnames, ` +
      `group_by [alertname], group_wait ${options['group-wait']}, group_interval ${options['group-interval']}` +
      ` — ${cpus().length} CPUs, node ${process.version}\n`,
  );
  const bodies = buildBodies();
  /** @type {Record<string, object[]>} */
  const runs = Object.fromEntries(systems.map((kind) => [kind, []]));
  let failed = false;
  // Systems alternate run by run, so that a change in the machine's load hits both alike.
  for (let run = 1; run <= RUNS; run++) {
    for (const kind of systems) {
      const load = loadavg()[0];
      if (load > 1.5) {
        console.warn(
          `warning: load average ${load.toFixed(2)} on ${cpus().length} CPUs before this run; ` +
            'the figures are not comparable with a quiet machine',
        );
      }
      try {
        const result = await runOne(kind, bodies);
        result.loadAverageBefore = round(load, 2);
        runs[kind].push(result);
        if (RUNS > 1) console.log(`run ${run}/${RUNS}`);
        print(result);
        if (result.rejectedBatches > 0) failed = true;
      } catch (error) {
        failed = true;
        console.error(`${kind}: ${error instanceof Error ? error.stack : String(error)}`);
        await stopAll();
      }
      console.log('');
    }
  }
  /** The run with the median ingest rate stands for the system. */
  const results = {};
  for (const kind of systems) {
    const sorted = [...runs[kind]].sort(
      (a, b) => a.ingestAlertsPerSecond - b.ingestAlertsPerSecond,
    );
    if (sorted.length) results[kind] = sorted[Math.floor((sorted.length - 1) / 2)];
  }
  if (RUNS > 1) {
    console.log(`median runs (by ingest) of ${RUNS}:`);
    for (const kind of systems) if (results[kind]) print(results[kind]);
    console.log('');
  }

  let ratios;
  if (results.phoenix && results.alertmanager) {
    const p = results.phoenix;
    const a = results.alertmanager;
    const ratio = (x, y) => (y ? round(x / y, 2) : null);
    ratios = {
      ingest: ratio(p.ingestAlertsPerSecond, a.ingestAlertsPerSecond),
      peakRss: ratio(p.peakRssMB, a.peakRssMB),
      vmHwm: ratio(p.vmHwmMB, a.vmHwmMB),
      notifications: ratio(p.notifications, a.notifications),
      firstPostToLastNotification: ratio(
        p.firstPostToLastNotificationSeconds ?? 0,
        a.firstPostToLastNotificationSeconds ?? 0,
      ),
    };
    console.log('Phoenix / Alertmanager');
    console.log(`  ingest alerts/s     ${ratios.ingest}  (target ≥ 1)`);
    console.log(`  peak RSS            ${ratios.peakRss}  (target ≤ 1; VmHWM ${ratios.vmHwm})`);
    console.log(`  notifications       ${ratios.notifications}`);
    console.log(`  first post → last notification  ${ratios.firstPostToLastNotification}`);
  }

  if (!options['no-write']) {
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `storm-${today()}.json`);
    const alertmanagerVersion = alertmanagerBinary()
      ? spawnSync(alertmanagerBinary(), ['--version'], { encoding: 'utf8' })
          .stderr.concat(
            spawnSync(alertmanagerBinary(), ['--version'], { encoding: 'utf8' }).stdout,
          )
          .split('\n')[0]
      : null;
    const document = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGB: round(totalmem() / 2 ** 30, 1),
        loadAverageAtEnd: loadavg().map((value) => round(value, 2)),
        node: process.version,
        alertmanager: alertmanagerVersion,
      },
      workload: {
        alerts: ALERTS,
        batch: BATCH,
        concurrency: CONCURRENCY,
        alertnames: NAMES,
        groupBy: ['alertname'],
        groupWait: options['group-wait'],
        groupInterval: options['group-interval'],
        phoenixDurability: 'SQLite under --data (temp dir)',
      },
      runs: RUNS,
      results,
      ratios,
      allRuns: RUNS > 1 ? runs : undefined,
    };
    writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`\nwrote ${file}`);
  }
  await stopAll();
  process.exitCode = failed ? 1 : 0;
}

await main();
