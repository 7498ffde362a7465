import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import {
  ConfigError,
  alertmanagerScalarDecoding,
  loadConfig,
  parseConfig,
} from '@phoenix-alerting/core';
import {
  createOnCallSchedule,
  formatInstant,
  onCallConfigSchema,
  parseInstant,
} from '@phoenix-alerting/escalation';
import type { OnCallConfig, OnCallSchedule, Shift } from '@phoenix-alerting/escalation';
import { CliError, PROGRAM, reportError, usageError } from './io.js';
import type { CommandIo, ExitCode } from './io.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Options of {@link oncallCommand}, for embedding and tests. */
export interface OncallCommandOptions {
  /** The current time, ms since the epoch, for `oncall who` without `--at`. Default `Date.now`. */
  now?: () => number;
  /** Variables for `${NAME}` substitution. Defaults to `process.env`. */
  env?: Env;
}

/** `--help` texts of the `oncall` commands, keyed like the CLI's other help topics. */
export const oncallHelp = {
  oncall: `Usage: ${PROGRAM} oncall <who|schedule> --config FILE [options]

Shows who is on call in the rotations of a configuration file (its teams: and
oncall_rotations: sections).

Commands:
  oncall who        Who is on call now (or at --at), in each rotation or the one named
  oncall schedule   Every shift of one rotation between --from and --to

Each shift is one line: ROTATION TEAM PERSON SHIFT_START SHIFT_END, separated by
tabs, the times in ISO 8601 with the rotation's UTC offset.
`,
  'oncall who': `Usage: ${PROGRAM} oncall who --config FILE [--rotation NAME] [--at TIME]

Prints who is on call at TIME (default: now) in every rotation, or in the one named:

  primary_oncall<TAB>platform<TAB>alice<TAB>2026-03-07T08:00:00-06:00<TAB>2026-03-07T20:00:00-06:00

Options:
  --config FILE     The configuration file (teams: and oncall_rotations:)
  --rotation NAME   Only this rotation
  --at TIME         ISO 8601: 2026-03-08T08:00:00-05:00, or without an offset
                    (2026-03-08T08:00, 2026-03-08) in each rotation's time zone
  -h, --help        Show this help
`,
  'oncall schedule': `Usage: ${PROGRAM} oncall schedule --config FILE --rotation NAME --from TIME --to TIME

Prints every shift of the rotation that overlaps [--from, --to), one per line, as
'oncall who' does. Times are ISO 8601; without an offset they are in the rotation's
time zone.

Options:
  --config FILE     The configuration file (teams: and oncall_rotations:)
  --rotation NAME   The rotation
  --from TIME       Start of the range
  --to TIME         End of the range (exclusive)
  -h, --help        Show this help
`,
} as const;

const options = {
  help: { type: 'boolean', short: 'h' },
  config: { type: 'string', short: 'c' },
  rotation: { type: 'string' },
  at: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/**
 * `oncall who` and `oncall schedule` (`args` start with the subcommand). Never throws: errors are
 * written to `io.stderr` and give exit 1 (bad configuration, unknown rotation) or 2 (bad command line).
 */
export async function oncallCommand(
  args: readonly string[],
  io: CommandIo,
  commandOptions: OncallCommandOptions = {},
): Promise<ExitCode> {
  try {
    return run(args, io, commandOptions);
  } catch (error) {
    return reportError(error, io);
  }
}

function run(
  args: readonly string[],
  io: CommandIo,
  commandOptions: OncallCommandOptions,
): ExitCode {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || subcommand === '-h' || subcommand === '--help') {
    (subcommand === undefined ? io.stderr : io.stdout).write(oncallHelp.oncall);
    return subcommand === undefined ? 2 : 0;
  }
  if (subcommand !== 'who' && subcommand !== 'schedule') {
    throw usageError(`unknown oncall command ${JSON.stringify(subcommand)}`, 'oncall');
  }
  const name = `oncall ${subcommand}` as const;
  const { values, positionals } = parse(name, rest);
  if (values.help) {
    io.stdout.write(oncallHelp[name]);
    return 0;
  }
  if (positionals.length > 0) {
    throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, name);
  }
  if (values.config === undefined) throw usageError('--config FILE is required', name);

  if (subcommand === 'who') {
    for (const option of ['from', 'to'] as const) {
      if (values[option] !== undefined)
        throw usageError(`--${option} belongs to oncall schedule`, name);
    }
    const schedule = loadSchedule(values.config, commandOptions.env ?? process.env, io);
    const rotations = values.rotation === undefined ? schedule.rotations : [values.rotation];
    if (rotations.length === 0) {
      throw new CliError(`${values.config}: no oncall_rotations are configured`);
    }
    const now = (commandOptions.now ?? Date.now)();
    for (const rotation of rotations) {
      const at = values.at === undefined ? now : time(values.at, '--at', schedule, rotation, name);
      io.stdout.write(formatShift(schedule.shiftAt(rotation, at), schedule));
    }
    return 0;
  }

  if (values.at !== undefined) throw usageError('--at belongs to oncall who', name);
  if (values.rotation === undefined) throw usageError('--rotation NAME is required', name);
  if (values.from === undefined || values.to === undefined) {
    throw usageError('--from and --to are required', name);
  }
  const schedule = loadSchedule(values.config, commandOptions.env ?? process.env, io);
  const rotation = values.rotation;
  // Resolves an unknown rotation (an error naming the known ones) before the times.
  schedule.timezone(rotation);
  const from = time(values.from, '--from', schedule, rotation, name);
  const to = time(values.to, '--to', schedule, rotation, name);
  if (!(to > from)) throw usageError('--to must be later than --from', name);
  // A range of years of hourly shifts is millions of lines: print them a month at a time.
  for (let cursor = from; cursor < to; cursor += CHUNK_MS) {
    for (const shift of schedule.shifts(rotation, cursor, Math.min(to, cursor + CHUNK_MS))) {
      // A shift that began before this chunk was printed with the chunk it began in.
      if (cursor === from || shift.start >= cursor) io.stdout.write(formatShift(shift, schedule));
    }
  }
  return 0;
}

