// Starting the systems under test as real processes: the Phoenix reference server, the real
// Alertmanager 0.25 and Prometheus 2.42 (Debian's binaries).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, waitForHttp } from './processes.mjs';

export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const serveScript = fileURLToPath(new URL('./serve-phoenix.mjs', import.meta.url));

/** @param {string} name */
export function findOnPath(name) {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (directory && existsSync(join(directory, name))) return join(directory, name);
  }
  return undefined;
}

/** Debian names the binary prometheus-alertmanager; upstream tarballs name it alertmanager. */
export function alertmanagerBinary() {
  return (
    process.env.ALERTMANAGER_BIN ??
    findOnPath('prometheus-alertmanager') ??
    findOnPath('alertmanager')
  );
}

export function amtoolBinary() {
  return process.env.AMTOOL_BIN ?? findOnPath('amtool') ?? '/usr/bin/amtool';
}

export function prometheusBinary() {
  return process.env.PROMETHEUS_BIN ?? findOnPath('prometheus') ?? '/usr/bin/prometheus';
}

/**
 * @typedef {object} PhoenixCommand
 * @property {string[]} argsBeforeOptions node arguments up to (not including) `--config …`
 * @property {string} description what was found, for logs and the README
 */

/** @type {PhoenixCommand | undefined | null} */
let resolvedPhoenix = null;

/**
 * How to run `serve` of the built Phoenix packages, in order of preference:
 * 1. `packages/cli/dist/main.js serve` when the built CLI knows `serve`;
 * 2. the server package's own `bin`, if it declares one;
 * 3. `lib/serve-phoenix.mjs`, which imports `serve` from `packages/server/dist/index.js`.
 * Returns undefined when none is built.
 * @returns {PhoenixCommand | undefined}
 */
