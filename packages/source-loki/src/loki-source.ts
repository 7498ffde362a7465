// LogQL metric rules against Loki's `/loki/api/v1/query`, with the Prometheus rule engine: the
// rule files are Loki ruler's (Prometheus' format with LogQL expressions).
import { parseOptions } from '@phoenix-alerting/core';
import type { Clock } from '@phoenix-alerting/core';
import {
  createBackendRuleSource,
  createHttpClient,
  instantResult,
  publicURL,
  resolveRuleGroups,
  ruleSourceOptionsSchema,
  ruleSourceSettings,
} from '@phoenix-alerting/source-prometheus';
import type {
  HttpClientOptions,
  QueryBackend,
  RuleSource,
} from '@phoenix-alerting/source-prometheus';
import { z } from 'zod';

export const lokiSourceOptionsSchema = ruleSourceOptionsSchema.extend({
  /** Sent as `X-Scope-OrgID`, Loki's tenant header (multi-tenant Loki needs it). */
  tenant: z.string().min(1).optional(),
});

export type LokiSourceOptions = z.input<typeof lokiSourceOptionsSchema>;

export interface LokiBackendOptions extends HttpClientOptions {
  tenant?: string;
}

/**
 * Instant LogQL queries. As Loki's ruler: a vector is used as is, a scalar becomes one series
 * without labels, a matrix is an error ("rule result is not a vector or scalar"), and a log query
 * (streams) is an error too: alert on `count_over_time(…)`, `rate(…)` and the like.
 */
export function createLokiBackend(options: LokiBackendOptions, clock: Clock): QueryBackend {
  const headers = { ...options.headers };
  if (options.tenant) headers['X-Scope-OrgID'] = options.tenant;
  const client = createHttpClient({ ...options, headers }, clock);
  return {
    async query(expr, time, signal) {
      const { status, body } = await client.request(
        '/loki/api/v1/query',
        // Nanoseconds since the epoch, Loki's own unit.
        { query: expr, time: `${BigInt(Math.round(time)) * 1_000_000n}`, direction: 'backward' },
        { method: 'GET', signal },
      );
      // Newer Loki versions answer errors as { status: "error", message } rather than Prometheus' `error`.
      const answer = body as { status?: string; message?: string; error?: string } | undefined;
      if (answer?.status === 'error' && answer.error === undefined && answer.message !== undefined)
        return instantResult({ ...answer, error: answer.message }, status, 'Loki');
      return instantResult(body, status, 'Loki');
    },
  };
}

/**
 * Evaluates Loki ruler rule files (LogQL alerting rules) against `url`.
 * @throws ConfigError naming every bad option and every problem of the rule files.
 */
export function createLokiSource(options: LokiSourceOptions): RuleSource {
  const subject = 'source-loki options';
  const parsed = parseOptions(lokiSourceOptionsSchema, options, subject);
  const { groups, warnings } = resolveRuleGroups(parsed, subject);
  const name = parsed.name ?? 'loki';
  return createBackendRuleSource(
    ruleSourceSettings(parsed, name, groups, publicURL(parsed.url)),
    warnings,
    (clock) => createLokiBackend(parsed, clock),
  );
}
