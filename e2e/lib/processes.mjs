// Child processes for the end-to-end suite and the storm benchmark: every process started here is
// remembered, and killed (SIGKILL, by pid) by `stopAll()`, by this process's own exit, and — when
// the vitest worker itself dies — by the global teardown, which reads the pid registry file named
// by PHOENIX_E2E_PID_FILE. Plain JavaScript (with JSDoc types) so that `node bench/storm.mjs` runs
// it without a build step.
import { spawn } from 'node:child_process';
import { appendFileSync, createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * @typedef {object} ManagedProcess
 * @property {string} name
 * @property {number} pid
 * @property {import('node:child_process').ChildProcess} child
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @property {() => boolean} running
 * @property {() => string} output the last 64 KiB of stdout and stderr, interleaved
 * @property {(signal?: NodeJS.Signals, timeoutMs?: number) => Promise<void>} stop
 *   sends `signal` (SIGTERM by default), then SIGKILL after `timeoutMs` (5 000 ms)
 * @property {() => Promise<void>} kill9 SIGKILL now and wait for the exit
 */

/** @type {Set<ManagedProcess>} */
const live = new Set();
const OUTPUT_LIMIT = 64 * 1024;

process.on('exit', () => {
  for (const managed of live) {
    try {
      process.kill(managed.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Starts `command args` with its output kept in memory (and appended to `logFile` if given).
 * The child runs in its own process group so that a terminal's Ctrl-C reaches us first.
 * @param {{ name: string, command: string, args: readonly string[], env?: NodeJS.ProcessEnv,
 *   cwd?: string, logFile?: string }} options
 * @returns {ManagedProcess}
 */
export function startProcess(options) {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined)
    throw new Error(`${options.name}: could not start ${options.command}`);
  const pid = child.pid;
  let output = '';
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  /** @param {Buffer} chunk */
  const keep = (chunk) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    log?.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let isRunning = true;
  /** @type {ManagedProcess} */
  const managed = {
    name: options.name,
    pid,
    child,
    exited: new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        isRunning = false;
        live.delete(managed);
        log?.end();
        resolve({ code, signal });
      });
    }),
    running: () => isRunning,
    output: () => output,
    async stop(signal = 'SIGTERM', timeoutMs = 5_000) {
      if (!isRunning) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await managed.exited;
      clearTimeout(timer);
    },
    async kill9() {
      if (!isRunning) return;
      child.kill('SIGKILL');
      await managed.exited;
    },
  };
  child.on('error', () => {
    // spawn errors surface as an exit with code null; `waitForHttp` reports the output.
  });
  live.add(managed);
  registerPid(pid);
  return managed;
}

/** Kills (SIGKILL) every process started here that is still running, and waits for them. */
export async function stopAll() {
  await Promise.all([...live].map((managed) => managed.kill9()));
}

/** Appends `pid` and its command line to the registry the global teardown reads. */
function registerPid(pid) {
  const file = process.env.PHOENIX_E2E_PID_FILE;
  if (!file) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // exited already
  }
  appendFileSync(file, `${JSON.stringify({ pid, cmdline })}\n`);
}

/**
 * Kills every process in the registry `file` that still runs the command line recorded for it
 * (so that a recycled pid is never hit). Returns the names of what it had to kill.
 * @param {string} file
 * @returns {string[]}
 */
export function killRegistered(file) {
  /** @type {string[]} */
  const killed = [];
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return killed;
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    const { pid, cmdline } = JSON.parse(line);
    let current;
    try {
      current = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (current !== cmdline || cmdline === '') continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(`${pid} ${cmdline.split('\0').join(' ')}`);
    } catch {
      // gone meanwhile
    }
  }
  return killed;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `url` until it answers 200; fails early, with the process's output, if `managed` exits.
 * @param {string} url
 * @param {{ managed?: ManagedProcess, timeoutMs?: number }} [options]
 */
export async function waitForHttp(url, options = {}) {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    if (options.managed && !options.managed.running()) {
      throw new Error(
        `${options.managed.name} exited before ${url} answered:\n${options.managed.output()}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(50);
  }
  throw new Error(
    `${url} not ready after ${options.timeoutMs ?? 30_000} ms (${lastError})` +
      (options.managed ? `:\n${options.managed.output()}` : ''),
  );
}