const CHUNK_MS = 31 * 86_400_000;

function time(
  text: string,
  option: string,
  schedule: OnCallSchedule,
  rotation: string,
  command: string,
): number {
  const at = parseInstant(text, schedule.timezone(rotation));
  if (at === undefined) {
    throw usageError(
      `${option}: invalid time ${JSON.stringify(text)}; use ISO 8601, e.g. 2026-03-08T08:00:00-05:00`,
      command,
    );
  }
  return at;
}

function formatShift(shift: Shift, schedule: OnCallSchedule): string {
  const timezone = schedule.timezone(shift.rotation);
  return `${[
    shift.rotation,
    shift.team,
    shift.person.name,
    formatInstant(shift.start, timezone),
    formatInstant(shift.end, timezone),
  ].join('\t')}\n`;
}

// core's message for a `${NAME}` whose variable is not set.
const UNSET_VARIABLE = /^environment variable (\S+) is not set/;
const ONCALL_SECTION = /^(teams|oncall_rotations)(?![\w-])/;

/**
 * Reads the file's `teams:` and `oncall_rotations:` (other sections are not validated here:
 * check-config does that). As `routes` does, unset `${NAME}` variables outside those sections
 * (secrets of receivers) only draw a warning.
 */
function loadSchedule(file: string, env: Env, io: CommandIo): OnCallSchedule {
  const common = { schema: onCallConfigSchema, scalars: alertmanagerScalarDecoding } as const;
  let config: OnCallConfig;
  try {
    config = loadConfig({ ...common, file, env });
  } catch (error) {
    const unset = unsetOutsideOnCall(error);
    if (unset === undefined) throw error;
    io.stderr.write(
      `${PROGRAM}: warning: ${unset.join(', ')} ${unset.length === 1 ? 'is' : 'are'} not set; ` +
        `on-call schedules do not use ${unset.length === 1 ? 'it' : 'them'}\n`,
    );
    const placeholders = Object.fromEntries(unset.map((name) => [name, '']));
    config = parseConfig(readFileSync(file, 'utf8'), {
      ...common,
      file,
      env: { ...env, ...placeholders },
    });
  }
  try {
    return createOnCallSchedule(config);
  } catch (error) {
    // Problems found after the schema (a team left with nobody) carry no file yet.
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(
      error.issues.map((issue) => ({ file, ...issue })),
      { cause: error },
    );
  }
}

function unsetOutsideOnCall(error: unknown): string[] | undefined {
  if (!ConfigError.isInstance(error)) return undefined;
  const names = new Set<string>();
  for (const issue of error.issues) {
    const name = UNSET_VARIABLE.exec(issue.message)?.[1];
    if (name === undefined || ONCALL_SECTION.test(issue.path)) return undefined;
    names.add(name);
  }
  return names.size > 0 ? [...names] : undefined;
}

function parse(command: string, args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.split('. ')[0] ?? String(error);
    throw usageError(message, command);
  }
}
