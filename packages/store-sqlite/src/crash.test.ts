// kill -9 at random moments: what the store accepted must survive as its durability contract says:
// every silence that resolved, and every alert batch, group state, notification-log entry and
// delivery attempt accepted more than batchFlushIntervalMs (plus a margin for a loaded machine) before the kill.
// The child runs the built package (dist/), because Node 20 cannot import TypeScript; the package's
// turbo.json makes `test` depend on its own `build`, so `pnpm test` always runs this on fresh code.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultDatabaseFileName } from './options.js';
import { createSqliteStore } from './sqlite-store.js';

const BATCH_FLUSH_INTERVAL_MS = 100;
/** Timer lateness allowed on a loaded machine: a batch older than interval + margin is committed. */
const MARGIN_MS = 150;
const KILL_AFTER_MS = [250, 500, 800, 1200];

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const child = fileURLToPath(new URL('./__fixtures__/crash-child.mjs', import.meta.url));
const built = join(packageDir, 'dist/index.js');
const coreBuilt = join(packageDir, 'node_modules/@phoenix-alerting/core/dist/index.js');

function whyNotRunnable(): string | undefined {
  if (!existsSync(coreBuilt)) return 'core is not built: run `pnpm build` at the root';
  if (!existsSync(built)) return 'dist/ is missing: run `pnpm build` in packages/store-sqlite';
  const builtAt = statSync(built).mtimeMs;
  const sources = readdirSync(join(packageDir, 'src')).filter(
    (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'),
  );
  const stale = sources.filter((name) => statSync(join(packageDir, 'src', name)).mtimeMs > builtAt);
  if (stale.length > 0) return `dist/ is older than src/${stale[0]}: run \`pnpm build\``;
  return undefined;
}

const skipReason = whyNotRunnable();
if (skipReason && process.env.CI) throw new Error(`crash test cannot run in CI: ${skipReason}`);
if (skipReason) console.warn(`store-sqlite crash test skipped: ${skipReason}`);

interface Report {
  type: 'ready' | 'alerts' | 'group' | 'log' | 'attempt' | 'silence';
  at: number;
  /** Order of the write-behind writes (alerts, group states, log entries, attempts), from 0. */
  seq?: number;
  id?: string;
}

/** Starts the child, kills it `killAfterMs` after it is ready, and returns what it reported. */
async function runAndKill(
  directory: string,
  killAfterMs: number,
): Promise<{ reports: Report[]; killedAt: number }> {
  const worker = spawn(
    process.execPath,
    [child, JSON.stringify({ directory, batchFlushIntervalMs: BATCH_FLUSH_INTERVAL_MS })],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  worker.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const reports: Report[] = [];
  const closed = new Promise<number | null>((resolve) => worker.on('close', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    void closed.then((code) => reject(new Error(`child exited (${code}) early: ${stderr}`)));
    createInterface({ input: worker.stdout }).on('line', (line) => {
      const report = JSON.parse(line) as Report;
      reports.push(report);
      if (report.type === 'ready') resolve();
    });
  });
  await ready;
  // The clock for the kill starts once the child has accepted a write of every kind: on a loaded
  // machine it can take longer than the kill delay to get there, and a kill before that tests nothing.
  const kinds = ['alerts', 'group', 'log', 'attempt'] as const;
  while (!kinds.every((kind) => reports.some((report) => report.type === kind))) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  const killedAt = Date.now();
  worker.kill('SIGKILL');
  await closed;
  return { reports, killedAt };
}

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

describe.skipIf(skipReason !== undefined)(
  `store-sqlite survives kill -9${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    for (const [run, baseMs] of KILL_AFTER_MS.entries()) {
      it(`run ${run + 1}: SIGKILL about ${baseMs} ms into a write loop`, async () => {
        const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-crash-'));
        directories.push(directory);
        const killAfterMs = baseMs + Math.floor(Math.random() * 200);
        const { reports, killedAt } = await runAndKill(directory, killAfterMs);

        const raw = new Database(join(directory, defaultDatabaseFileName));
        const integrity = raw.pragma('integrity_check', { simple: true });
        raw.close();
        expect(integrity).toBe('ok');

        const store = createSqliteStore({ directory });
        try {
          // The write-behind writes found in the file, by seq; an alert batch counts its alerts.
          const found = new Map<number, { type: Report['type']; alerts: number }>();
          for (const alert of await store.alerts.list()) {
            const seq = Number(alert.labels.seq);
            const batch = found.get(seq) ?? { type: 'alerts', alerts: 0 };
            found.set(seq, { ...batch, alerts: batch.alerts + 1 });
          }
          for (const state of await store.groups.list())
            found.set(Number(state.groupKey.slice('group-'.length)), { type: 'group', alerts: 0 });
          for (const entry of await store.notificationLog.list())
            found.set(Number(entry.groupKey.slice('log-'.length)), { type: 'log', alerts: 0 });
          for (const entry of await store.attempts.list())
            found.set(Number(entry.groupKey.slice('attempt-'.length)), {
              type: 'attempt',
              alerts: 0,
            });
          const present = [...found.keys()].sort((a, b) => a - b);

          const accepted = reports.filter((report) => report.seq !== undefined);
          const cutoff = killedAt - BATCH_FLUSH_INTERVAL_MS - MARGIN_MS;
          const mustHave = accepted.filter((report) => report.at < cutoff);
          for (const type of ['alerts', 'group', 'log', 'attempt'] as const)
            expect(
              mustHave.filter((report) => report.type === type).length,
              `the kill came too early to test ${type}`,
            ).toBeGreaterThan(0);

          // Every write accepted more than an interval (plus margin) before the kill is there …
          expect(present).toEqual(expect.arrayContaining(mustHave.map((report) => report.seq!)));
          // … each of the kind reported, each alert batch whole (one call, one transaction) …
          for (const report of accepted) {
            const write = found.get(report.seq!);
            if (write) expect(write.type).toBe(report.type);
          }
          expect(
            [...found.values()].every((write) => write.type !== 'alerts' || write.alerts === 100),
          ).toBe(true);
          // … and in order across all four kinds (one transaction per flush, flushes in order):
          // what is there is a prefix of the writes, which may end with one write the child made
          // (an inline flush committed it) but was killed before reporting.
          expect(present).toEqual(present.map((_, index) => index));
          expect(present.length).toBeLessThanOrEqual(accepted.length + 1);

          const silences = new Set((await store.silences.list()).map((silence) => silence.id));
          for (const report of reports)
            if (report.type === 'silence') expect(silences.has(report.id!)).toBe(true);
          expect(reports.some((report) => report.type === 'silence')).toBe(true);
        } finally {
          await store.stop();
        }
      }, 30_000);
    }
  },
);
