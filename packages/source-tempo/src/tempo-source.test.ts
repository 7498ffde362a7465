import { FakeClock } from '@phoenix-alerting/core/testing';
import { eventually, startFakeApi, testContext } from '@phoenix-alerting/source-prometheus/testing';
import type { FakeApi, ReceivedRequest } from '@phoenix-alerting/source-prometheus/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTempoBackend,
  createTempoSource,
  isMetricsQuery,
  labelName,
} from './tempo-source.js';

// Shapes from Tempo's API documentation (docs/sources/tempo/api_docs/_index.md) and its
// QueryInstantResponse (pkg/tempopb/tempo.proto, as protobuf JSON).
const instant = {
  series: [
    {
      labels: [{ key: 'resource.service.name', value: { stringValue: 'shop-backend' } }],
      value: 12,
      promLabels: '{resource.service.name="shop-backend"}',
    },
    {
      labels: [{ key: 'resource.service.name', value: { stringValue: 'auth-service' } }],
      value: 3,
      promLabels: '{resource.service.name="auth-service"}',
    },
  ],
  metrics: { inspectedBytes: '1024' },
};
const trace = (id: string) => ({
  traceID: id,
  rootServiceName: 'shop-backend',
  rootTraceName: 'update-billing',
  startTimeUnixNano: '1684778327699392724',
  durationMs: 557,
  spanSets: [
    {
      spans: [
        {
          spanID: '563d623c76514f8e',
          startTimeUnixNano: '1684778327735077898',
          durationNanos: '446979497',
          attributes: [{ key: 'status', value: { stringValue: 'error' } }],
        },
      ],
      matched: 1,
    },
  ],
});
const searchAnswer = {
  traces: [trace('2f3e0cee77ae5dc9c17ade3689eb2e54'), trace('1b1ba462b409200d')],
  metrics: { totalBlocks: 13 },
};

const T = Date.parse('2023-05-22T18:00:00Z');
let api: FakeApi;
afterEach(() => api?.close());

async function tempoAnswering(
  answer: (request: ReceivedRequest) => { status: number; body: unknown } | 'hang',
  options: { minTraces?: number; timeoutMs?: number } = {},
) {
  api = await startFakeApi(answer);
  const clock = new FakeClock(T);
  return { backend: createTempoBackend({ url: api.url, retries: 0, ...options }, clock), clock };
}

const signal = new AbortController().signal;
const metricsQuery = '{ status = error } | count_over_time() by (resource.service.name)';

describe('Tempo query backend', () => {
  it('tells metrics queries from searches', () => {
    expect(isMetricsQuery(metricsQuery)).toBe(true);
    expect(isMetricsQuery('{ span.http.status_code >= 500 } | rate()')).toBe(true);
    expect(isMetricsQuery('{ status = error } | quantile_over_time(duration, .99)')).toBe(true);
    expect(isMetricsQuery('{ status = error }')).toBe(false);
    expect(isMetricsQuery('{ status = error } | count() > 2')).toBe(false);
    expect(labelName('resource.service.name')).toBe('resource_service_name');
  });

  it('runs a metrics query as an instant query over the window', async () => {
    const { backend } = await tempoAnswering(() => ({ status: 200, body: instant }));
    expect(await backend.query(metricsQuery, T, signal)).toEqual([
      { labels: { resource_service_name: 'shop-backend' }, value: 12 },
      { labels: { resource_service_name: 'auth-service' }, value: 3 },
    ]);
    expect(api.requests[0]).toMatchObject({
      method: 'GET',
      path: '/api/metrics/query',
      params: {
        q: metricsQuery,
        start: `${BigInt(T - 300_000) * 1_000_000n}`,
        end: `${BigInt(T) * 1_000_000n}`,
      },
    });
  });

  it('counts the traces a search matches in the window', async () => {
    const { backend } = await tempoAnswering(() => ({ status: 200, body: searchAnswer }));
    expect(await backend.query('{ status = error }', T, signal)).toEqual([
      { labels: {}, value: 2 },
    ]);
    expect(api.requests[0]).toMatchObject({
      path: '/api/search',
      params: {
        q: '{ status = error }',
        start: String((T - 300_000) / 1000),
        end: String(T / 1000),
        limit: '1000',
      },
    });
  });

  it('returns no series while fewer than minTraces match', async () => {
    const { backend } = await tempoAnswering(() => ({ status: 200, body: searchAnswer }), {
      minTraces: 3,
    });
    expect(await backend.query('{ status = error }', T, signal)).toEqual([]);
  });

  it('explains a Tempo without the instant metrics API', async () => {
    const { backend } = await tempoAnswering(() => ({ status: 404, body: '404 page not found' }));
    await expect(backend.query(metricsQuery, T, signal)).rejects.toThrow(
      /^this Tempo has no instant TraceQL metrics API/,
    );
  });

  it('reports Tempo’s query errors and times out slow answers', async () => {
    const { backend } = await tempoAnswering(() => ({
      status: 400,
      body: 'invalid TraceQL query: parse error at line 1, col 3: syntax error: unexpected IDENTIFIER',
    }));
    await expect(backend.query('{ bad', T, signal)).rejects.toMatchObject({
      statusCode: 400,
      retryable: false,
      message: expect.stringContaining('invalid TraceQL query: parse error at line 1, col 3'),
    });
    await api.close();
    const slow = await tempoAnswering(() => 'hang', { timeoutMs: 1_000 });
    const result = slow.backend
      .query('{ status = error }', T, signal)
      .catch((error: unknown) => error);
    await eventually(() => api.requests.length === 1);
    await slow.clock.advance(1_000);
    expect(await result).toMatchObject({ errorType: 'timeout' });
  });
});

describe('createTempoSource', () => {
  it('fires one alert per service from a TraceQL metrics rule', async () => {
    api = await startFakeApi(() => ({ status: 200, body: instant }));
    const source = createTempoSource({
      url: api.url,
      groups: [
        {
          name: 'traces',
          interval: '30s',
          rules: [{ alert: 'ErrorSpans', expr: metricsQuery, labels: { severity: 'page' } }],
        },
      ],
    });
    const context = testContext({ clock: new FakeClock(T) });
    await source.start(context);
    await context.clock.advance(0);
    await eventually(() => context.batches.length === 1);
    expect(context.batches[0]!.map((alert) => alert.labels)).toEqual([
      { alertname: 'ErrorSpans', severity: 'page', resource_service_name: 'shop-backend' },
      { alertname: 'ErrorSpans', severity: 'page', resource_service_name: 'auth-service' },
    ]);
    expect(context.batches[0]![0]!.generatorURL).toBe(
      `${api.url}/api/search?q=${encodeURIComponent(metricsQuery)}`,
    );
    await source.stop();
  });
});
