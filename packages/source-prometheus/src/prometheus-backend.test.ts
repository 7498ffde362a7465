import { FakeClock } from '@phoenix-alerting/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { QueryError } from './http-query.js';
import { createPrometheusBackend } from './prometheus-backend.js';
import type { PrometheusBackendOptions } from './prometheus-backend.js';
import { eventually, startFakeApi } from './test-support.js';
import type { FakeApi, ReceivedRequest } from './test-support.js';

// Answers as shown in Prometheus' HTTP API documentation (docs/querying/api.md).
const vectorAnswer = {
  status: 'success',
  data: {
    resultType: 'vector',
    result: [
      {
        metric: { __name__: 'up', job: 'prometheus', instance: 'localhost:9090' },
        value: [1435781451.781, '1'],
      },
      {
        metric: { __name__: 'up', job: 'node', instance: 'localhost:9100' },
        value: [1435781451.781, '+Inf'],
      },
    ],
  },
};
const matrixAnswer = {
  status: 'success',
  data: {
    resultType: 'matrix',
    result: [{ metric: { __name__: 'up' }, values: [[1435781430.781, '1']] }],
  },
};
const badData = {
  status: 'error',
  errorType: 'bad_data',
  error: 'invalid parameter "query": 1:6: parse error: unexpected right parenthesis \')\'',
};

const T = Date.parse('2015-07-01T20:10:51.781Z');
let api: FakeApi;
afterEach(() => api?.close());

async function backendFor(
  answer: (request: ReceivedRequest) => { status: number; body: unknown } | 'hang',
  options: Partial<PrometheusBackendOptions> = {},
) {
  api = await startFakeApi(answer);
  const clock = new FakeClock(T);
  const backend = createPrometheusBackend({ url: api.url, ...options }, clock);
  return { backend, clock };
}

const signal = new AbortController().signal;

describe('Prometheus query backend', () => {
  it('POSTs the query and time as a form and parses a vector', async () => {
    const { backend } = await backendFor(() => ({ status: 200, body: vectorAnswer }));
    const samples = await backend.query('up', T, signal);
    expect(samples).toEqual([
      { labels: { __name__: 'up', job: 'prometheus', instance: 'localhost:9090' }, value: 1 },
      { labels: { __name__: 'up', job: 'node', instance: 'localhost:9100' }, value: Infinity },
    ]);
    expect(api.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/api/v1/query',
        params: { query: 'up', time: '1435781451.781' },
      }),
    ]);
  });

  it('uses GET when asked, under a path prefix', async () => {
    api = await startFakeApi(() => ({ status: 200, body: vectorAnswer }));
    const backend = createPrometheusBackend(
      { url: `${api.url}/prom/`, method: 'GET' },
      new FakeClock(T),
    );
    await backend.query('sum(up)', T, signal);
    expect(api.requests[0]).toMatchObject({
      method: 'GET',
      path: '/prom/api/v1/query',
      params: { query: 'sum(up)', time: '1435781451.781' },
    });
  });

  it('turns a scalar into one series without labels', async () => {
    const { backend } = await backendFor(() => ({
      status: 200,
      body: { status: 'success', data: { resultType: 'scalar', result: [1435781451.781, '0.5'] } },
    }));
    expect(await backend.query('scalar(up)', T, signal)).toEqual([{ labels: {}, value: 0.5 }]);
  });

  it('rejects a matrix as Prometheus’ rule engine does', async () => {
    const { backend } = await backendFor(() => ({ status: 200, body: matrixAnswer }));
    await expect(backend.query('up[5m]', T, signal)).rejects.toThrow(
      'rule result is not a vector or scalar',
    );
  });

  it('reports Prometheus’ error JSON and does not retry a bad query', async () => {
    const { backend } = await backendFor(() => ({ status: 400, body: badData }));
    const error = await backend.query('up)', T, signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueryError);
    expect(error).toMatchObject({ errorType: 'bad_data', statusCode: 400, retryable: false });
    expect((error as Error).message).toBe(`Prometheus answered 400: bad_data: ${badData.error}`);
    expect(api.requests).toHaveLength(1);
  });

  it('retries a 503 with exponential backoff on the clock, then succeeds', async () => {
    let calls = 0;
    const { backend, clock } = await backendFor(
      () =>
        ++calls <= 2
          ? {
              status: 503,
              body: { status: 'error', errorType: 'unavailable', error: 'too many queries' },
            }
          : { status: 200, body: vectorAnswer },
      { retries: 3, retryBackoffMs: 500 },
    );
    const result = backend.query('up', T, signal);
    await eventually(() => clock.nextDue() === T + 500);
    await clock.advance(500);
    await eventually(() => clock.nextDue() === T + 500 + 1000);
    await clock.advance(1000);
    expect(await result).toHaveLength(2);
    expect(api.requests).toHaveLength(3);
  });

  it('gives up after the retries with the last error', async () => {
    const { backend, clock } = await backendFor(
      () => ({
        status: 503,
        body: { status: 'error', errorType: 'unavailable', error: 'overloaded' },
      }),
      { retries: 1, retryBackoffMs: 100 },
    );
    const result = backend.query('up', T, signal).catch((caught: unknown) => caught);
    await eventually(() => clock.nextDue() === T + 100);
    await clock.advance(100);
    const error = await result;
    expect(error).toMatchObject({ statusCode: 503, retryable: true, errorType: 'unavailable' });
    expect(api.requests).toHaveLength(2);
  });

  it('times out a slow answer on the clock', async () => {
    const { backend, clock } = await backendFor(() => 'hang', { timeoutMs: 2_000, retries: 0 });
    const result = backend.query('up', T, signal).catch((caught: unknown) => caught);
    await eventually(() => api.requests.length === 1);
    await clock.advance(2_000);
    const error = await result;
    expect(error).toMatchObject({ errorType: 'timeout', retryable: true });
    expect((error as Error).message).toBe('POST /api/v1/query: timed out after 2000 ms');
  });

  it('stops when the caller aborts', async () => {
    const { backend } = await backendFor(() => 'hang', { retries: 0 });
    const controller = new AbortController();
    const result = backend.query('up', T, controller.signal).catch((caught: unknown) => caught);
    await eventually(() => api.requests.length === 1);
    controller.abort(new Error('shutting down'));
    expect(await result).toMatchObject({ message: 'shutting down' });
  });

  it('sends credentials as headers and never puts them in messages', async () => {
    const { backend } = await backendFor(() => ({ status: 500, body: 'internal error' }), {
      bearerToken: 's3cret-token',
      retries: 0,
      headers: { 'X-Team': 'sre' },
    });
    const error = await backend.query('up', T, signal).catch((caught: unknown) => caught);
    expect(api.requests[0]!.headers).toMatchObject({
      authorization: 'Bearer s3cret-token',
      'x-team': 'sre',
    });
    expect((error as Error).message).toBe('POST /api/v1/query: HTTP 500: internal error');

    await api.close();
    api = await startFakeApi(() => ({ status: 502, body: 'bad gateway' }));
    const withUserInfo = createPrometheusBackend(
      { url: api.url.replace('http://', 'http://admin:hunter2@'), retries: 0 },
      new FakeClock(T),
    );
    const second = await withUserInfo.query('up', T, signal).catch((caught: unknown) => caught);
    expect(api.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('admin:hunter2').toString('base64')}`,
    );
    expect(JSON.stringify(second) + (second as Error).message).not.toContain('hunter2');
  });
});
