import { spawn } from 'node:child_process';
import type { CheckResult, CheckRunner } from './check-result.js';
import { defaults } from './options.js';
import type { CommandCheckConfig } from './options.js';

/** Keeps the last `limit` bytes written, and counts what it dropped. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  dropped = 0;

  constructor(private readonly limit: number) {}

  write(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > 2 * this.limit) this.compact();
  }

  private compact(): void {
    const all = Buffer.concat(this.chunks);
    const keep = all.subarray(Math.max(0, all.length - this.limit));
    this.dropped += all.length - keep.length;
    this.chunks = [keep];
    this.size = keep.length;
  }

  text(): string {
    this.compact();
    const text = Buffer.concat(this.chunks).toString('utf8').trim();
    return this.dropped > 0 ? `…(${this.dropped} bytes cut) ${text}` : text;
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // The child leads its own process group (`detached`), so this also reaches what it started.
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Builds the run of a `command` check: the program runs without a shell in a process group of
 * its own; on abort (timeout, stop) the whole group is killed. Stdout and stderr are kept
 * together, their end truncated to `maxOutputBytes`.
 */
export function commandCheck(config: CommandCheckConfig): CheckRunner {
  const [program, ...args] = config.command as [string, ...string[]];
  const expected = config.expectedExitCodes ?? [0];
  const limit = config.maxOutputBytes ?? defaults.maxOutputBytes;
  return (signal) =>
    new Promise<CheckResult>((resolve) => {
      if (signal.aborted) return resolve({ ok: false, message: `${program}: aborted` });
      const output = new TailBuffer(limit);
      const child = spawn(program, args, {
        cwd: config.cwd,
        env: config.env ? { ...process.env, ...config.env } : process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const withOutput = (result: CheckResult): CheckResult => {
        const text = output.text();
        return text === '' ? result : { ...result, output: text };
      };
      // Settles at once with what was printed so far: a process the kernel cannot end yet (stuck
      // in I/O) must not hold up the check's next runs.
      const onAbort = () => {
        killGroup(child.pid);
        resolve(withOutput({ ok: false, message: `${program}: aborted` }));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (chunk: Buffer) => output.write(chunk));
      child.stderr.on('data', (chunk: Buffer) => output.write(chunk));
      let spawnError: Error | undefined;
      child.once('error', (error) => {
        spawnError = error;
        // A program that could not start may never report `close`.
        if (child.pid === undefined) {
          signal.removeEventListener('abort', onAbort);
          resolve({ ok: false, message: `cannot run ${program}: ${error.message}` });
        }
      });
      // Left-over background processes would hold the pipes open: end the group with its leader.
      child.once('exit', () => killGroup(child.pid));
      child.once('close', (code, killedBy) => {
        signal.removeEventListener('abort', onAbort);
        if (spawnError)
          return resolve({ ok: false, message: `cannot run ${program}: ${spawnError.message}` });
        if (signal.aborted)
          return resolve(withOutput({ ok: false, message: `${program}: aborted` }));
        if (code === null)
          return resolve(
            withOutput({ ok: false, message: `${program} was killed by ${killedBy}` }),
          );
        const ok = expected.includes(code);
        resolve(
          withOutput({
            ok,
            message: ok
              ? `${program} exited with ${code}`
              : `${program} exited with ${code}, expected ${expected.join(' or ')}`,
          }),
        );
      });
    });
}
