// amtool parity. Acceptance criterion: "amtool's output against the server is the same as against
// Alertmanager for the same actions". The same sequence of amtool 0.25 commands runs against the
// real Alertmanager 0.25 (the reference) and the target, interleaved step by step so that both
// see the same clock; each step's stdout, stderr and exit code must be equal after the
// normalisation documented on `Normaliser` (silence ids, timestamps, the server's own URL).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../lib/systems.mjs';
import { Normaliser, runAmtool } from './support/amtool.js';
import type { AmtoolResult } from './support/amtool.js';
import { describeTarget, Harness } from './support/harness.js';

const CONFIG = (webhookUrl: string) => `global:
  resolve_timeout: 5m
route:
  receiver: default
  group_by: [alertname, cluster]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - receiver: team-db
      matchers: ['team="db"']
      routes:
        - receiver: team-db-pager
          matchers: ['severity="critical"']
    - receiver: ops
      matchers: ['cluster=~"c2|c3"']
      continue: true
receivers:
  - name: default
    webhook_configs:
      - url: ${JSON.stringify(webhookUrl)}
  - name: team-db
    webhook_configs:
      - url: ${JSON.stringify(webhookUrl)}
  - name: team-db-pager
    webhook_configs:
      - url: ${JSON.stringify(webhookUrl)}
  - name: ops
    webhook_configs:
      - url: ${JSON.stringify(webhookUrl)}
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [cluster]
`;

/** Per-system state a step's arguments may refer to. */
interface Context {
  /** silence ids printed by this system's `silence add` steps, in order */
  silenceIds: string[];
  /** stdout of earlier steps, by step title */
  outputs: Map<string, string>;
  home: string;
}

interface Step {
  title: string;
  args: (context: Context) => string[];
  /** stdin for amtool (silence import) */
  input?: (context: Context) => string;
  /** the step prints the id of a new silence */
  addsSilence?: boolean;
  /** pause after the step on both systems, for state the server updates asynchronously */
  settleMs?: number;
  /** run with amtool's default version check (every other step passes --no-version-check) */
  versionCheck?: boolean;
}

