// TraceQL rules against Tempo's HTTP API: a metrics query (`{ … } | rate() by (…)`) runs as an
// instant TraceQL metrics query (`/api/metrics/query`); a plain TraceQL search runs on
// `/api/search` and counts the traces it matches in the window before the evaluation time.
import { parseOptions } from '@phoenix-alerting/core';
import type { Clock } from '@phoenix-alerting/core';
import {
  QueryError,
  createBackendRuleSource,
  createHttpClient,
  publicURL,
  resolveRuleGroups,
  ruleSourceOptionsSchema,
  ruleSourceSettings,
} from '@phoenix-alerting/source-prometheus';
import type {
  HttpClientOptions,
  QueryBackend,
  RuleSource,
  Sample,
} from '@phoenix-alerting/source-prometheus';
import { z } from 'zod';

export const tempoSourceOptionsSchema = ruleSourceOptionsSchema.extend({
  /** Sent as `X-Scope-OrgID` (multi-tenant Tempo). */
  tenant: z.string().min(1).optional(),
  /** The time range each query covers, ending at the evaluation time, in ms. Default 300 000 (5m). */
  windowMs: z.number().int().positive().optional(),
  /** Most traces a search returns (Tempo's `limit`); a count is capped there. Default 1000. */
  searchLimit: z.number().int().positive().optional(),
  /** A search fires once at least this many traces match. Default 1. */
  minTraces: z.number().int().positive().optional(),
});

export type TempoSourceOptions = z.input<typeof tempoSourceOptionsSchema>;

export interface TempoBackendOptions extends HttpClientOptions {
  tenant?: string;
  windowMs?: number;
  searchLimit?: number;
  minTraces?: number;
}

// TraceQL metrics functions (Tempo 2.4+); a query that pipes into one is a metrics query.
const metricsFunction =
  /\|\s*(rate|count_over_time|sum_over_time|avg_over_time|min_over_time|max_over_time|quantile_over_time|histogram_over_time|compare)\s*\(/;

/** Whether a TraceQL query is a metrics query (answered by `/api/metrics/query`). */
export function isMetricsQuery(expr: string): boolean {
  return metricsFunction.test(expr);
}

/** A TraceQL attribute name as a Prometheus label name: `resource.service.name` → `resource_service_name`. */
export function labelName(key: string): string {
  const name = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}

function valueText(value: AnyValue | undefined): string {
  if (!value) return '';
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.boolValue !== undefined) return String(value.boolValue);
  return '';
}

export function createTempoBackend(options: TempoBackendOptions, clock: Clock): QueryBackend {
  const headers = { ...options.headers };
  if (options.tenant) headers['X-Scope-OrgID'] = options.tenant;
  const client = createHttpClient({ ...options, headers }, clock);
  const windowMs = options.windowMs ?? 300_000;
  const searchLimit = options.searchLimit ?? 1000;
  const minTraces = options.minTraces ?? 1;

  async function metrics(expr: string, time: number, signal: AbortSignal): Promise<Sample[]> {
    const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
    const unsupported = () =>
      new QueryError(
        'this Tempo has no instant TraceQL metrics API (/api/metrics/query); upgrade Tempo or alert on a search query',
        { statusCode: 404, retryable: false, errorType: 'unsupported' },
      );
    let answer: { status: number; body: unknown };
    try {
      answer = await client.request(
        '/api/metrics/query',
        { q: expr, start: nanos(time - windowMs), end: nanos(time) },
        { method: 'GET', signal },
      );
    } catch (error) {
      if (error instanceof QueryError && error.statusCode === 404) throw unsupported();
      throw error;
    }
    const { status, body } = answer;
    if (status === 404) throw unsupported();
    const series = (body as { series?: unknown })?.series;
    if (status >= 400 || (series !== undefined && !Array.isArray(series)))
      throw new QueryError(`Tempo answered ${status} with an unexpected body`, {
        statusCode: status,
        retryable: status >= 500,
        errorType: 'bad_response',
      });
    return (
      (series ?? []) as { labels?: { key: string; value?: AnyValue }[]; value?: number | string }[]
    ).map((entry) => {
      const labels: Record<string, string> = {};
      for (const label of entry.labels ?? []) labels[labelName(label.key)] = valueText(label.value);
      const value = typeof entry.value === 'string' ? Number(entry.value) : (entry.value ?? 0);
      return { labels, value };
    });
  }

  async function search(expr: string, time: number, signal: AbortSignal): Promise<Sample[]> {
    const { status, body } = await client.request(
      '/api/search',
      {
        q: expr,
        start: String(Math.floor((time - windowMs) / 1000)),
        end: String(Math.ceil(time / 1000)),
        limit: String(searchLimit),
      },
      { method: 'GET', signal },
    );
    const traces = (body as { traces?: unknown })?.traces;
    if (status >= 400 || (traces !== undefined && !Array.isArray(traces)))
      throw new QueryError(`Tempo answered ${status} with an unexpected body`, {
        statusCode: status,
        retryable: status >= 500,
        errorType: 'bad_response',
      });
    const count = Array.isArray(traces) ? traces.length : 0;
    return count >= minTraces ? [{ labels: {}, value: count }] : [];
  }

  return {
    query: (expr, time, signal) =>
      isMetricsQuery(expr) ? metrics(expr, time, signal) : search(expr, time, signal),
  };
}

/**
 * Evaluates TraceQL rules (Prometheus' rule format with TraceQL expressions) against Tempo.
 * @throws ConfigError naming every bad option and every problem of the rule files.
 */
export function createTempoSource(options: TempoSourceOptions): RuleSource {
  const subject = 'source-tempo options';
  const parsed = parseOptions(tempoSourceOptionsSchema, options, subject);
  const { groups, warnings } = resolveRuleGroups(parsed, subject);
  const name = parsed.name ?? 'tempo';
  return createBackendRuleSource(
    {
      ...ruleSourceSettings(parsed, name, groups, publicURL(parsed.url)),
      // Tempo has no graph page; link to its search API with the query.
      generatorURL: (expr) =>
        `${publicURL(parsed.externalURL ?? parsed.url)}/api/search?q=${encodeURIComponent(expr)}`,
    },
    warnings,
    (clock) => createTempoBackend(parsed, clock),
  );
}
