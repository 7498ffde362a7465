import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDuration, parseMatchers } from '@phoenix-alerting/core';
import type { Labels } from '@phoenix-alerting/core';
import { loadEscalationConfig, simulate } from '@phoenix-alerting/escalation';
import type { SimulationResult } from '@phoenix-alerting/escalation';
import { CliError, PROGRAM, reportError, usageError } from './io.js';
import type { CommandIo, ExitCode } from './io.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Options of {@link escalationSimulateCommand}, for embedding and tests. */
export interface EscalationSimulateOptions {
  /** The current time, ms since the epoch, when `--at` is not given. Default `Date.now`. */
  now?: () => number;
  /** Variables for `${NAME}` substitution. Defaults to `process.env`. */
  env?: Env;
}

export const escalationSimulateHelp = `Usage: ${PROGRAM} escalation simulate --config FILE --labels LABELS [options]

Runs the escalation engine on a simulated clock for one alert with LABELS and prints
who would be paged, when, and on which channels: one line per person paged,

  OFFSET<TAB>TIME<TAB>EVENT<TAB>LEVEL<TAB>PERSON<TAB>CHANNELS

then the incident's acknowledgement, resolution or exhaustion. The severity comes
from the 'severity' label (unknown: default_severity); the policy is --policy, else
the one named like the severity, else the first one.

Options:
  --config FILE          The configuration file (severities:, escalation_policies:,
                         teams:, oncall_rotations:)
  --labels LABELS        The alert's labels: 'severity=critical,team=backend'
  --at TIME              When the alert fires, ISO 8601 (default: now)
  --ack-after DURATION   Acknowledge this long after it fires, e.g. 40m
  --resolve-after DURATION
                         Resolve this long after it fires, e.g. 2h
  --policy NAME          The escalation policy to run
  --horizon DURATION     How far to simulate (default 24h)
  -h, --help             Show this help
`;

const options = {
  help: { type: 'boolean', short: 'h' },
  config: { type: 'string', short: 'c' },
  labels: { type: 'string' },
  at: { type: 'string' },
  'ack-after': { type: 'string' },
  'resolve-after': { type: 'string' },
  policy: { type: 'string' },
  horizon: { type: 'string' },
} as const;

const COMMAND = 'escalation simulate';

/** `escalation simulate` (`args` after the subcommand). Never throws: errors go to `io.stderr`. */
export async function escalationSimulateCommand(
  args: readonly string[],
  io: CommandIo,
  commandOptions: EscalationSimulateOptions = {},
): Promise<ExitCode> {
  try {
    return await run(args, io, commandOptions);
  } catch (error) {
    return reportError(error, io);
  }
}

async function run(
  args: readonly string[],
  io: CommandIo,
  commandOptions: EscalationSimulateOptions,
): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message, COMMAND);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(escalationSimulateHelp);
    return 0;
  }
  if (positionals.length > 0)
    throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, COMMAND);
  if (values.config === undefined) throw usageError('--config FILE is required', COMMAND);
  if (values.labels === undefined) throw usageError('--labels LABELS is required', COMMAND);
  const labels = parseLabels(values.labels);
  const duration = (option: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    try {
      return parseDuration(text);
    } catch (error) {
      throw usageError(`--${option}: ${(error as Error).message}`, COMMAND);
    }
  };
  let at = (commandOptions.now ?? Date.now)();
  if (values.at !== undefined) {
    at = Date.parse(values.at);
    if (Number.isNaN(at))
      throw usageError(`--at: invalid time ${JSON.stringify(values.at)}; use ISO 8601`, COMMAND);
  }
  const ackAfterMs = duration('ack-after', values['ack-after']);
  const resolveAfterMs = duration('resolve-after', values['resolve-after']);
  const horizonMs = duration('horizon', values.horizon);
  const config = loadEscalationConfig({
    file: values.config,
    env: withoutSecrets(values.config, commandOptions.env ?? process.env),
  });
  if (values.policy !== undefined && !config.policies.has(values.policy))
    throw new CliError(
      `unknown policy ${JSON.stringify(values.policy)} (escalation_policies: ${[...config.policies.keys()].join(', ') || 'none'})`,
    );
  if (config.policies.size === 0)
    throw new CliError(`${values.config}: no escalation_policies are configured`);
  const result = await simulate({
    config,
    labels,
    at,
    policy: values.policy,
    ackAfterMs,
    resolveAfterMs,
    horizonMs,
  });
  io.stdout.write(format(result, at));
  return 0;
}

/**
 * Secrets of receivers (`${SLACK_TOKEN}`) are not needed to simulate: variables the file names
 * that are not set read as ''. An unreadable file is left for the loader to report.
 */
function withoutSecrets(file: string, env: Env): Env {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return env;
  }
  const filled: Record<string, string | undefined> = { ...env };
  for (const [, name] of text.matchAll(/\$\{(\w+)\}/g)) filled[name!] ??= '';
  return filled;
}

function parseLabels(text: string): Labels {
  let matchers;
  try {
    matchers = parseMatchers(text);
  } catch (error) {
    throw usageError(`--labels: ${(error as Error).message}`, COMMAND);
  }
  const labels: Record<string, string> = {};
  for (const matcher of matchers) {
    if (matcher.type !== '=')
      throw usageError('--labels: labels must be name=value pairs', COMMAND);
    labels[matcher.name] = matcher.value;
  }
  return labels;
}

function offset(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `+${hours > 0 ? `${hours}h` : ''}${rest > 0 || hours === 0 ? `${rest}m` : ''}`;
}

/** The simulation as lines: pages, then the incident's acknowledgement, resolution, exhaustion. */
function format(result: SimulationResult, start: number): string {
  const shown: Record<string, string> = {
    'incident-acknowledged': 'acknowledged',
    'incident-unacknowledged': 'unacknowledged',
    'incident-resolved': 'resolved',
    'policy-exhausted': 'exhausted',
  };
  // What happened to the incident comes before the pages it caused at the same moment.
  const lines: [number, string][] = [];
  for (const event of result.timeline) {
    const name = shown[event.kind];
    if (name) lines.push([event.at, [`incident-${name}`, '-', event.actor ?? '-', '-'].join('\t')]);
  }
  for (const page of result.pages)
    lines.push([
      page.at,
      [page.event, page.level || '-', page.person, page.channels.join(',')].join('\t'),
    ]);
  lines.sort((a, b) => a[0] - b[0]);
  const head = `# severity ${result.severity}, policy ${result.policy}; at the end: ${result.status}${result.exhausted ? ' (exhausted)' : ''}\n`;
  return (
    head +
    lines
      .map(([at, rest]) => `${offset(at - start)}\t${new Date(at).toISOString()}\t${rest}\n`)
      .join('')
  );
}
