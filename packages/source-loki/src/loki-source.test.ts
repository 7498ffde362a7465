import { ConfigError } from '@phoenix-alerting/core';
import { FakeClock } from '@phoenix-alerting/core/testing';
import { eventually, startFakeApi, testContext } from '@phoenix-alerting/source-prometheus/testing';
import type { FakeApi, ReceivedRequest } from '@phoenix-alerting/source-prometheus/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createLokiBackend, createLokiSource } from './loki-source.js';

// Answers as Loki's HTTP API documentation shows them (docs/sources/reference/loki-http-api.md).
const vector = {
  status: 'success',
  data: {
    resultType: 'vector',
    result: [
      { metric: {}, value: [1588889221, '1267.1266666666666'] },
      { metric: { level: 'warn' }, value: [1588889221, '37.77166666666667'] },
      { metric: { level: 'info' }, value: [1588889221, '37.69'] },
    ],
    stats: {},
  },
};
const matrix = {
  status: 'success',
  data: {
    resultType: 'matrix',
    result: [{ metric: { level: 'info' }, values: [[1588889221, '137.8']] }],
    stats: {},
  },
};
const streams = {
  status: 'success',
  data: {
    resultType: 'streams',
    result: [
      {
        stream: { filename: '/var/log/myproject.log', job: 'varlogs', level: 'info' },
        values: [['1568234281726420425', 'foo']],
      },
    ],
    stats: {},
  },
};

const T = Date.parse('2020-05-07T22:07:01Z');
let api: FakeApi;
afterEach(() => api?.close());

async function lokiAnswering(
  answer: (request: ReceivedRequest) => { status: number; body: unknown } | 'hang',
  options: { tenant?: string; timeoutMs?: number } = {},
) {
  api = await startFakeApi(answer);
  const clock = new FakeClock(T);
  return { backend: createLokiBackend({ url: api.url, retries: 0, ...options }, clock), clock };
}

const signal = new AbortController().signal;

describe('Loki query backend', () => {
  it('sends an instant query with the time in nanoseconds and the tenant header', async () => {
    const { backend } = await lokiAnswering(() => ({ status: 200, body: vector }), {
      tenant: 'team-a',
    });
    const samples = await backend.query('sum by (level) (rate({job="varlogs"}[5m]))', T, signal);
    expect(samples).toEqual([
      { labels: {}, value: 1267.1266666666666 },
      { labels: { level: 'warn' }, value: 37.77166666666667 },
      { labels: { level: 'info' }, value: 37.69 },
    ]);
    expect(api.requests[0]).toMatchObject({
      method: 'GET',
      path: '/loki/api/v1/query',
      params: {
        query: 'sum by (level) (rate({job="varlogs"}[5m]))',
        time: '1588889221000000000',
      },
    });
    expect(api.requests[0]!.headers['x-scope-orgid']).toBe('team-a');
  });

  it('rejects a matrix as Loki’s ruler does', async () => {
    const { backend } = await lokiAnswering(() => ({ status: 200, body: matrix }));
    await expect(backend.query('rate({job="x"}[5m])', T, signal)).rejects.toThrow(
      'rule result is not a vector or scalar',
    );
  });

  it('rejects a log query: streams are not samples', async () => {
    const { backend } = await lokiAnswering(() => ({ status: 200, body: streams }));
    await expect(backend.query('{job="varlogs"}', T, signal)).rejects.toThrow(
      /^not a metric query/,
    );
  });

  it('reports Loki’s plain-text and JSON errors', async () => {
    const { backend } = await lokiAnswering(() => ({
      status: 400,
      body: 'parse error at line 1, col 6: syntax error: unexpected IDENTIFIER',
    }));
    await expect(backend.query('rate(x', T, signal)).rejects.toMatchObject({
      message:
        'GET /loki/api/v1/query: HTTP 400: parse error at line 1, col 6: syntax error: unexpected IDENTIFIER',
      retryable: false,
    });
    await api.close();
    const second = await lokiAnswering(() => ({
      status: 400,
      body: {
        code: 400,
        status: 'error',
        message: 'queries require at least one regexp or equality matcher',
      },
    }));
    await expect(second.backend.query('{job=~".*"}', T, signal)).rejects.toThrow(
      'Loki answered 400: http: queries require at least one regexp or equality matcher',
    );
  });

  it('times out a slow Loki on the clock', async () => {
    const { backend, clock } = await lokiAnswering(() => 'hang', { timeoutMs: 5_000 });
    const result = backend
      .query('count_over_time({job="x"}[1m])', T, signal)
      .catch((error: unknown) => error);
    await eventually(() => api.requests.length === 1);
    await clock.advance(5_000);
    expect(await result).toMatchObject({ errorType: 'timeout' });
  });
});

describe('createLokiSource', () => {
  it('fires a LogQL alert after `for` with the series labels', async () => {
    api = await startFakeApi(() => ({ status: 200, body: vector }));
    const source = createLokiSource({
      url: api.url,
      tenant: 'team-a',
      groups: [
        {
          name: 'logs',
          interval: '1m',
          rules: [
            {
              alert: 'ManyLogLines',
              expr: 'sum by (level) (rate({job="varlogs"}[5m])) > 30',
              for: '2m',
              labels: { severity: 'warning' },
            },
          ],
        },
      ],
    });
    const context = testContext({ clock: new FakeClock(T) });
    await source.start(context);
    // Each evaluation is a real HTTP round trip: wait until it is done and the next one scheduled.
    for (const minute of [0, 1, 2]) {
      await context.clock.advanceTo(T + minute * 60_000);
      await eventually(() => context.clock.nextDue() === T + (minute + 1) * 60_000);
    }
    await eventually(() => context.batches.length === 1);
    expect(context.batches[0]!.map((alert) => alert.labels)).toEqual([
      { alertname: 'ManyLogLines', severity: 'warning' },
      { alertname: 'ManyLogLines', severity: 'warning', level: 'warn' },
      { alertname: 'ManyLogLines', severity: 'warning', level: 'info' },
    ]);
    expect(context.batches[0]![0]!.startsAt).toBe(T + 120_000);
    await source.stop();
  });

  it('names bad options', () => {
    expect(() => createLokiSource({ url: 'not a url', groups: [] })).toThrow(ConfigError);
    expect(() => createLokiSource({ url: 'http://loki:3100' } as never)).toThrow(
      /give ruleFiles or groups/,
    );
  });
});
