#!/usr/bin/env node
// Records Alertmanager's own fingerprints of varied label sets into
// src/__fixtures__/alertmanager-fingerprints.json. Needs a real Alertmanager (Debian:
// `apt-get install prometheus-alertmanager`, 0.25); no npm dependencies.
//
//   node scripts/collect-fingerprints.mjs [path/to/alertmanager]
//
// The fixture holds the label sets as Alertmanager returns them: it drops labels with an empty
// value and decodes lone surrogates (and invalid UTF-8) as U+FFFD. The functions are exported for
// the live differential test in src/fingerprint.test.ts.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';
export const FIXTURE_URL = new URL(
  '../src/__fixtures__/alertmanager-fingerprints.json',
  import.meta.url,
);

const CONFIG = `route: {receiver: 'null'}\nreceivers: [{name: 'null'}]\n`;
const READY_TIMEOUT_MS = 15_000;

/** A free TCP port on 127.0.0.1 (also used by notifier-webhook's recording script). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits for Alertmanager's /-/ready, failing with its output if it exits or times out. */
export async function waitUntilReady(url, child, output) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`alertmanager exited with ${child.exitCode}:\n${output.join('')}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`alertmanager not ready after ${READY_TIMEOUT_MS} ms:\n${output.join('')}`);
}

/**
 * Starts Alertmanager on a free 127.0.0.1 port with its own temp storage and no gossip: by default
 * with a do-nothing route, or with `options.config` (the YAML text), extra command-line `args` and
 * an `env`. Resolves to `{ url, output, stop }` (`output`: what it printed so far); `stop()` kills it
 * and removes the temp directory. The notifiers' recording scripts use it too.
 */
export async function startAlertmanager(binary = ALERTMANAGER_BINARY, options = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'phoenix-am-'));
  const configFile = join(dir, 'alertmanager.yml');
  await writeFile(configFile, options.config ?? CONFIG);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], ...(options.env ? { env: options.env } : {}) },
  );
  const output = [];
  child.stdout.on('data', (chunk) => output.push(String(chunk)));
  child.stderr.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const spawned = new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await spawned;
    await waitUntilReady(url, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output, stop };
}

/** Sorts keys, so that the fixture is stable whatever order Alertmanager answers in. */
function sortedLabels(labels) {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * POSTs one firing alert per label set, then reads every alert back. Resolves to
 * `[{ labels, fingerprint }]` as Alertmanager reports them, sorted by fingerprint.
 */
export async function collectFingerprints(url, labelSets) {
  const startsAt = new Date().toISOString();
  const alerts = labelSets.map((labels) => ({ labels, startsAt }));
  const posted = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  if (!posted.ok) {
    throw new Error(`POST /api/v2/alerts: ${posted.status} ${await posted.text()}`);
  }
  const got = await fetch(`${url}/api/v2/alerts`);
  if (!got.ok) throw new Error(`GET /api/v2/alerts: ${got.status} ${await got.text()}`);
  const vectors = (await got.json()).map((alert) => ({
    labels: sortedLabels(alert.labels),
    fingerprint: alert.fingerprint,
  }));
  return vectors.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
}

const many = Object.fromEntries(
  Array.from({ length: 40 }, (_, i) => [`label_${String(i).padStart(2, '0')}`, `value ${i}`]),
);

/** The recorded label sets: every one accepted by Alertmanager. */
export const FIXTURE_LABEL_SETS = [
  // Plain and typical
  { alertname: 'Watchdog' },
  { a: 'b' },
  { a: 'B' },
  { A: 'b' },
  { alertname: 'HighCPU', severity: 'critical' },
  {
    alertname: 'InstanceDown',
    env: 'prod',
    instance: 'node-1.example.com:9100',
    job: 'node',
    severity: 'page',
    team: 'infra',
  },
  { __name__: 'up', job: 'prometheus', instance: 'localhost:9090' },
  { le: '0.5', quantile: '0.99' },
  { value: '0' },
  { value: '-1.5e+10' },
  many,
  // Same labels, other order: one alert for Alertmanager
  { a: '1', b: '2', c: '3' },
  { c: '3', a: '1', b: '2' },
  // Text moved between name and value, and between pairs
  { a: 'bc' },
  { ab: 'c' },
  { abc: 'x' },
  { a: 'b', c: 'd' },
  { a: 'bc', d: 'x' },
  { a: 'b', cd: 'x' },
  { ab: 'cd' },
  { a: 'bcd' },
  { abcd: 'x' },
  // Names: underscores, digits, case, prefixes sorting around digits and `_`
  { _: 'underscore' },
  { __: 'double underscore' },
  { _1: 'x' },
  { a1_b2: 'c3' },
  { Z9_: 'z' },
  { z: '1', z0: '2', z10: '3', z9: '4', z_: '5' },
  { a: 'x', A: 'y', a_: 'z', aa: 'w', a0: 'v' },
  { ['x'.repeat(200)]: 'long name' },
  // Long values
  { long: 'x'.repeat(1000) },
  { long: 'é漢😀'.repeat(700) },
  { alertname: 'Long', description: 'lorem ipsum dolor sit amet '.repeat(200) },
  // Empty values: Alertmanager drops them, invalid names included
  { alertname: 'WithEmpty', empty: '' },
  { alertname: 'OnlyEmptyBesides', '1invalid-name': '' },
  { a: '', b: 'only b' },
  // Whitespace and control characters
  { space: ' ' },
  { spaces: '  leading and trailing  ' },
  { newline: 'line1\nline2' },
  { crlf: 'line1\r\nline2\r\n' },
  { tab: 'a\tb' },
  { controls: '\u0000\u0001\u0007\u001b\u007f' },
  { nbsp: 'a\u00a0b', zwsp: 'c\u200bd', bom: '\ufeff' },
  { separators: '\u2028\u2029' },
  // Quotes, backslashes, matcher and label-set syntax
  { quote: 'say "hi"' },
  { single: "it's" },
  { backslash: 'C:\\Program Files\\x' },
  { escaped: '\\"\\n' },
  { syntax: 'a="b", c="d"' },
  { braces: '{x="y"}' },
  { equals: '=' },
  { comma: ',' },
  { regex: '.*|^(a+)+$' },
  { matcher: 'alertname=~"Foo.*",severity!="info"' },
  { json: '{"k": [1, 2, {"n": null}]}' },
  { html: '<b>&amp;</b>' },
  // Unicode
  { accents: 'café crème brûlée' },
  { german: 'Ünïcödé Straße' },
  { cjk: '東京 数据库 서울' },
  { arabic: 'مرحبا', hebrew: 'שלום' },
  { emoji: '🔥🚨' },
  { flag: '🇺🇸', zwj: '👩‍💻', skin: '👍🏽' },
  { math: '𝔘𝔫𝔦𝔠𝔬𝔡𝔢' },
  { combining: 'e\u0301' },
  { precomposed: '\u00e9' },
  { latin1: '\u0080\u00ff' },
  { bmpEdge: '\uffff\ue000\ud7ff' },
  { astralEdge: '\u{10000}\u{10ffff}' },
  { replacement: '\ufffd' },
  // Not valid UTF-8: Alertmanager decodes the lone surrogate as U+FFFD
  { lone: '\ud800x' },
  // Mixed
  {
    alertname: 'KubePodCrashLooping',
    container: 'api',
    namespace: 'prod-ëu',
    pod: 'api-7d9f8b6c5-x2k4z',
    summary: 'Pod "api" is restarting 5×/10m — see https://runbooks.example/🚑',
  },
];

async function main() {
  const binary = process.argv[2] ?? ALERTMANAGER_BINARY;
  const alertmanager = await startAlertmanager(binary);
  try {
    const vectors = await collectFingerprints(alertmanager.url, FIXTURE_LABEL_SETS);
    await writeFile(FIXTURE_URL, `${JSON.stringify(vectors, null, 2)}\n`);
    console.log(
      `posted ${FIXTURE_LABEL_SETS.length} label sets, recorded ${vectors.length} vectors in ${fileURLToPath(FIXTURE_URL)}`,
    );
  } finally {
    await alertmanager.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
