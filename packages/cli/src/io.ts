import { PhoenixError } from '@phoenix-alerting/core';

/** Where a command writes: `process.stdout`/`process.stderr`, or buffers in tests. */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** The program name in messages, as amtool prints `amtool: error: …`. */
export const PROGRAM = 'phoenix-alerting';

/** Exit status: 0 success, 1 a check failed or input was invalid, 2 the command line was wrong. */
export type ExitCode = 0 | 1 | 2;

/** A failure the CLI reports as one line on stderr (`phoenix-alerting: error: …`), no stack. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  /** The command whose `--help` to point at, for usage errors. */
  readonly usageOf: string | undefined;

  constructor(message: string, options: { exitCode?: ExitCode; usageOf?: string } = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? 1;
    this.usageOf = options.usageOf;
  }
}

/** A usage error (exit 2) that points at `phoenix-alerting <command> --help`. */
export function usageError(message: string, command: string): CliError {
  return new CliError(message, { exitCode: 2, usageOf: command });
}

/**
 * Reports an error the way the CLI reports every error, on one `phoenix-alerting: error: …`
 * line (a ConfigError adds one line per problem: `FILE: YAML-PATH: MESSAGE`), and returns the
 * exit code. Anything that is neither a CliError nor a PhoenixError is a bug: its stack is kept.
 */
export function reportError(error: unknown, io: CommandIo): ExitCode {
  if (error instanceof CliError) return reportCliError(error, io);
  if (PhoenixError.isInstance(error)) {
    io.stderr.write(`${PROGRAM}: error: ${error.message}\n`);
    return 1;
  }
  io.stderr.write(`${PROGRAM}: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
}

function reportCliError(error: CliError, io: CommandIo): ExitCode {
  io.stderr.write(`${PROGRAM}: error: ${error.message}\n`);
  if (error.usageOf !== undefined) {
    const command = [PROGRAM, error.usageOf].filter((part) => part !== '').join(' ');
    io.stderr.write(`Run '${command} --help' for usage.\n`);
  }
  return error.exitCode;
}
