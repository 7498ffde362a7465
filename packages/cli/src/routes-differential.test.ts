// Differential test: our `routes test` and `routes show` against the real amtool 0.25 on random
// routing trees. Reproduce a failure with PHOENIX_ROUTES_SEED=<seed>; widen the search with
// PHOENIX_ROUTES_TREES=<count>.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AlertmanagerRouter } from '@phoenix-alerting/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLabelArguments } from './parse-labels.js';
import { routesShow, routesTest } from './routes.js';
import { loadRouting } from './routing.js';
import { captureIo } from './test-support/capture-io.js';
import { AMTOOL, mapLimit, runProcess } from './test-support/processes.js';
import type { ProcessResult } from './test-support/processes.js';
import {
  createRandom,
  guidedLabelArguments,
  randomConfig,
  randomLabelArguments,
} from './test-support/random-routing.js';
import type { RandomConfig } from './test-support/random-routing.js';

const SEED = Number(process.env.PHOENIX_ROUTES_SEED ?? 0x5eed);
const TREES = Number(process.env.PHOENIX_ROUTES_TREES ?? 200);
const LABEL_SETS_PER_TREE = 10;
// amtool is one process per call and the machine may have two cores.
const AMTOOL_PARALLELISM = 2;
const MAX_REPORTED = 5;

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const repositoryRoot = join(packageRoot, '..', '..');
const bin = join(packageRoot, 'dist', 'main.js');

interface Case {
  tree: number;
  file: string;
  args: string[];
}

interface Outcome {
  stdout: string;
  exitCode: number;
  stderr?: string;
}

/** `routes test` arguments after the config: maybe `--tree` and `--verify.receivers`, labels. */
function caseArguments(random: ReturnType<typeof createRandom>, labels: string[]): string[] {
  const args: string[] = [];
  if (random.chance(0.5)) args.push('--tree');
  if (random.chance(0.15))
    args.push(`--verify.receivers=${random.pick(['r0', 'r1,r1', 'r2,team-db'])}`);
  return [...args, ...labels];
}

function ours(file: string, args: readonly string[]): Outcome {
  const io = captureIo();
  const labels = args.filter((arg) => !arg.startsWith('--'));
  const verify = args.find((arg) => arg.startsWith('--verify.receivers='));
  const exitCode = routesTest(
    {
      config: file,
      labels,
      tree: args.includes('--tree'),
      verifyReceivers: verify?.slice('--verify.receivers='.length),
      env: {},
    },
    io,
  );
  return { stdout: io.out, exitCode, stderr: io.err };
}

async function amtool(file: string, args: readonly string[]): Promise<ProcessResult> {
  // `--` keeps label arguments from being read as flags.
  const flags = args.filter((arg) => arg.startsWith('--'));
  const labels = args.filter((arg) => !arg.startsWith('--'));
  return runProcess(AMTOOL, [
    'config',
    'routes',
    'test',
    `--config.file=${file}`,
    ...flags,
    '--',
    ...labels,
  ]);
}

async function ensureBuilt(): Promise<void> {
  const newest = (directory: string): number =>
    Math.max(
      ...readdirSync(directory, { withFileTypes: true, recursive: true })
        .filter(
          (entry) =>
            entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'),
        )
        .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
    );
  if (existsSync(bin) && statSync(bin).mtimeMs >= newest(join(packageRoot, 'src'))) return;
  const build = await runProcess('pnpm', ['run', 'build'], {
    cwd: packageRoot,
    timeoutMs: 120_000,
  });
  if (build.exitCode !== 0) throw new Error(`pnpm build failed:\n${build.stdout}${build.stderr}`);
}

/** The report for one difference: where it came from, the config, both outputs. */
function describeMismatch(
  what: string,
  item: { tree: number; file: string; args: readonly string[] },
  config: RandomConfig | undefined,
  expected: Outcome,
  actual: Outcome,
): string {
  const origin =
    item.tree >= 0
      ? `seed ${SEED}, tree ${item.tree}; rerun with PHOENIX_ROUTES_SEED=${SEED}`
      : item.file;
  return [
    `${what} differs (${origin})`,
    `arguments: ${JSON.stringify(item.args)}`,
    `config:\n${config ? JSON.stringify(config, null, 2) : `see ${item.file}`}`,
    `amtool (exit ${expected.exitCode}):\n${expected.stdout}`,
    `phoenix-alerting (exit ${actual.exitCode}):\n${actual.stdout}`,
    ...(actual.stderr ? [`phoenix-alerting stderr:\n${actual.stderr}`] : []),
  ].join('\n');
}

