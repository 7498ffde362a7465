import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { checkConfig } from './check-config.js';
import { helpTexts } from './help.js';
import type { HelpTopic } from './help.js';
import { CliError, PROGRAM, reportError, usageError } from './io.js';
import type { CommandIo, ExitCode } from './io.js';
import { escalationSimulateCommand } from './escalation-simulate.js';
import { incidentCommand } from './incident.js';
import { oncallCommand } from './oncall.js';
import { routesShow, routesTest } from './routes.js';
import { rulesCheckCommand } from './rules-check.js';
import { templateRenderCommand } from './template-render.js';

/**
 * Runs the `phoenix-alerting` command line (`argv` without `node` and the script) and returns
 * the exit status. Never throws for bad input: every error is written to `io.stderr`.
 */
export async function run(argv: readonly string[], io: CommandIo): Promise<ExitCode> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return reportError(error, io);
  }
}

async function dispatch(argv: readonly string[], io: CommandIo): Promise<ExitCode> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      io.stderr.write(helpTexts.main);
      return 2;
    case '-h':
    case '--help':
      return help('main', io);
    case 'help':
      return helpCommand(rest, io);
    case '-V':
    case '--version':
      io.stdout.write(`${PROGRAM} ${version()}\n`);
      return 0;
    case 'serve':
      return serveCommand(rest, io);
    case 'check-config':
      return checkConfigCommand(rest, io);
    case 'routes':
      return routesCommand(rest, io);
    case 'rules':
      return subcommand('rules', ['check'], rest, io, (args) => rulesCheckCommand(args, io));
    case 'template':
      return subcommand('template', ['render'], rest, io, (args) =>
        templateRenderCommand(args, io),
      );
    case 'oncall':
      return oncallCommand(rest, io);
    case 'incident':
      return incidentCommand(rest, io);
    case 'escalation':
      return subcommand('escalation', ['simulate'], rest, io, (args) =>
        escalationSimulateCommand(args, io),
      );
    default:
      throw new CliError(`unknown command ${JSON.stringify(command)}`, {
        exitCode: 2,
        usageOf: '',
      });
  }
}

/**
 * Runs the server until a signal stops it (the process then exits from the server's own handler).
 * The server package is loaded only here, so the other commands stay light.
 */
async function serveCommand(args: readonly string[], io: CommandIo): Promise<ExitCode> {
  if (args.includes('--help') || args.includes('-h')) return help('serve', io);
  const { parseServeArgs, serve } = await import('@phoenix-alerting/server');
  let options;
  try {
    options = parseServeArgs(args);
  } catch (error) {
    throw new CliError((error as Error).message, { exitCode: 2, usageOf: '' });
  }
  await serve(options);
  // Keep running: serve() handles SIGHUP/SIGTERM/SIGINT and exits the process itself.
  return new Promise<ExitCode>(() => {});
}

/** `NAME SUB args…` for a command whose only job is its subcommands (`rules check`). */
function subcommand(
  name: 'rules' | 'template' | 'escalation',
  known: readonly string[],
  args: readonly string[],
  io: CommandIo,
  run: (args: readonly string[]) => Promise<ExitCode>,
): Promise<ExitCode> | ExitCode {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help') {
    io[sub === undefined ? 'stderr' : 'stdout'].write(helpTexts[name]);
    return sub === undefined ? 2 : 0;
  }
  if (!known.includes(sub))
    throw usageError(`unknown ${name} command ${JSON.stringify(sub)}`, name);
  return run(rest);
}

function help(topic: HelpTopic, io: CommandIo): ExitCode {
  io.stdout.write(helpTexts[topic]);
  return 0;
}

function helpCommand(args: readonly string[], io: CommandIo): ExitCode {
  const topic = args.join(' ');
  if (topic === '') return help('main', io);
  if (topic in helpTexts) return help(topic as HelpTopic, io);
  throw new CliError(`no help for ${JSON.stringify(topic)}`, { exitCode: 2, usageOf: '' });
}

function checkConfigCommand(args: readonly string[], io: CommandIo): ExitCode {
  const { values, positionals } = parse('check-config', args, {
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return help('check-config', io);
  if (positionals.length === 0) {
    throw usageError('check-config needs at least one FILE (or - for stdin)', 'check-config');
  }
  return checkConfig(positionals, io);
}

const routesOptions = {
  help: { type: 'boolean', short: 'h' },
  config: { type: 'string', short: 'c' },
  // amtool's spelling, so that its command lines work unchanged.
  'config.file': { type: 'string' },
  tree: { type: 'boolean' },
  'verify.receivers': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

function routesCommand(args: readonly string[], io: CommandIo): ExitCode {
  let [subcommand, ...rest] = args;
  // `routes` alone, or followed by options, is `routes show`, as in amtool.
  if (subcommand === undefined || subcommand.startsWith('-')) {
    if (subcommand === '-h' || subcommand === '--help') return help('routes', io);
    rest = args.slice();
    subcommand = 'show';
  }
  if (subcommand !== 'show' && subcommand !== 'test') {
    throw usageError(`unknown routes command ${JSON.stringify(subcommand)}`, 'routes');
  }
  const name = `routes ${subcommand}` as const;
  const { values, positionals } = parse(name, rest, routesOptions);
  if (values.help) return help(name, io);

  const configs = [values.config, values['config.file']].filter((value) => value !== undefined);
  const config = configs[0];
  if (config === undefined) throw usageError('--config FILE is required', name);
  if (configs.length > 1 && configs[1] !== config) {
    throw usageError('give the configuration file once (--config or --config.file)', name);
  }

  if (subcommand === 'show') {
    if (positionals.length > 0) {
      throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, name);
    }
    if (values.tree || values['verify.receivers'] !== undefined) {
      throw usageError('--tree and --verify.receivers belong to routes test', name);
    }
    return routesShow({ config }, io);
  }
  return routesTest(
    {
      config,
      labels: positionals,
      tree: values.tree ?? false,
      verifyReceivers: values['verify.receivers'],
    },
    io,
  );
}

function parse<const T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: readonly string[],
  options: T,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages are long ("To specify a positional argument starting with a '-'…"):
    // keep the first sentence.
    const message = (error as Error).message.split('. ')[0] ?? String(error);
    throw usageError(message, command);
  }
}

let cachedVersion: string | undefined;

function version(): string {
  // src/ and dist/ are both one level below the package root.
  cachedVersion ??= (createRequire(import.meta.url)('../package.json') as { version: string })
    .version;
  return cachedVersion;
}
