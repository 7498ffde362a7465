// kill -9 with escalations pending, then a restart over the same SQLite file: every due step fires
// exactly once (late ones at once), and a page cut off between sending and recording is re-sent
// with the same idempotency key, never as a second page with a new key.
// The child runs the built packages (dist/), because Node 20 cannot import TypeScript.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSqliteStore } from '@phoenix-alerting/store-sqlite';
import { afterEach, describe, expect, it } from 'vitest';

const INCIDENTS = 30;
/** 3 levels, paged 3 times (repeat: 2). */
const LEVEL_PAGES = 9;
const KILL_AFTER_MS = [900, 2_200];

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const child = fileURLToPath(new URL('./__fixtures__/crash-child.mjs', import.meta.url));
const built = join(packageDir, 'dist/index.js');
const sqliteBuilt = join(packageDir, 'node_modules/@phoenix-alerting/store-sqlite/dist/index.js');

function whyNotRunnable(): string | undefined {
  if (!existsSync(sqliteBuilt)) return 'store-sqlite is not built: run `pnpm build` at the root';
  if (!readFileSync(sqliteBuilt, 'utf8').includes('escalation_pages'))
    return 'store-sqlite dist/ predates its escalation store: run `pnpm build` at the root';
  if (!existsSync(built)) return 'dist/ is missing: run `pnpm build` in packages/escalation';
  const builtAt = statSync(built).mtimeMs;
  const sources = readdirSync(join(packageDir, 'src'), {
    recursive: true,
    encoding: 'utf8',
  }).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
  const stale = sources.filter((name) => statSync(join(packageDir, 'src', name)).mtimeMs > builtAt);
  if (stale.length > 0) return `dist/ is older than src/${stale[0]}: run \`pnpm build\``;
  return undefined;
}

const skipReason = whyNotRunnable();
if (skipReason && process.env.CI) throw new Error(`crash test cannot run in CI: ${skipReason}`);
if (skipReason) console.warn(`escalation crash test skipped: ${skipReason}`);

/** Runs a child phase; with `killAfterMs`, SIGKILLs it that long after it is ready. */
async function runChild(options: {
  directory: string;
  sentLog: string;
  phase: 'first' | 'resume';
  killAfterMs?: number;
}): Promise<void> {
  const worker = spawn(
    process.execPath,
    [child, JSON.stringify({ ...options, incidents: INCIDENTS })],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  worker.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => worker.on('close', resolve));
  const lines: string[] = [];
  createInterface({ input: worker.stdout }).on('line', (line) => lines.push(line));
  if (options.killAfterMs === undefined) {
    const code = await closed;
    if (code !== 0 || !lines.some((line) => line.includes('"done"')))
      throw new Error(`resume child exited with ${code}: ${stderr}`);
    return;
  }
  while (!lines.some((line) => line.includes('"ready"'))) {
    if (worker.exitCode !== null) throw new Error(`child exited early: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, options.killAfterMs));
  worker.kill('SIGKILL');
  await closed;
}

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

describe.skipIf(skipReason !== undefined)(
  `escalation survives kill -9${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    for (const [run, killAfterMs] of KILL_AFTER_MS.entries()) {
      it(`run ${run + 1}: SIGKILL ${killAfterMs} ms into the escalations, then restart`, async () => {
        const directory = mkdtempSync(join(tmpdir(), 'phoenix-escalation-crash-'));
        directories.push(directory);
        const sentLog = join(directory, 'sent.log');
        const sent = () =>
          existsSync(sentLog) ? readFileSync(sentLog, 'utf8').split('\n').filter(Boolean) : [];

        await runChild({ directory, sentLog, phase: 'first', killAfterMs });
        const beforeRestart = sent().length;
        // The kill came mid-escalation: some pages were sent, most were still to come.
        expect(beforeRestart).toBeGreaterThan(0);
        expect(beforeRestart).toBeLessThan(INCIDENTS * LEVEL_PAGES);
        // Let more steps fall due while nothing runs: they are late at the restart.
        await new Promise((resolve) => setTimeout(resolve, 800));
        await runChild({ directory, sentLog, phase: 'resume' });

        const store = createSqliteStore({ directory });
        try {
          const escalation = store.escalation;
          const incidents = await escalation.listIncidents();
          expect(incidents).toHaveLength(INCIDENTS);
          const pageKeys: string[] = [];
          for (const incident of incidents) {
            expect(incident.exhausted).toBe(true);
            const timeline = await escalation.timeline(incident.id);
            const fired = timeline.filter((event) => event.kind === 'level-paged');
            // Each level of each cycle fired exactly once, in order.
            expect(fired.map((event) => [event.data.cycle, event.data.level])).toEqual(
              [0, 1, 2].flatMap((cycle) => [1, 2, 3].map((level) => [cycle, level])),
            );
            expect(new Set(fired.map((event) => event.data.step)).size).toBe(LEVEL_PAGES);
            expect(timeline.filter((event) => event.kind === 'policy-exhausted')).toHaveLength(1);
            const steps = await escalation.steps(incident.id);
            expect(steps.every((step) => step.status === 'done')).toBe(true);
            const pages = await escalation.pages(incident.id);
            expect(pages.map((page) => page.status)).toEqual(Array(LEVEL_PAGES).fill('sent'));
            pageKeys.push(...pages.map((page) => page.key));
          }
          // Every page reached the channel; a repeat is only ever the same page (same key),
          // cut off between sending and recording by the kill.
          const delivered = sent();
          expect(new Set(delivered)).toEqual(new Set(pageKeys));
          const counts = new Map<string, number>();
          for (const key of delivered) counts.set(key, (counts.get(key) ?? 0) + 1);
          expect([...counts.values()].every((count) => count <= 2)).toBe(true);
          expect(delivered.length - pageKeys.length).toBeLessThanOrEqual(16);
        } finally {
          await store.stop();
        }
      }, 60_000);
    }
  },
);
