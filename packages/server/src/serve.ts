// `phoenix-alerting serve`: run the server until a signal says stop.
import { hostname } from 'node:os';
import { PhoenixError, createLogger } from '@phoenix-alerting/core';
import type { Logger } from 'pino';
import { createServer } from './server.js';
import type { CreateServerOptions, PhoenixServer } from './server.js';

/** Options of {@link serve}. */
export interface ServeOptions {
  /** The configuration file. */
  configFile: string;
  /** `HOST:PORT` to listen on. Default `127.0.0.1:9093`; `:9093` listens on every interface. */
  listen?: string;
  /** Where the SQLite store lives; `:memory:` for none. Default `./data`. */
  dataDir?: string;
  /** Default: `createLogger()` from core. */
  logger?: Logger;
  /** Handle SIGHUP (reload) and SIGTERM/SIGINT (drain and exit). Default true. */
  handleSignals?: boolean;
  /** Called with the exit code once a signal has stopped the server. Default `process.exit`. */
  exit?: (code: number) => void;
  /** Passed on to {@link createServer}. */
  server?: Omit<CreateServerOptions, 'configFile' | 'configText' | 'dataDir' | 'logger'>;
}

/** A running server started by {@link serve}. */
export interface ServeResult {
  server: PhoenixServer;
  /** Where it listens, e.g. `http://127.0.0.1:9093`. */
  address: string;
  /** Stops the server (as SIGTERM does, without exiting) and removes the signal handlers. */
  close(): Promise<void>;
}

export const DEFAULT_LISTEN = '127.0.0.1:9093';

/** Says why `listen` failed in words, for the system errors a user can act on. */
function listenFailure(error: NodeJS.ErrnoException): string | undefined {
  switch (error.code) {
    case 'EADDRINUSE':
      return 'the address is already in use (is another server running?)';
    case 'EACCES':
      return 'permission denied (ports below 1024 need privileges)';
    case 'EADDRNOTAVAIL':
      return 'the address is not available on this machine';
    default:
      return undefined;
  }
}

/** Splits `HOST:PORT` (`[::1]:9093`, `:9093` for every interface). */
export function parseListenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65_535)
    throw new PhoenixError(
      'ERR_CONFIG_INVALID',
      `invalid listen address ${JSON.stringify(text)}: expected HOST:PORT, e.g. 127.0.0.1:9093`,
    );
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? (match[1] === undefined ? '0.0.0.0' : '::') : host, port };
}

/**
 * Starts the reference server on `listen` and keeps it running: SIGHUP reloads the
 * configuration (a bad one is logged and the old one kept), SIGTERM and SIGINT drain the pipeline
 * and exit 0 (a second signal exits 1 at once).
 *
 * @throws ConfigError for an invalid configuration; PhoenixError for a bad listen address.
 */
export async function serve(options: ServeOptions): Promise<ServeResult> {
  const logger = options.logger ?? createLogger();
  const { host, port } = parseListenAddress(options.listen ?? DEFAULT_LISTEN);
  const server = createServer({
    // As Alertmanager: the configured external URL wins; else this host and the port served.
    defaultExternalURL: `http://${hostname()}:${port}`,
    ...options.server,
    configFile: options.configFile,
    dataDir: options.dataDir ?? './data',
    logger,
  });
  let address: string;
  try {
    address = await server.listen({ host, port });
  } catch (error) {
    // e.g. EADDRINUSE: close the store it opened before reporting.
    await server.stop().catch(() => {});
    const reason = (error as NodeJS.ErrnoException).code
      ? listenFailure(error as NodeJS.ErrnoException)
      : undefined;
    if (!reason) throw error;
    throw new PhoenixError(
      'ERR_LISTEN_FAILED',
      `cannot listen on ${options.listen ?? DEFAULT_LISTEN}: ${reason}`,
      {
        cause: error,
      },
    );
  }
  logger.info(
    { address, config: options.configFile, data: options.dataDir ?? './data' },
    `listening on ${address}`,
  );

  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onHangup = () => {
    logger.info('SIGHUP: reloading the configuration');
    server.reload().catch(() => {
      // Already logged by the server with the reason; the old configuration keeps running.
    });
  };
  const onTerminate = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without draining`);
      exit(1);
      return;
    }
    stopping = true;
    logger.info(`${signal}: draining and shutting down`);
    removeHandlers();
    process.once('SIGTERM', onTerminate).once('SIGINT', onTerminate);
    server.stop().then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  const removeHandlers = () => {
    process.off('SIGHUP', onHangup).off('SIGTERM', onTerminate).off('SIGINT', onTerminate);
  };
  if (options.handleSignals ?? true) {
    process.on('SIGHUP', onHangup).on('SIGTERM', onTerminate).on('SIGINT', onTerminate);
  }

  return {
    server,
    address,
    async close() {
      removeHandlers();
      await server.stop();
    },
  };
}

const usage = `usage: phoenix-alerting serve --config FILE [--listen HOST:PORT] [--data DIR]

  --config FILE        configuration file (Alertmanager's alertmanager.yml plus Phoenix's sections)
  --listen HOST:PORT   address to listen on (default ${DEFAULT_LISTEN})
  --data DIR           where the SQLite store lives, ':memory:' for none (default ./data)`;

const flagNames: Record<string, 'configFile' | 'listen' | 'dataDir'> = {
  '--config': 'configFile',
  '--config.file': 'configFile',
  '--listen': 'listen',
  '--web.listen-address': 'listen',
  '--data': 'dataDir',
  '--storage.path': 'dataDir',
};

/**
 * Reads `serve`'s arguments: `--config FILE`, `--listen HOST:PORT`, `--data DIR`, also as
 * `--flag=value`, and Alertmanager's `--config.file`, `--web.listen-address`, `--storage.path`.
 * `argv` excludes the command itself (`process.argv.slice(3)` for `phoenix-alerting serve …`).
 *
 * @throws PhoenixError `ERR_CONFIG_INVALID` with the usage text for a missing `--config`, an
 *   unknown flag, a flag without its value, or an invalid listen address.
 */
export function parseServeArgs(argv: readonly string[]): ServeOptions {
  const fail = (message: string): never => {
    throw new PhoenixError('ERR_CONFIG_INVALID', `${message}\n\n${usage}`);
  };
  const values: Partial<Record<'configFile' | 'listen' | 'dataDir', string>> = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    const equals = arg.indexOf('=');
    const flag = arg.startsWith('--') && equals > 0 ? arg.slice(0, equals) : arg;
    const key = flagNames[flag];
    if (key === undefined)
      fail(
        arg.startsWith('-') ? `unknown flag ${arg}` : `unexpected argument ${JSON.stringify(arg)}`,
      );
    let value: string | undefined;
    if (flag !== arg) value = arg.slice(equals + 1);
    else {
      value = argv[index + 1];
      if (value === undefined || value.startsWith('--')) fail(`${flag} needs a value`);
      index++;
    }
    if (value === '') fail(`${flag} needs a value`);
    values[key!] = value;
  }
  if (values.configFile === undefined) fail('missing --config FILE');
  const options: ServeOptions = { configFile: values.configFile! };
  if (values.listen !== undefined) {
    try {
      parseListenAddress(values.listen);
    } catch (error) {
      fail((error as Error).message);
    }
    options.listen = values.listen;
  }
  if (values.dataDir !== undefined) options.dataDir = values.dataDir;
  return options;
}

/** The text `parseServeArgs` appends to its errors. */
export const serveUsage = usage;
