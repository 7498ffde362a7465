import { PassThrough, Writable } from 'node:stream';
import { buildAlert, buildNotification } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { consoleConfigSchema, createConsoleNotifier } from './console-notifier.js';
import { buildWebhookMessage, encodeWebhookMessage } from './payload.js';

const T0 = Date.UTC(2024, 0, 1);
const notification = buildNotification(
  [
    buildAlert({
      labels: { alertname: 'HighLatency', instance: 'a:9090' },
      annotations: { summary: 'p99 above 1s\non the API' },
      startsAt: T0,
    }),
    buildAlert({
      labels: { alertname: 'HighLatency', instance: 'b:9090' },
      annotations: { description: 'no summary here' },
      startsAt: T0,
      endsAt: T0 + 60_000,
    }),
  ],
  {
    receiver: 'team-web',
    groupKey: '{}:{alertname="HighLatency"}',
    timestamp: T0 + 120_000,
  },
);

function collect(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const send = (notifier: ReturnType<typeof createConsoleNotifier>) =>
  notifier.notify(notification, {
    signal: new AbortController().signal,
    attempt: 1,
    idempotencyKey: 'test-key',
  });

describe('createConsoleNotifier', () => {
  it('prints one readable block per notification', async () => {
    const out = collect();
    const notifier = createConsoleNotifier({ stream: out.stream });
    expect(notifier).toMatchObject({ name: 'console', sendResolved: true });
    expect(await send(notifier)).toEqual({ ok: true });
    expect(out.text()).toBe(
      [
        '[FIRING:1, 1 resolved] receiver=team-web groupKey={}:{alertname="HighLatency"}',
        '  firing    {alertname="HighLatency", instance="a:9090"} since 2024-01-01T00:00:00Z',
        '            summary: p99 above 1s on the API',
        '  resolved  {alertname="HighLatency", instance="b:9090"} resolved 2024-01-01T00:01:00Z',
        '            summary: no summary here',
        '',
        '',
      ].join('\n'),
    );
  });

  it("prints Alertmanager's webhook JSON, one line each, in the json format", async () => {
    const out = collect();
    const notifier = createConsoleNotifier({
      stream: out.stream,
      format: 'json',
      externalURL: 'http://phoenix:9093',
    });
    await send(notifier);
    await send(notifier);
    const line = encodeWebhookMessage(
      buildWebhookMessage(notification, { externalURL: 'http://phoenix:9093' }),
    );
    expect(out.text()).toBe(line + line);
  });

  it('reports sendResolved and rejects unknown formats', () => {
    expect(createConsoleNotifier({ sendResolved: false }).sendResolved).toBe(false);
    expect(() => createConsoleNotifier({ format: 'yaml' as never })).toThrow(
      /invalid console notifier options:\n {2}- format: /,
    );
  });

  it('waits for a full stream to drain, and gives up when canceled', async () => {
    const stream = new PassThrough({ highWaterMark: 1 });
    const notifier = createConsoleNotifier({ stream });
    let done = false;
    const first = send(notifier).then((result) => {
      done = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    stream.resume();
    expect(await first).toEqual({ ok: true });

    stream.pause();
    const controller = new AbortController();
    const pending = notifier.notify(notification, {
      signal: controller.signal,
      attempt: 1,
      idempotencyKey: 'test-key',
    });
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, reason: 'canceled', retryable: false });
  });
});

describe('consoleConfigSchema', () => {
  it('defaults to text with send_resolved, and rejects unknown keys', () => {
    expect(consoleConfigSchema.parse({})).toEqual({ send_resolved: true, format: 'text' });
    expect(consoleConfigSchema.parse({ format: 'json', send_resolved: false })).toEqual({
      send_resolved: false,
      format: 'json',
    });
    expect(consoleConfigSchema.safeParse({ colour: true }).success).toBe(false);
  });

  it('reads send_resolved as Alertmanager does: YAML 1.1 words, and null as false', () => {
    expect(consoleConfigSchema.parse({ send_resolved: 'off' }).send_resolved).toBe(false);
    expect(consoleConfigSchema.parse({ send_resolved: 'YES' }).send_resolved).toBe(true);
    expect(consoleConfigSchema.parse({ send_resolved: null }).send_resolved).toBe(false);
    expect(consoleConfigSchema.safeParse({ send_resolved: 'maybe' }).success).toBe(false);
  });
});
