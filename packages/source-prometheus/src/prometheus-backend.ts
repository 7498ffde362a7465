// Instant queries against Prometheus' HTTP API (`/api/v1/query`), and the parsing of its answers,
// which Loki's `/loki/api/v1/query` shares.
import type { Clock } from '@phoenix-alerting/core';
import type { Sample } from './alerting-rule.js';
import { QueryError, createHttpClient } from './http-query.js';
import type { HttpClientOptions } from './http-query.js';
import type { QueryBackend } from './rule-source.js';

export interface PrometheusBackendOptions extends HttpClientOptions {
  /** 'POST' (form body, the default: long expressions fit) or 'GET'. */
  method?: 'GET' | 'POST';
}

/** A backend for Prometheus (or anything serving its `/api/v1/query`: Thanos, Mimir, VictoriaMetrics). */
export function createPrometheusBackend(
  options: PrometheusBackendOptions,
  clock: Clock,
): QueryBackend {
  const client = createHttpClient(options, clock);
  const method = options.method ?? 'POST';
  return {
    async query(expr, time, signal) {
      const { status, body } = await client.request(
        '/api/v1/query',
        { query: expr, time: formatSeconds(time) },
        { method, signal },
      );
      return instantResult(body, status, 'Prometheus');
    },
  };
}

/** Unix seconds with millisecond precision, as Prometheus' API takes `time`. */
export function formatSeconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Parses a sample value as Prometheus writes it (`"1"`, `"NaN"`, `"+Inf"`, `"-Inf"`). */
export function parseSampleValue(text: unknown): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = typeof text === 'string' && text.trim() !== '' ? Number(text) : NaN;
  if (Number.isNaN(value))
    throw new QueryError(`invalid sample value ${JSON.stringify(text)}`, {
      retryable: false,
      errorType: 'bad_response',
    });
  return value;
}

/**
 * The samples of an instant query answer, as Prometheus' rule engine takes them: a vector as is,
 * a scalar as one series without labels; anything else (matrix, string, streams) is an error.
 * An answer with `status: "error"` becomes a QueryError carrying `errorType` and `error`.
 */
export function instantResult(body: unknown, status: number, server: string): Sample[] {
  const answer = body as {
    status?: string;
    errorType?: string;
    error?: string;
    data?: { resultType?: string; result?: unknown };
  };
  if (answer?.status === 'error' || status >= 400) {
    const errorType = answer?.errorType ?? 'http';
    throw new QueryError(
      `${server} answered ${status}: ${errorType}: ${answer?.error ?? 'no error message'}`,
      { statusCode: status, retryable: status === 429 || status >= 500, errorType },
    );
  }
  const data = answer?.data;
  switch (data?.resultType) {
    case 'vector': {
      if (!Array.isArray(data.result)) break;
      return data.result.map(
        (entry: { metric?: Record<string, string>; value?: unknown[]; histogram?: unknown }) => {
          if (entry.histogram !== undefined && entry.value === undefined)
            throw new QueryError('native histogram samples cannot be alerted on', {
              retryable: false,
              errorType: 'bad_data',
            });
          return { labels: { ...(entry.metric ?? {}) }, value: parseSampleValue(entry.value?.[1]) };
        },
      );
    }
    case 'scalar':
      if (!Array.isArray(data.result)) break;
      return [{ labels: {}, value: parseSampleValue(data.result[1]) }];
    case 'matrix':
    case 'string':
      throw new QueryError('rule result is not a vector or scalar', {
        retryable: false,
        errorType: 'bad_data',
      });
    case 'streams':
      throw new QueryError(
        'not a metric query: a log query returns log lines, not samples (use count_over_time, rate…)',
        {
          retryable: false,
          errorType: 'bad_data',
        },
      );
  }
  throw new QueryError(`${server} answered with an unexpected body`, {
    statusCode: status,
    retryable: false,
    errorType: 'bad_response',
  });
}