export function resolvePhoenixCommand() {
  if (resolvedPhoenix !== null) return resolvedPhoenix;
  resolvedPhoenix = undefined;
  const cliMain = join(repositoryRoot, 'packages/cli/dist/main.js');
  if (existsSync(cliMain)) {
    const help = spawnSync(process.execPath, [cliMain, 'serve', '--help'], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    if (help.status === 0 && /--listen/.test(help.stdout + help.stderr)) {
      resolvedPhoenix = {
        argsBeforeOptions: [cliMain, 'serve'],
        description: 'node packages/cli/dist/main.js serve',
      };
      return resolvedPhoenix;
    }
  }
  const serverPackage = join(repositoryRoot, 'packages/server/package.json');
  if (existsSync(serverPackage)) {
    const manifest = JSON.parse(readFileSync(serverPackage, 'utf8'));
    const bin =
      typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
    if (typeof bin === 'string' && existsSync(join(repositoryRoot, 'packages/server', bin))) {
      resolvedPhoenix = {
        argsBeforeOptions: [join(repositoryRoot, 'packages/server', bin)],
        description: `node packages/server/${bin}`,
      };
      return resolvedPhoenix;
    }
  }
  if (existsSync(join(repositoryRoot, 'packages/server/dist/index.js'))) {
    resolvedPhoenix = {
      argsBeforeOptions: [serveScript],
      description: 'node e2e/lib/serve-phoenix.mjs (serve() from packages/server/dist)',
    };
  }
  return resolvedPhoenix;
}

/**
 * @typedef {object} RunningSystem
 * @property {'phoenix' | 'alertmanager'} kind
 * @property {string} name
 * @property {string} url base URL, no trailing slash
 * @property {number} port
 * @property {string} dataDir
 * @property {import('./processes.mjs').ManagedProcess} process
 * @property {() => Promise<void>} stop SIGTERM, then SIGKILL after 5 s
 * @property {() => Promise<void>} kill9
 * @property {() => Promise<void>} restart start again on the same port and data directory
 */

/**
 * @param {{ kind: 'phoenix' | 'alertmanager', configFile: string, dataDir: string,
 *   port?: number, name?: string, logFile?: string, nodeOptions?: string[],
 *   env?: NodeJS.ProcessEnv, readyTimeoutMs?: number }} options
 * @returns {Promise<RunningSystem>}
 */
export async function startSystem(options) {
  const port = options.port ?? (await freePort());
  mkdirSync(options.dataDir, { recursive: true });
  const name = options.name ?? options.kind;
  const url = `http://127.0.0.1:${port}`;
  /** @returns {{ command: string, args: string[] }} */
  const commandLine = () => {
    if (options.kind === 'alertmanager') {
      const binary = alertmanagerBinary();
      if (!binary) throw new Error('prometheus-alertmanager (or alertmanager) is not on the PATH');
      return {
        command: binary,
        args: [
          `--config.file=${options.configFile}`,
          `--storage.path=${options.dataDir}`,
          `--web.listen-address=127.0.0.1:${port}`,
          // HA mode off: no gossip port, no settle wait before the first notification.
          '--cluster.listen-address=',
        ],
      };
    }
    const phoenix = resolvePhoenixCommand();
    if (!phoenix) {
      throw new Error(
        'the Phoenix server is not built: run `pnpm build` (needs packages/cli/dist with `serve`, ' +
          'or packages/server/dist exporting serve)',
      );
    }
    return {
      command: process.execPath,
      args: [
        ...(options.nodeOptions ?? []),
        ...phoenix.argsBeforeOptions,
        '--config',
        options.configFile,
        '--listen',
        `127.0.0.1:${port}`,
        '--data',
        options.dataDir,
      ],
    };
  };
  const launch = async () => {
    const { command, args } = commandLine();
    const managed = startProcess({
      name,
      command,
      args,
      env: options.env,
      logFile: options.logFile,
    });
    await waitForHttp(`${url}/-/ready`, {
      managed,
      timeoutMs: options.readyTimeoutMs ?? 30_000,
    });
    return managed;
  };
  /** @type {RunningSystem} */
  const system = {
    kind: options.kind,
    name,
    url,
    port,
    dataDir: options.dataDir,
    process: await launch(),
    stop: () => system.process.stop(),
    kill9: () => system.process.kill9(),
    async restart() {
      await system.process.stop();
      system.process = await launch();
    },
  };
  return system;
}

/**
 * Prometheus 2.42 with 1 s scrape and evaluation intervals, sending to `alertmanagers`
 * (host:port, API v2).
 * @param {{ rulesFile: string, alertmanagers: string[], dir: string, logFile?: string,
 *   externalLabels?: Record<string, string> }} options
 */
export async function startPrometheus(options) {
  const port = await freePort();
  const configFile = join(options.dir, 'prometheus.yml');
  const externalLabels = Object.entries(options.externalLabels ?? {})
    .map(([key, value]) => `    ${key}: ${JSON.stringify(value)}\n`)
    .join('');
  const config =
    'global:\n' +
    '  scrape_interval: 1s\n' +
    '  evaluation_interval: 1s\n' +
    (externalLabels ? `  external_labels:\n${externalLabels}` : '') +
    'rule_files:\n' +
    `  - ${JSON.stringify(options.rulesFile)}\n` +
    'alerting:\n' +
    '  alertmanagers:\n' +
    '    - api_version: v2\n' +
    '      static_configs:\n' +
    `        - targets: [${options.alertmanagers.map((target) => JSON.stringify(target)).join(', ')}]\n` +
    'scrape_configs:\n' +
    '  - job_name: prometheus\n' +
    `    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`;
  writeFileSync(configFile, config);
  mkdirSync(join(options.dir, 'tsdb'), { recursive: true });
  const managed = startProcess({
    name: 'prometheus',
    command: prometheusBinary(),
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(options.dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Resend firing alerts every second instead of every minute.
      '--rules.alert.resend-delay=1s',
    ],
    logFile: options.logFile,
  });
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`, { managed, timeoutMs: 30_000 });
  return { process: managed, port, url: `http://127.0.0.1:${port}`, configFile };
}