function treeFile(directory: string, tree: number): string {
  return join(directory, `tree-${tree}.yml`);
}

describe.runIf(existsSync(AMTOOL))('routes test and routes show against amtool 0.25', () => {
  let directory: string;
  const configs: RandomConfig[] = [];
  const routers: AlertmanagerRouter[] = [];
  const cases: Case[] = [];

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'phoenix-routes-differential-'));
    for (let tree = 0; tree < TREES; tree++) {
      const random = createRandom((SEED * 1_000_003 + tree) >>> 0);
      const { config, nodes } = randomConfig(random);
      configs.push(config);
      const file = treeFile(directory, tree);
      // JSON is YAML whose strings are all quoted: no YAML 1.1/1.2 surprises such as `on`.
      writeFileSync(file, JSON.stringify(config, null, 2));
      const router = loadRouting(file, {});
      routers.push(router);
      // Prefers label sets our router takes deep or down several routes; amtool still judges.
      const score = (args: string[]): number => {
        const matched = router.matchNodes(parseLabelArguments(args));
        return Math.max(...matched.map((node) => node.depth)) + matched.length + random.next();
      };
      // The first label set of every tree is the empty one; then random and guided ones.
      cases.push({ tree, file, args: caseArguments(random, []) });
      for (let i = 1; i < LABEL_SETS_PER_TREE; i++) {
        const labels =
          i % 2 === 0
            ? guidedLabelArguments(random, nodes, score)
            : randomLabelArguments(random, nodes);
        cases.push({ tree, file, args: caseArguments(random, labels) });
      }
    }
  });

  let keepDirectory = false;

  afterAll(() => {
    // On a mismatch the files stay, so that amtool can be run on them by hand.
    if (directory && !keepDirectory) rmSync(directory, { recursive: true, force: true });
  });

  it(`routes ${TREES} random trees × ${LABEL_SETS_PER_TREE} label sets exactly as amtool does`, async () => {
    const started = performance.now();
    const mismatches: string[] = [];
    const stats = {
      withTree: 0,
      verified: 0,
      multipleRoutes: 0,
      repeatedReceiver: 0,
      depth3: 0,
      depth4: 0,
      receiverLists: new Set<string>(),
    };

    const expected = await mapLimit(cases, AMTOOL_PARALLELISM, (item) =>
      amtool(item.file, item.args),
    );
    const amtoolSeconds = (performance.now() - started) / 1000;
    cases.forEach((item, index) => {
      const want = expected[index]!;
      const got = ours(item.file, item.args);
      if (got.stdout !== want.stdout || got.exitCode !== want.exitCode) {
        mismatches.push(describeMismatch('routes test', item, configs[item.tree], want, got));
      }
      // How much of the routing logic the cases exercised, from our router's point of view.
      const labels = parseLabelArguments(item.args.filter((arg) => !arg.startsWith('--')));
      const nodes = routers[item.tree]!.matchNodes(labels);
      const receivers = nodes.map((node) => node.route.receiver);
      stats.receiverLists.add(receivers.join(','));
      if (item.args.includes('--tree')) stats.withTree++;
      if (item.args.some((arg) => arg.startsWith('--verify'))) stats.verified++;
      if (nodes.length > 1) stats.multipleRoutes++;
      if (new Set(receivers).size < receivers.length) stats.repeatedReceiver++;
      const depth = Math.max(...nodes.map((node) => node.depth));
      if (depth >= 3) stats.depth3++;
      if (depth >= 4) stats.depth4++;
    });

    const shows = await mapLimit(configs, AMTOOL_PARALLELISM, (_, tree) =>
      runProcess(AMTOOL, [
        'config',
        'routes',
        'show',
        `--config.file=${treeFile(directory, tree)}`,
      ]),
    );
    shows.forEach((want, tree) => {
      const io = captureIo();
      const exitCode = routesShow({ config: treeFile(directory, tree), env: {} }, io);
      if (io.out !== want.stdout || exitCode !== want.exitCode) {
        const got = { stdout: io.out, exitCode };
        const item = { tree, file: treeFile(directory, tree), args: [] };
        mismatches.push(describeMismatch('routes show', item, configs[tree], want, got));
      }
    });

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(
      `routes differential: seed ${SEED}: ${TREES} trees, ${cases.length} label sets ` +
        `(${stats.withTree} with --tree, ${stats.verified} with --verify.receivers), ` +
        `${cases.length + shows.length} comparisons with amtool (${cases.length} routes test, ` +
        `${shows.length} routes show), ${mismatches.length} mismatches; ` +
        `${stats.receiverLists.size} distinct receiver lists, ${stats.multipleRoutes} matched ` +
        `several routes, ${stats.repeatedReceiver} a receiver twice, ${stats.depth3} reached ` +
        `depth 3 and ${stats.depth4} depth 4; ${seconds}s (amtool routes test: ` +
        `${amtoolSeconds.toFixed(1)}s)`,
    );
    if (mismatches.length > 0) {
      keepDirectory = true;
      console.error(`configs kept in ${directory}`);
      console.error(mismatches.slice(0, MAX_REPORTED).join('\n\n'));
    }
    expect(mismatches.length, mismatches.slice(0, 1).join('')).toBe(0);
    // The generator must reach deep routes and produce varied answers, or the test is weak.
    if (TREES >= 200) {
      expect(stats.receiverLists.size).toBeGreaterThan(30);
      expect(stats.multipleRoutes).toBeGreaterThan(cases.length / 10);
      expect(stats.repeatedReceiver).toBeGreaterThan(20);
      expect(stats.depth4).toBeGreaterThan(20);
    }
  }, 120_000);

  it('gives the same answers through the built binary and through pnpm exec from the root', async () => {
    await ensureBuilt();
    const fixture = (name: string) => join(packageRoot, 'src', '__fixtures__', name);
    const handful: Case[] = [
      ...cases.filter((item) => item.args.length > 1).slice(0, 8),
      {
        tree: -1,
        file: fixture('tricky-routing.yml'),
        args: ['--tree', 'a=y', 'b="x"', 'c=x', 'd=1'],
      },
      {
        tree: -1,
        file: fixture('tricky-routing.yml'),
        args: ['--verify.receivers=r1', 'a=y', 'b=x', 'c=x'],
      },
      { tree: -1, file: fixture('spec-routing.yml'), args: ['--tree'] },
    ];
    for (const item of handful) {
      const want = await amtool(item.file, item.args);
      // Run as a program: the shebang and the executable bit are part of what is tested.
      const got = await runProcess(bin, [
        'routes',
        'test',
        '--config.file',
        item.file,
        ...item.args.filter((arg) => arg.startsWith('--')),
        '--',
        ...item.args.filter((arg) => !arg.startsWith('--')),
      ]);
      const report = describeMismatch('binary', item, configs[item.tree], want, got);
      expect({ stdout: got.stdout, exitCode: got.exitCode }, report).toEqual({
        stdout: want.stdout,
        exitCode: want.exitCode,
      });
    }

    // check-config prints amtool's summary for an Alertmanager file.
    for (const name of ['spec-routing.yml', 'tricky-routing.yml']) {
      const want = await runProcess(AMTOOL, ['check-config', fixture(name)]);
      const got = await runProcess(bin, ['check-config', fixture(name)]);
      expect({ stdout: got.stdout, exitCode: got.exitCode }, got.stderr).toEqual({
        stdout: want.stdout,
        exitCode: want.exitCode,
      });
    }

    // The documented entry point: pnpm exec from the repository root, through the bin link.
    const viaPnpm = await runProcess(
      'pnpm',
      [
        'exec',
        'phoenix-alerting',
        'routes',
        'test',
        '--config',
        fixture('spec-routing.yml'),
        'severity=critical',
      ],
      { cwd: repositoryRoot },
    );
    expect(viaPnpm).toMatchObject({ exitCode: 0, stdout: 'pagerduty-critical\n' });
  }, 120_000);
});
