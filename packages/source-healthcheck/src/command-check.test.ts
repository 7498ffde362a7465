import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { commandCheck } from './command-check.js';
import { createHealthCheckSource } from './healthcheck-source.js';
import type { CommandCheckConfig } from './options.js';
import { createHarness } from './test-kit.js';

const run = (
  config: Omit<CommandCheckConfig, 'type' | 'name'>,
  signal = new AbortController().signal,
) => commandCheck({ type: 'command', name: 'cmd', ...config })(signal);

/** Running, not gone nor a zombie waiting for a reaper (the container's init may never reap). */
const isAlive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('command check', () => {
  it('passes on an expected exit code and keeps the output', async () => {
    expect(await run({ command: ['/bin/sh', '-c', 'echo all good'] })).toEqual({
      ok: true,
      message: '/bin/sh exited with 0',
      output: 'all good',
    });
    expect(await run({ command: ['/bin/sh', '-c', 'exit 3'], expectedExitCodes: [0, 3] })).toEqual({
      ok: true,
      message: '/bin/sh exited with 3',
    });
  });

  it('fails on another exit code, with stdout and stderr on the result', async () => {
    expect(
      await run({
        command: ['/bin/sh', '-c', 'echo checking; echo "replica lag 42s" >&2; exit 2'],
      }),
    ).toEqual({
      ok: false,
      message: '/bin/sh exited with 2, expected 0',
      output: 'checking\nreplica lag 42s',
    });
  });

  it('runs argv without a shell: metacharacters are plain arguments', async () => {
    expect(await run({ command: ['/bin/echo', '$HOME', '&&', 'rm', '-rf', '/'] })).toMatchObject({
      ok: true,
      output: '$HOME && rm -rf /',
    });
  });

  it('keeps the end of long output, at most maxOutputBytes', async () => {
    const result = await run({
      command: ['/bin/sh', '-c', 'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done'],
      maxOutputBytes: 64,
    });
    expect(result.output).toMatch(/^…\(\d+ bytes cut\) /);
    expect(result.output).toContain('line 1999');
    expect(
      Buffer.byteLength(result.output!.replace(/^…\(\d+ bytes cut\) /, '')),
    ).toBeLessThanOrEqual(64);
  });

  it('passes cwd and env', async () => {
    expect(
      await run({
        command: ['/bin/sh', '-c', 'echo "$PROBE_TARGET in $(pwd)"'],
        cwd: '/tmp',
        env: { PROBE_TARGET: 'db-1' },
      }),
    ).toMatchObject({ output: 'db-1 in /tmp' });
  });

  it('fails when the program cannot be started', async () => {
    expect(await run({ command: ['/nonexistent/probe'] })).toEqual({
      ok: false,
      message: 'cannot run /nonexistent/probe: spawn /nonexistent/probe ENOENT',
    });
  });

  it('reports a program killed by a signal', async () => {
    expect(await run({ command: ['/bin/sh', '-c', 'kill -9 $$'] })).toEqual({
      ok: false,
      message: '/bin/sh was killed by SIGKILL',
    });
  });

  it('kills the whole process group on abort, children included', async () => {
    const controller = new AbortController();
    const pidFile = join(tmpdir(), `healthcheck-sleeper-${process.pid}`);
    rmSync(pidFile, { force: true });
    const pending = run(
      {
        command: [
          '/bin/sh',
          '-c',
          'sleep 300 & echo $! > "$1.tmp"; mv "$1.tmp" "$1"; wait',
          'sh',
          pidFile,
        ],
      },
      controller.signal,
    );
    // Wait until the shell has started its child (a real process, so this polls).
    await vi.waitFor(() => expect(existsSync(pidFile)).toBe(true), { timeout: 10_000 });
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    rmSync(pidFile);
    expect(isAlive(sleeper)).toBe(true);
    controller.abort();
    expect(await pending).toEqual({ ok: false, message: '/bin/sh: aborted' });
    // SIGKILL is delivered asynchronously: wait for the kernel to finish the process.
    await vi.waitFor(() => expect(isAlive(sleeper)).toBe(false), { timeout: 5_000 });
  });

  it('as a source: a command past its timeout is killed and the check fails', async () => {
    const marker = join(tmpdir(), `healthcheck-started-${process.pid}`);
    rmSync(marker, { force: true });
    const source = createHealthCheckSource({
      checks: [
        {
          type: 'command',
          name: 'replication',
          command: ['/bin/sh', '-c', 'echo started; touch "$1"; sleep 300', 'sh', marker],
          timeoutMs: 5_000,
          intervalMs: 30_000,
          failureThreshold: 1,
          labels: { severity: 'warning' },
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.clock.advance(0);
    // The command has printed (a real process: poll for its marker, then let one I/O phase pass
    // so the line written before the marker is read), then its 5 s run out on the clock.
    await vi.waitFor(() => expect(existsSync(marker)).toBe(true), { timeout: 10_000 });
    await new Promise((resolve) => setImmediate(resolve));
    await h.step(source, 5_000);
    rmSync(marker);
    expect(source.status()[0]).toMatchObject({
      state: 'firing',
      lastResult: { ok: false, message: 'timed out after 5s', output: 'started' },
    });
    expect(h.emitted[0]).toMatchObject({
      labels: { alertname: 'replication', healthcheck: 'replication', severity: 'warning' },
      // What the command printed before it was killed.
      annotations: { failure: 'timed out after 5s', output: 'started' },
    });
    await source.stop();
  });
});
