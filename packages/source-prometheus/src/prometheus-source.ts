// createPrometheusSource: rule files evaluated against a Prometheus-compatible query API. The
// building blocks (options schema, rule loading, the lazily built backend) serve Loki and Tempo too.
import { ConfigError, parseOptions } from '@phoenix-alerting/core';
import type { Clock } from '@phoenix-alerting/core';
import { z } from 'zod';
import { createPrometheusBackend } from './prometheus-backend.js';
import { loadRuleFiles, validateRuleGroups } from './rule-file.js';
import type { RuleCheckOptions, RuleGroup } from './rule-file.js';
import { createRuleSource } from './rule-source.js';
import type { QueryBackend, RuleSource, RuleSourceOptions } from './rule-source.js';

const ms = z.number().int().nonnegative();
const positiveMs = z.number().int().positive();

/** Options every HTTP rule source shares (Prometheus, Loki, Tempo). */
export const ruleSourceOptionsSchema = z.strictObject({
  name: z.string().min(1).optional(),
  url: z.url(),
  /** Rule files to load (Prometheus' `rule_files`). */
  ruleFiles: z.array(z.string().min(1)).optional(),
  /** Groups in code: the Prometheus YAML shape (`{ name, interval: '1m', rules: [...] }`). */
  groups: z.array(z.unknown()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  bearerToken: z.string().min(1).optional(),
  basicAuth: z.strictObject({ username: z.string(), password: z.string() }).optional(),
  timeoutMs: positiveMs.optional(),
  retries: ms.optional(),
  retryBackoffMs: ms.optional(),
  externalLabels: z.record(z.string(), z.string()).optional(),
  externalURL: z.string().optional(),
  resendDelayMs: positiveMs.optional(),
  evaluationIntervalMs: positiveMs.optional(),
  evaluationTimeoutMs: positiveMs.optional(),
  outageToleranceMs: ms.optional(),
  forGracePeriodMs: ms.optional(),
});

export type RuleSourceConnectionOptions = z.input<typeof ruleSourceOptionsSchema>;

export const prometheusSourceOptionsSchema = ruleSourceOptionsSchema.extend({
  method: z.enum(['GET', 'POST']).optional(),
});

export type PrometheusSourceOptions = z.input<typeof prometheusSourceOptionsSchema>;

/** A source's groups and the warnings of loading them (recording rules). */
export interface LoadedGroups {
  groups: RuleGroup[];
  warnings: string[];
}

/** Loads `ruleFiles` and validates `groups` given in code; throws one ConfigError for all. */
export function resolveRuleGroups(
  options: { ruleFiles?: readonly string[] | undefined; groups?: readonly unknown[] | undefined },
  subject: string,
  check: RuleCheckOptions = {},
): LoadedGroups {
  if (!options.ruleFiles && !options.groups)
    throw new ConfigError([{ path: 'ruleFiles', message: 'give ruleFiles or groups' }], {
      subject,
    });
  const loaded: LoadedGroups = { groups: [], warnings: [] };
  if (options.ruleFiles) {
    const files = loadRuleFiles(options.ruleFiles, check);
    loaded.groups.push(...files.groups);
    loaded.warnings.push(...files.warnings);
  }
  if (options.groups) {
    const inline = validateRuleGroups({ groups: options.groups }, '', check);
    loaded.groups.push(...inline.groups);
    loaded.warnings.push(...inline.warnings);
  }
  return loaded;
}

/**
 * A rule source whose backend is built when it starts (it needs the pipeline's clock). Warnings
 * from loading the rules are logged then.
 */
export function createBackendRuleSource(
  options: Omit<RuleSourceOptions, 'backend'>,
  warnings: readonly string[],
  makeBackend: (clock: Clock) => QueryBackend,
): RuleSource {
  let backend: QueryBackend | undefined;
  const inner = createRuleSource({
    ...options,
    backend: {
      query(expr, time, signal) {
        if (!backend) throw new Error('the rule source is not started');
        return backend.query(expr, time, signal);
      },
    },
  });
  return {
    ...inner,
    name: inner.name,
    async start(context) {
      backend = makeBackend(context.clock);
      for (const warning of warnings) context.logger.warn({ source: options.name }, warning);
      await inner.start(context);
    },
  };
}

/** Common rule-source settings from validated options. */
export function ruleSourceSettings(
  parsed: z.output<typeof ruleSourceOptionsSchema>,
  name: string,
  groups: RuleGroup[],
  defaultExternalURL: string,
): Omit<RuleSourceOptions, 'backend'> {
  return {
    name,
    groups,
    externalLabels: parsed.externalLabels,
    externalURL: parsed.externalURL ?? defaultExternalURL,
    resendDelayMs: parsed.resendDelayMs,
    defaultIntervalMs: parsed.evaluationIntervalMs,
    evaluationTimeoutMs: parsed.evaluationTimeoutMs,
    outageToleranceMs: parsed.outageToleranceMs,
    forGracePeriodMs: parsed.forGracePeriodMs,
  };
}

/**
 * Evaluates Prometheus rule files against `url`'s `/api/v1/query`. Generator URLs point at that
 * Prometheus' graph page unless `externalURL` says otherwise.
 * @throws ConfigError naming every bad option and every problem of the rule files.
 */
export function createPrometheusSource(options: PrometheusSourceOptions): RuleSource {
  const subject = 'source-prometheus options';
  const parsed = parseOptions(prometheusSourceOptionsSchema, options, subject);
  const { groups, warnings } = resolveRuleGroups(parsed, subject);
  const name = parsed.name ?? 'prometheus';
  return createBackendRuleSource(
    ruleSourceSettings(parsed, name, groups, publicURL(parsed.url)),
    warnings,
    (clock) => createPrometheusBackend(parsed, clock),
  );
}

/** The URL without credentials or a trailing slash, fit for links in alerts. */
export function publicURL(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/+$/, '');
}
