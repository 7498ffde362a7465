import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createAttemptDeadline, runLoggedAttempt } from './notifier-attempt.js';
import { buildAlert, buildNotification } from './testing/builders.js';
import { FakeClock } from './testing/fake-clock.js';

describe('createAttemptDeadline', () => {
  it('aborts after the timeout on the clock, and says so', async () => {
    const clock = new FakeClock(0);
    const caller = new AbortController();
    const deadline = createAttemptDeadline(caller.signal, clock, 1_000, 'x timed out');
    await clock.advance(999);
    expect(deadline.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut).toBe(true);
    expect((deadline.signal.reason as Error).message).toBe('x timed out');
    deadline.dispose();
  });

  it("follows the caller's signal, and lets go of it once disposed", async () => {
    const clock = new FakeClock(0);
    const caller = new AbortController();
    const deadline = createAttemptDeadline(caller.signal, clock, 0, 'unused');
    caller.abort(new Error('shutdown'));
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut).toBe(false);
    expect((deadline.signal.reason as Error).message).toBe('shutdown');

    const other = new AbortController();
    const done = createAttemptDeadline(other.signal, clock, 1_000, 'late');
    done.dispose();
    other.abort();
    await clock.advance(5_000);
    expect(done.signal.aborted).toBe(false);
  });
});

describe('runLoggedAttempt', () => {
  it('logs the outcome with its duration on the clock', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'debug' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const clock = new FakeClock(0);
    const notification = buildNotification([
      buildAlert(),
      buildAlert({ labels: { alertname: 'Other' } }),
    ]);
    const options = { signal: new AbortController().signal, attempt: 2, idempotencyKey: 'k' };
    const result = await runLoggedAttempt(
      'x',
      { clock, logger },
      notification,
      options,
      async () => {
        await clock.advance(250);
        return { ok: false, retryable: true, reason: 'server', statusCode: 502, message: 'bad' };
      },
    );
    expect(result).toMatchObject({ ok: false, statusCode: 502 });
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'x: delivery failed',
        receiver: notification.receiver,
        attempt: 2,
        alerts: notification.alerts.length,
        ok: false,
        statusCode: 502,
        reason: 'server',
        error: 'bad',
        durationMs: 250,
      }),
    ]);
  });
});