const minute = 60_000;
const now = Date.now();
/** RFC 3339 without fraction, as amtool's --start/--end take it. */
const at = (offsetMs: number) => new Date(now + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

const fixed =
  (...args: string[]) =>
  () =>
    args;
const silence = (index: number) => (context: Context) => {
  const id = context.silenceIds[index];
  if (!id) throw new Error(`silence #${index} was not created`);
  return id;
};

const STEPS: Step[] = [
  {
    title: "amtool's version check (/api/v2/status versionInfo)",
    args: fixed('alert', 'query'),
    versionCheck: true,
  },
  { title: 'alert query (empty)', args: fixed('alert', 'query') },
  { title: 'silence query (empty)', args: fixed('silence', 'query') },
  {
    title: 'alert add DiskFull (critical, annotations, generator URL)',
    args: fixed(
      'alert',
      'add',
      'alertname=DiskFull',
      'severity=critical',
      'cluster=c1',
      'instance=db-1',
      'team=db',
      '--annotation=summary=Disk is full',
      '--annotation=runbook=http://runbooks.example/disk',
      '--generator-url=http://prometheus.example/graph?g0.expr=up',
    ),
  },
  {
    title: 'alert add HighLatency c1 (warning, inhibited by DiskFull)',
    args: fixed(
      'alert',
      'add',
      'HighLatency',
      'severity=warning',
      'cluster=c1',
      'team=db',
      '--annotation=summary=p99 over 2s',
    ),
  },
  {
    title: 'alert add HighLatency c2',
    args: fixed(
      'alert',
      'add',
      'HighLatency',
      'severity=warning',
      'cluster=c2',
      'instance=api-1',
      '--annotation=summary=p99 over 2s',
    ),
  },
  {
    title: 'alert add CpuHot with --start in the past',
    args: () => [
      'alert',
      'add',
      'alertname=CpuHot',
      'severity=info',
      'cluster=c3',
      `--start=${at(-10 * minute)}`,
      '--annotation=summary=first summary',
    ],
  },
  {
    title: 'alert add CpuHot again (same labels, new annotation)',
    args: fixed(
      'alert',
      'add',
      'alertname=CpuHot',
      'severity=info',
      'cluster=c3',
      '--annotation=summary=second summary',
    ),
  },
  {
    title: 'alert add Recovered (already resolved)',
    args: () => [
      'alert',
      'add',
      'alertname=Recovered',
      'severity=info',
      `--start=${at(-20 * minute)}`,
      `--end=${at(-5 * minute)}`,
    ],
    settleMs: 1_000,
  },
  { title: 'alert query', args: fixed('alert', 'query') },
  { title: 'alert query -o extended', args: fixed('-o', 'extended', 'alert', 'query') },
  { title: 'alert query -o json', args: fixed('-o', 'json', 'alert', 'query') },
  {
    title: 'alert query alertname=HighLatency',
    args: fixed('alert', 'query', 'alertname=HighLatency'),
  },
  {
    title: 'alert query HighLatency cluster=c2',
    args: fixed('alert', 'query', 'HighLatency', 'cluster=c2'),
  },
  {
    title: 'alert query severity=~"warning|critical"',
    args: fixed('alert', 'query', 'severity=~warning|critical'),
  },
  { title: 'alert query cluster!=c1', args: fixed('alert', 'query', 'cluster!=c1') },
  {
    title: 'alert query {alertname=~"High.*",cluster="c2"}',
    args: fixed('alert', 'query', '{alertname=~"High.*",cluster="c2"}'),
  },
  { title: 'alert query -i', args: fixed('alert', 'query', '-i') },
  {
    title: 'alert query -a -i -o extended',
    args: fixed('-o', 'extended', 'alert', 'query', '-a', '-i'),
  },
  { title: 'alert query -a -i -o json', args: fixed('-o', 'json', 'alert', 'query', '-a', '-i') },
  { title: 'alert query -u', args: fixed('alert', 'query', '-u') },
  {
    title: 'alert query --receiver=team-db',
    args: fixed('alert', 'query', '-a', '-i', '--receiver=team-db'),
  },
  {
    title: 'alert query --receiver=^ops$',
    args: fixed('alert', 'query', '-a', '-i', '--receiver=^ops$'),
  },
  {
    title: 'silence add alertname=CpuHot (--comment, --author, --duration)',
    args: fixed(
      'silence',
      'add',
      'alertname=CpuHot',
      '--comment=CPU work',
      '--author=e2e',
      '--duration=2h',
    ),
    addsSilence: true,
  },
  {
    title: 'silence add with a regex matcher, short flags',
    args: fixed(
      'silence',
      'add',
      'alertname=~High.*',
      'cluster=c2',
      '-c',
      'latency known',
      '-a',
      'oncall',
      '-d',
      '30m',
    ),
    addsSilence: true,
  },
  {
    title: 'silence add pending (--start/--end in the future)',
    args: () => [
      'silence',
      'add',
      'instance=db-1',
      '--comment=maintenance window',
      '--author=e2e',
      `--start=${at(60 * minute)}`,
      `--end=${at(120 * minute)}`,
    ],
    addsSilence: true,
  },
  {
    title: 'silence add with a negative matcher',
    args: fixed(
      'silence',
      'add',
      'alertname=Unrelated',
      'cluster!=c1',
      '--comment=neg',
      '--author=e2e',
      '--duration=3h',
    ),
    addsSilence: true,
  },
  {
    title: 'silence add without a comment (refused by amtool)',
    args: fixed('silence', 'add', 'alertname=Nope', '--author=e2e'),
  },
  {
    title: 'silence add ending in the past (refused by the server)',
    args: () => [
      'silence',
      'add',
      'alertname=Late',
      '--comment=late',
      '--author=e2e',
      `--end=${at(-minute)}`,
    ],
  },
  {
    // amtool reads a first argument it cannot parse as a matcher as the alertname's value.
    title: 'silence add whose first argument is not a matcher',
    args: fixed('silence', 'add', 'alertname=~(', '--comment=odd', '--author=e2e'),
    addsSilence: true,
    settleMs: 500,
  },
  { title: 'silence query', args: fixed('silence', 'query') },
  { title: 'silence query -q', args: fixed('silence', 'query', '-q') },
  { title: 'silence query -o extended', args: fixed('-o', 'extended', 'silence', 'query') },
  { title: 'silence query -o json', args: fixed('-o', 'json', 'silence', 'query') },
  { title: 'silence query alertname=CpuHot', args: fixed('silence', 'query', 'alertname=CpuHot') },
  {
    title: 'silence query --created-by=oncall',
    args: fixed('silence', 'query', '--created-by=oncall'),
  },
  { title: 'silence query --within=1h', args: fixed('silence', 'query', '--within=1h') },
  { title: 'alert query (silenced ones hidden)', args: fixed('alert', 'query') },
  { title: 'alert query -s', args: fixed('alert', 'query', '-s') },
  { title: 'alert query -s -o json', args: fixed('-o', 'json', 'alert', 'query', '-s') },
  {
    title: 'silence update --comment',
    args: (context) => ['silence', 'update', silence(0)(context), '--comment=CPU work, updated'],
  },
  {
    title: 'silence update --duration',
    args: (context) => ['silence', 'update', silence(1)(context), '--duration=45m'],
    settleMs: 500,
  },
  {
    title: 'silence query -o extended (after updates)',
    args: fixed('-o', 'extended', 'silence', 'query'),
  },
  {
    title: 'silence expire (active)',
    args: (context) => ['silence', 'expire', silence(0)(context)],
  },
  {
    title: 'silence expire (pending)',
    args: (context) => ['silence', 'expire', silence(2)(context)],
  },
  {
    title: 'silence expire (unknown id)',
    args: fixed('silence', 'expire', '00000000-0000-4000-8000-000000000000'),
  },
  {
    title: 'silence expire (already expired)',
    args: (context) => ['silence', 'expire', silence(0)(context)],
    settleMs: 500,
  },
  { title: 'silence query (after expiry)', args: fixed('silence', 'query') },
  { title: 'silence query --expired', args: fixed('silence', 'query', '--expired') },
  {
    title: 'silence query --expired -o json',
    args: fixed('-o', 'json', 'silence', 'query', '--expired'),
  },
  {
    title: 'silence query --expired --within=1h',
    args: fixed('silence', 'query', '--expired', '--within=1h'),
  },
  { title: 'alert query -s (after expiry)', args: fixed('alert', 'query', '-s') },
  { title: 'alert query (after expiry)', args: fixed('alert', 'query') },
  {
    // One worker, so that amtool prints the ids in input order. The input was taken before the
    // expiries: still-active silences are updated in place, expired ones come back as new ids.
    // (`--force` is left out: it creates exact copies, which Alertmanager itself lists in an
    // arbitrary order.)
    title: 'silence import (stdin: the earlier silence query -o json)',
    args: fixed('silence', 'import', '--worker=1'),
    input: (context) => context.outputs.get('silence query -o json') ?? '[]',
    settleMs: 500,
  },
  { title: 'silence query (after import)', args: fixed('silence', 'query') },
  { title: 'cluster show', args: fixed('cluster', 'show') },
  { title: 'config show', args: fixed('config', 'show') },
  { title: 'config routes show', args: fixed('config', 'routes', 'show') },
  {
    title: 'config routes test team=db severity=critical',
    args: fixed('config', 'routes', 'test', 'team=db', 'severity=critical'),
  },
  {
    title: 'config routes test --tree cluster=c2',
    args: fixed('config', 'routes', 'test', '--tree', 'cluster=c2'),
  },
];

interface Outcome {
  reference: AmtoolResult;
  target: AmtoolResult;
}

function normalisedView(result: AmtoolResult, normaliser: Normaliser) {
  return {
    exitCode: result.exitCode,
    stdout: normaliser.normalise(result.stdout),
    stderr: normaliser.normalise(result.stderr),
  };
}

describe(`amtool 0.25 parity: Alertmanager 0.25 vs ${describeTarget()}`, () => {
  const harness = new Harness('amtool');
  const outcomes = new Map<string, Outcome | Error>();
  const views = new Map<string, { reference: unknown; target: unknown }>();

  beforeAll(async () => {
    const sink = await harness.sink();
    const configFile = join(harness.root, 'alertmanager.yml');
    writeFileSync(configFile, CONFIG(sink.url('/hook')));
    const [reference, target] = await Promise.all([
      harness.start(configFile, { kind: 'alertmanager', name: 'reference' }),
      harness.start(configFile, { name: 'target' }),
    ]);
    const systems: { role: 'reference' | 'target'; system: RunningSystem; context: Context }[] = [
      reference,
      target,
    ].map((system, index) => {
      const role = index === 0 ? 'reference' : 'target';
      const home = join(harness.root, `${role}-home`);
      mkdirSync(home, { recursive: true });
      return { role, system, context: { silenceIds: [], outputs: new Map(), home } };
    });
    const normalisers = {
      reference: new Normaliser(reference.url),
      target: new Normaliser(target.url),
    };
    // Steps run in order on both systems (reference first); every step runs even after a
    // failure, so that one report lists every difference.
    for (const step of STEPS) {
      const results: Partial<Outcome> = {};
      try {
        for (const { role, system, context } of systems) {
          const result = await runAmtool(system.url, step.args(context), {
            home: context.home,
            input: step.input?.(context),
            versionCheck: step.versionCheck,
          });
          results[role] = result;
          context.outputs.set(step.title, result.stdout);
          if (step.addsSilence && result.exitCode === 0)
            context.silenceIds.push(result.stdout.trim());
        }
        outcomes.set(step.title, results as Outcome);
        views.set(step.title, {
          reference: normalisedView(results.reference!, normalisers.reference),
          target: normalisedView(results.target!, normalisers.target),
        });
      } catch (error) {
        outcomes.set(step.title, error as Error);
      }
      if (step.settleMs) await sleep(step.settleMs);
    }
    if (process.env.E2E_AMTOOL_TRANSCRIPT) {
      const lines = [...views].map(
        ([title, view]) => `### ${title}\n${JSON.stringify(view, null, 2)}\n`,
      );
      writeFileSync(process.env.E2E_AMTOOL_TRANSCRIPT, lines.join('\n'));
    }
  }, 300_000);

  afterAll(() => harness.cleanup());

  it.each(STEPS.map((step) => [step.title]))('%s', (title) => {
    const outcome = outcomes.get(title);
    if (outcome instanceof Error) throw outcome;
    const view = views.get(title)!;
    expect(view.target).toEqual(view.reference);
  });

  it('the reference run exercised what it should (guards against a vacuous comparison)', () => {
    const reference = (title: string) => {
      const outcome = outcomes.get(title);
      if (!outcome || outcome instanceof Error) throw new Error(`no outcome for ${title}`);
      return outcome.reference;
    };
    expect(reference('alert query').stdout).toContain('DiskFull');
    expect(reference('alert query -i').stdout).toContain('HighLatency');
    expect(reference('silence query -q').stdout.trim().split('\n')).toHaveLength(5);
    expect(reference('silence query --expired').stdout).toContain('CPU work');
    expect(reference('silence add without a comment (refused by amtool)').exitCode).not.toBe(0);
  });
});
