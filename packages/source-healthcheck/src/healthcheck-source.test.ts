import { ConfigError, createPipeline, createLogger } from '@phoenix-alerting/core';
import type { Notification, Notifier } from '@phoenix-alerting/core';
import { createMemoryStore } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createHealthCheckSource } from './healthcheck-source.js';
import type { FunctionCheckResult } from './options.js';
import { createHarness } from './test-kit.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A function check whose answers the test sets; counts its calls. */
function scripted(initial: FunctionCheckResult = true) {
  const script = { answer: initial, calls: 0 };
  const run = async () => {
    script.calls++;
    return script.answer;
  };
  return { script, run };
}

describe('createHealthCheckSource', () => {
  it('fires after failureThreshold consecutive failures, with the configured labels', async () => {
    const { script, run } = scripted(false);
    const source = createHealthCheckSource({
      name: 'agents',
      checks: [
        {
          type: 'function',
          name: 'agent-health',
          alertname: 'AgentUnhealthy',
          run,
          intervalMs: 10_000,
          failureThreshold: 3,
          labels: { severity: 'critical', team: 'backend' },
          annotations: { runbook_url: 'docs/runbooks/agent_unhealthy.md' },
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.step(source, 0); // run 1 at T0
    await h.step(source, 10_000); // run 2
    expect(h.emitted).toEqual([]);
    expect(source.status()[0]).toMatchObject({ state: 'failing', consecutiveFailures: 2 });
    await h.step(source, 10_000); // run 3 fires
    expect(script.calls).toBe(3);
    expect(h.emitted).toEqual([
      {
        labels: {
          severity: 'critical',
          team: 'backend',
          alertname: 'AgentUnhealthy',
          healthcheck: 'agent-health',
        },
        annotations: {
          summary: 'Health check agent-health is failing',
          failure: 'check failed',
          runbook_url: 'docs/runbooks/agent_unhealthy.md',
        },
        // The streak began with the first failed run.
        startsAt: T0,
        // 4 × max(resend interval 1m, interval 10s), as Prometheus' ValidUntil.
        endsAt: T0 + 20_000 + 4 * 60_000,
      },
    ]);
    expect(source.status()[0]).toMatchObject({ state: 'firing', failingSince: T0 });
    await source.stop();
  });

  it('never fires a flapping check (fail/ok alternating, threshold 3)', async () => {
    let calls = 0;
    const source = createHealthCheckSource({
      checks: [
        {
          type: 'function',
          name: 'flappy',
          run: () => ++calls % 2 === 0,
          intervalMs: 1_000,
          failureThreshold: 3,
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    for (let i = 0; i < 100; i++) await h.step(source, i === 0 ? 0 : 1_000);
    expect(calls).toBe(100);
    expect(h.emitted).toEqual([]);
    expect(source.status()[0]!.consecutiveFailures).toBeLessThanOrEqual(1);
    await source.stop();
  });

  it('re-sends at the resend interval and resolves after successThreshold successes', async () => {
    const { script, run } = scripted({ ok: false, value: 0.5, message: 'score 0.5' });
    const source = createHealthCheckSource({
      resendIntervalMs: 60_000,
      checks: [
        {
          type: 'function',
          name: 'c',
          run,
          intervalMs: 30_000,
          failureThreshold: 1,
          successThreshold: 2,
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.step(source, 0); // fires at T0
    await h.step(source, 30_000); // 30 s since sent: no resend
    expect(h.emitted.map((alert) => alert.endsAt)).toEqual([T0 + 240_000]);
    await h.step(source, 30_000); // 60 s since sent: resend
    expect(h.emitted.map((alert) => alert.endsAt)).toEqual([T0 + 240_000, T0 + 60_000 + 240_000]);
    expect(h.emitted[1]).toMatchObject({
      startsAt: T0,
      annotations: { value: '0.5', failure: 'score 0.5' },
    });

    script.answer = true;
    await h.step(source, 30_000); // one success: still firing
    expect(source.status()[0]).toMatchObject({ state: 'firing', consecutiveSuccesses: 1 });
    await h.step(source, 30_000); // two: resolved at once
    expect(h.emitted).toHaveLength(3);
    expect(h.emitted[2]).toMatchObject({
      labels: { alertname: 'c', healthcheck: 'c' },
      startsAt: T0,
      endsAt: T0 + 120_000,
      annotations: { failure: 'score 0.5' },
    });
    expect(source.status()[0]!.state).toBe('ok');
    await h.step(source, 300_000);
    expect(h.emitted).toHaveLength(3);
    await source.stop();
  });

  it('a success below successThreshold keeps it firing; the next failure starts no new alert', async () => {
    const { script, run } = scripted(false);
    const source = createHealthCheckSource({
      checks: [
        {
          type: 'function',
          name: 'c',
          run,
          intervalMs: 60_000,
          failureThreshold: 1,
          successThreshold: 3,
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.step(source, 0);
    script.answer = true;
    await h.step(source, 60_000);
    script.answer = false;
    await h.step(source, 60_000);
    expect(h.emitted.every((alert) => alert.startsAt === T0)).toBe(true);
    expect(h.emitted.every((alert) => Number(alert.endsAt) > T0 + 120_000)).toBe(true);
    await source.stop();
  });

  it('times a run out at timeoutMs and counts it as a failure', async () => {
    const source = createHealthCheckSource({
      checks: [
        {
          type: 'function',
          name: 'hangs',
          // Settles only when aborted.
          run: (signal) =>
            new Promise((_, reject) =>
              signal.addEventListener('abort', () => reject(signal.reason)),
            ),
          intervalMs: 10_000,
          timeoutMs: 2_000,
          failureThreshold: 1,
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.clock.advance(1_999);
    expect(source.status()[0]!.lastResult).toBeUndefined();
    await h.step(source, 1);
    expect(source.status()[0]).toMatchObject({
      state: 'firing',
      lastDurationMs: 2_000,
      lastResult: { ok: false, message: 'timed out after 2s' },
    });
    expect(h.emitted[0]!.annotations!.failure).toBe('timed out after 2s');
    await source.stop();
  });

  it('never overlaps a check with itself: a run that ignores the abort makes the next ones skip', async () => {
    let release!: () => void;
    let calls = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const source = createHealthCheckSource({
      checks: [
        {
          type: 'function',
          name: 'stubborn',
          run: async () => {
            calls++;
            maxConcurrent = Math.max(maxConcurrent, ++concurrent);
            if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
            concurrent--;
            return true;
          },
          intervalMs: 5_000,
          timeoutMs: 1_000,
          failureThreshold: 1,
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.step(source, 1_000); // run 1 times out (its work goes on)
    await h.step(source, 4_000); // run 2 due: skipped
    await h.step(source, 5_000); // run 3 due: skipped
    expect(calls).toBe(1);
    release();
    await h.step(source, 5_000); // run 4 runs
    expect(calls).toBe(2);
    expect(maxConcurrent).toBe(1);
    // The timed-out run counted as a failure (fired); run 4's success resolved it.
    expect(h.emitted.map((alert) => alert.endsAt)).toEqual([expect.any(Number), T0 + 15_000]);
    expect(source.status()[0]!.state).toBe('ok');
    await source.stop();
  });

  it('a check that throws fails with the error message', async () => {
    const source = createHealthCheckSource({
      checks: [
        {
          type: 'function',
          name: 'throws',
          run: () => {
            throw new Error('database unreachable');
          },
          failureThreshold: 1,
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.step(source, 0);
    expect(h.emitted[0]!.annotations!.failure).toBe('database unreachable');
    await source.stop();
  });

  it('stop aborts a running check, waits for it and emits nothing afterwards', async () => {
    let aborted: unknown;
    let started = 0;
    const source = createHealthCheckSource({
      checks: [
        {
          type: 'function',
          name: 'slow',
          run: (signal) =>
            new Promise((resolve) => {
              started++;
              signal.addEventListener('abort', () => {
                aborted = signal.reason;
                resolve(false);
              });
            }),
          failureThreshold: 1,
          timeoutMs: 10_000,
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.clock.advance(1_000);
    expect(started).toBe(1);
    await source.stop();
    expect(aborted).toBeInstanceOf(Error);
    expect(String(aborted)).toContain('stopped');
    expect(h.emitted).toEqual([]);
    expect(source.status()[0]!.lastResult).toBeUndefined();
    expect(h.clock.pendingTimers).toBe(0);
    await h.clock.advance(600_000);
    expect(started).toBe(1);
    await source.stop(); // once only
  });

  it('stop gives up waiting at the deadline when a check ignores the abort', async () => {
    const source = createHealthCheckSource({
      checks: [{ type: 'function', name: 'deaf', run: () => new Promise<boolean>(() => {}) }],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.clock.advance(0);
    const controller = new AbortController();
    const stopped = source.stop({ deadline: h.clock.now() + 1_000, signal: controller.signal });
    controller.abort();
    await expect(stopped).resolves.toBeUndefined();
  });

  it('keeps counters across a restart through the store kv', async () => {
    const store = createMemoryStore();
    const { script, run } = scripted(false);
    const options = {
      name: 'hc',
      checks: [
        { type: 'function' as const, name: 'c', run, intervalMs: 10_000, failureThreshold: 3 },
      ],
    };
    const first = createHealthCheckSource(options);
    const h1 = createHarness({ store });
    await first.start(h1.context);
    await h1.step(first, 0);
    await h1.step(first, 10_000);
    await first.stop();
    expect(await store.kv!.get('healthcheck:hc', 'c')).toMatchObject({
      failures: 2,
      failingSince: T0,
    });

    // Restarted a minute later: one more failure fires, with the original start.
    const second = createHealthCheckSource(options);
    const h2 = createHarness({ store, start: T0 + 60_000 });
    await second.start(h2.context);
    await h2.step(second, 0);
    expect(script.calls).toBe(3);
    expect(h2.emitted).toHaveLength(1);
    expect(h2.emitted[0]!.startsAt).toBe(T0);
    await second.stop();
  });

  it('resolves, at start, the alert of a check that was removed or relabelled while firing', async () => {
    const store = createMemoryStore();
    const failing = { type: 'function' as const, run: () => false, failureThreshold: 1 };
    const first = createHealthCheckSource({
      checks: [
        { ...failing, name: 'gone' },
        { ...failing, name: 'relabelled', labels: { severity: 'warning' } },
      ],
    });
    const h1 = createHarness({ store });
    await first.start(h1.context);
    await h1.step(first, 0);
    await first.stop();
    expect(h1.emitted).toHaveLength(2);

    const second = createHealthCheckSource({
      checks: [{ ...failing, name: 'relabelled', labels: { severity: 'critical' } }],
    });
    const h2 = createHarness({ store, start: T0 + 5_000 });
    await second.start(h2.context);
    expect(h2.emitted).toEqual([
      expect.objectContaining({
        labels: expect.objectContaining({ healthcheck: 'gone' }),
        endsAt: T0 + 5_000,
      }),
      expect.objectContaining({
        labels: expect.objectContaining({ healthcheck: 'relabelled', severity: 'warning' }),
        endsAt: T0 + 5_000,
      }),
    ]);
    expect((await store.kv!.list('healthcheck:healthcheck')).map((entry) => entry.key)).toEqual([
      'relabelled',
    ]);
    // The relabelled check kept its count: its next failure fires with the new labels.
    await h2.step(second, 0);
    expect(h2.emitted[2]).toMatchObject({ labels: { severity: 'critical' }, startsAt: T0 });
    await second.stop();
  });

  it('without a store kv, state lives in memory', async () => {
    const store = { ...createMemoryStore(), kv: undefined };
    const source = createHealthCheckSource({
      checks: [{ type: 'function', name: 'c', run: () => false, failureThreshold: 1 }],
    });
    const h = createHarness({ store });
    await source.start(h.context);
    await h.step(source, 0);
    expect(h.emitted).toHaveLength(1);
    await source.stop();
  });

  it('retries a send the pipeline refused at the next run', async () => {
    let refuse = true;
    const sent: number[] = [];
    const h = createHarness({
      emit: async (alerts) => {
        if (refuse) throw new Error('pipeline stopped');
        sent.push(...alerts.map((alert) => Number(alert.startsAt)));
        return { accepted: alerts.length, rejected: [] };
      },
    });
    const source = createHealthCheckSource({
      checks: [
        { type: 'function', name: 'c', run: () => false, failureThreshold: 1, intervalMs: 10_000 },
      ],
    });
    await source.start(h.context);
    await h.step(source, 0);
    refuse = false;
    await h.step(source, 10_000);
    expect(sent).toEqual([T0]);
    await source.stop();
  });

  it('sends its alerts through a real pipeline to a receiver', async () => {
    const delivered: Notification[] = [];
    const notifier: Notifier = {
      name: 'recorder',
      sendResolved: true,
      async notify(notification) {
        delivered.push(notification);
        return { ok: true };
      },
    };
    const h = createHarness();
    const { script, run } = scripted(false);
    const source = createHealthCheckSource({
      checks: [{ type: 'function', name: 'api', run, failureThreshold: 1, intervalMs: 10_000 }],
    });
    const pipeline = createPipeline({
      sources: [source],
      receivers: { default: [notifier] },
      clock: h.clock,
      logger: createLogger({ level: 'silent' }),
    });
    await pipeline.start();
    await h.step(source, 0);
    script.answer = true;
    await h.step(source, 10_000);
    await h.clock.advance(0);
    await pipeline.stop();
    expect(
      delivered.map((n) => n.alerts.map((alert) => [alert.labels.alertname, alert.endsAt])),
    ).toEqual([[['api', T0 + 240_000]], [['api', T0 + 10_000]]]);
  });

  it('rejects bad options with one ConfigError naming every path', () => {
    const error = (() => {
      try {
        createHealthCheckSource({
          checks: [
            { type: 'function', name: 'a', run: () => true, failureThreshold: 0 },
            { type: 'function', name: 'a', run: () => true, intervalMs: 1_000, timeoutMs: 5_000 },
            { type: 'tcp', name: 'b', address: 'no-port' },
            {
              type: 'http',
              name: 'c',
              url: 'ftp://x',
              bodyMatches: '(?<x>a)',
              expectedStatus: ['2xx', 'abc'],
            },
            { type: 'score', name: 'd', read: () => 1 },
          ],
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('invalid source-healthcheck options');
    expect(message).toContain('checks[0].failureThreshold: must be at least 1');
    expect(message).toContain('checks[1].name: duplicate check name "a"');
    expect(message).toContain(
      'checks[1].timeoutMs: the timeout (5s) must not exceed the interval (1s)',
    );
    expect(message).toContain('checks[2].address: address "no-port" must be host:port');
    expect(message).toContain('checks[3].url: unsupported scheme ftp:');
    expect(message).toContain('checks[3].bodyMatches: error parsing regexp');
    expect(message).toContain(
      'checks[3].expectedStatus: expected status [1] "abc" is not a status code',
    );
    expect(message).toContain('checks[4]: a score check needs a threshold');
  });
});
