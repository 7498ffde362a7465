// The `rule_files` and `sources:` sections: Prometheus, Loki and Tempo rule sources and health
// checks, written in snake_case with Prometheus durations, checked with each package's own schema
// and reported at their YAML paths (`sources[1].timeout`). The server builds them for each
// configuration; `check-config` calls the same function.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, durationSchema, formatPath, yamlInt } from '@phoenix-alerting/core';
import type { AlertmanagerConfig, ConfigIssue } from '@phoenix-alerting/core';
import {
  createHealthCheckSource,
  healthCheckSourceConfigSchema,
} from '@phoenix-alerting/source-healthcheck';
import type { HealthCheckSource } from '@phoenix-alerting/source-healthcheck';
import { createLokiSource, lokiSourceOptionsSchema } from '@phoenix-alerting/source-loki';
import {
  createPrometheusSource,
  prometheusSourceOptionsSchema,
  publicURL,
} from '@phoenix-alerting/source-prometheus';
import type { RuleSource } from '@phoenix-alerting/source-prometheus';
import { createTempoSource, tempoSourceOptionsSchema } from '@phoenix-alerting/source-tempo';
import { z } from 'zod';
import { expandFileGlobs, hasGlobMeta } from './file-globs.js';

/** The `type` of a `sources:` entry. */
export const SOURCE_TYPES = ['prometheus', 'loki', 'tempo', 'healthcheck'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** A source built from the configuration, with what the server shows of it (no secrets). */
export type ConfiguredSource =
  | {
      type: 'prometheus' | 'loki' | 'tempo';
      name: string;
      /** The query API's URL without credentials. */
      url: string;
      /** The rule files it evaluates (absolute paths). */
      ruleFiles: readonly string[];
      source: RuleSource;
    }
  | { type: 'healthcheck'; name: string; source: HealthCheckSource };

export interface BuildSourcesOptions {
  /** The configuration file: named in errors, and its directory resolves relative paths. */
  file?: string | undefined;
  /** Where relative paths start when there is no file. Default `process.cwd()`. */
  baseDirectory?: string;
}

/** Names the server's own sources take; a configured source may not. */
const RESERVED_NAMES = new Set(['api']);

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === null ? undefined : value), schema.optional());
const text = () => z.union([z.string(), z.number()]).transform(String);
const stringMap = () => z.record(z.string(), text());
const duration = () => optional(durationSchema);

const ruleSourceShape = {
  name: optional(z.string().min(1, 'must not be empty')),
  url: z.string({ error: 'the query API URL is required, e.g. http://prometheus:9090' }),
  /** Globs, relative to the configuration file. */
  rule_files: optional(z.array(z.string().min(1, 'must not be empty'))),
  headers: optional(stringMap()),
  bearer_token: optional(z.string().min(1, 'must not be empty')),
  bearer_token_file: optional(z.string().min(1, 'must not be empty')),
  basic_auth: optional(
    z.strictObject({
      username: text(),
      password: optional(text()),
      password_file: optional(z.string().min(1, 'must not be empty')),
    }),
  ),
  timeout: duration(),
  retries: optional(yamlInt()),
  retry_backoff: duration(),
  external_labels: optional(stringMap()),
  external_url: optional(z.string()),
  resend_delay: duration(),
  evaluation_interval: duration(),
  evaluation_timeout: duration(),
  outage_tolerance: duration(),
  for_grace_period: duration(),
};

const yamlSchemas = {
  prometheus: z.strictObject({
    type: z.literal('prometheus'),
    ...ruleSourceShape,
    method: optional(z.enum(['GET', 'POST'])),
  }),
  loki: z.strictObject({
    type: z.literal('loki'),
    ...ruleSourceShape,
    tenant: optional(z.string().min(1)),
  }),
  tempo: z.strictObject({
    type: z.literal('tempo'),
    ...ruleSourceShape,
    tenant: optional(z.string().min(1)),
    window: duration(),
    search_limit: optional(yamlInt()),
    min_traces: optional(yamlInt()),
  }),
} as const;

type RuleYaml = z.output<(typeof yamlSchemas)[keyof typeof yamlSchemas]>;

const codeSchemas = {
  prometheus: prometheusSourceOptionsSchema,
  loki: lokiSourceOptionsSchema,
  tempo: tempoSourceOptionsSchema,
} as const;

const factories = {
  prometheus: createPrometheusSource,
  loki: createLokiSource,
  tempo: createTempoSource,
} as const;

/**
 * Builds every source of the `sources:` section, giving top-level `rule_files` to the Prometheus
 * sources that list none. Nothing starts: put the sources in a pipeline.
 *
 * @throws ConfigError naming the file and YAML path of every problem (rule files' problems name
 *   the rule file and the path inside it). Secrets never appear in the messages.
 */
export function buildSources(
  config: Pick<AlertmanagerConfig, 'rule_files' | 'sources'>,
  options: BuildSourcesOptions = {},
): ConfiguredSource[] {
  const { file } = options;
  const base =
    options.baseDirectory ?? (file === undefined ? process.cwd() : dirname(resolve(file)));
  const issues: ConfigIssue[] = [];
  const fail = (path: readonly PropertyKey[], message: string) =>
    issues.push({ ...(file === undefined ? {} : { file }), path: formatPath(path), message });
  const entries: unknown[] = config.sources ?? [];
  const topLevel = config.rule_files ?? [];

  const takers = entries.flatMap((entry, index) =>
    isRecord(entry) && entry.type === 'prometheus' && isEmptyList(entry.rule_files) ? [index] : [],
  );
  if (topLevel.length > 0 && takers.length === 0) {
    fail(
      ['rule_files'],
      entries.some((entry) => isRecord(entry) && entry.type === 'prometheus')
        ? 'every prometheus source lists its own rule_files, so nothing evaluates these: ' +
            'remove rule_files from the source that should take them'
        : 'nothing evaluates these rule files: add a source for them, e.g. ' +
            'sources: [{type: prometheus, url: http://prometheus:9090}]',
    );
  }

  const built: ConfiguredSource[] = [];
  const names = new Map<string, number>();
  entries.forEach((entry, index) => {
    const at = (...path: PropertyKey[]) => ['sources', index, ...path];
    if (!isRecord(entry)) return void fail(at(), 'each source must be a mapping with a type');
    const type = entry.type;
    if (!SOURCE_TYPES.includes(type as SourceType))
      return void fail(
        at('type'),
        type === undefined || type === null
          ? `missing; one of ${SOURCE_TYPES.join(', ')}`
          : `unknown source type ${JSON.stringify(String(type))}; one of ${SOURCE_TYPES.join(', ')}`,
      );
    const name = typeof entry.name === 'string' && entry.name !== '' ? entry.name : String(type);
    const before = issues.length;
    if (RESERVED_NAMES.has(name))
      fail(at('name'), `${JSON.stringify(name)} is the server's own source: choose another name`);
    const seen = names.get(name);
    if (seen !== undefined)
      fail(
        at('name'),
        `duplicate source name ${JSON.stringify(name)} (also sources[${seen}]); ` +
          'names must be unique, they key the sources’ saved state',
      );
    else names.set(name, index);

    if (type === 'healthcheck') {
      const parsed = healthCheckSourceConfigSchema.safeParse(entry);
      if (!parsed.success) return void addZodIssues(parsed.error, at(), fail);
      if (issues.length > before) return;
      const source = create(
        () => createHealthCheckSource({ ...parsed.data, name }),
        at(),
        issues,
        file,
      );
      if (source) built.push({ type, name, source });
      return;
    }

    const ruleType = type as keyof typeof yamlSchemas;
    const parsed = yamlSchemas[ruleType].safeParse(entry);
    if (!parsed.success) return void addZodIssues(parsed.error, at(), fail);
    const yaml = parsed.data;
    const patterns = isEmptyList(yaml.rule_files)
      ? ruleType === 'prometheus'
        ? topLevel
        : []
      : yaml.rule_files!;
    if (patterns.length === 0) {
      fail(
        at('rule_files'),
        ruleType === 'prometheus'
          ? 'no rule files: list them here or in the top-level rule_files'
          : `no rule files: a ${ruleType} source needs its own rule_files`,
      );
    }
    const ruleFiles = expandRuleFiles(
      patterns,
      base,
      yaml.rule_files?.length ? at('rule_files') : ['rule_files'],
      fail,
    );
    const secrets = readSecrets(yaml, base, at, fail);
    if (issues.length > before || !secrets) return;
    const codeOptions = toCodeOptions(ruleType, yaml, name, ruleFiles, secrets);
    const checked = codeSchemas[ruleType].safeParse(codeOptions);
    if (!checked.success) return void addZodIssues(checked.error, at(), fail, yamlKey);
    const source = create(() => factories[ruleType](codeOptions as never), at(), issues, file);
    if (source) built.push({ type: ruleType, name, url: publicURL(yaml.url), ruleFiles, source });
  });

  if (issues.length > 0) {
    // Top-level rule_files shared by several prometheus sources report their problems once.
    const unique = [...new Map(issues.map((issue) => [JSON.stringify(issue), issue])).values()];
    throw new ConfigError(unique, { subject: 'sources configuration' });
  }
  return built;
}

/** What the server logs of a source: never its credentials. */
export function describeSource(configured: ConfiguredSource): Record<string, unknown> {
  if (configured.type === 'healthcheck')
    return {
      source: configured.name,
      type: configured.type,
      checks: configured.source.status().length,
    };
  return {
    source: configured.name,
    type: configured.type,
    url: configured.url,
    ruleFiles: configured.ruleFiles.length,
    rules: configured.source.rules().length,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyList(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

type Fail = (path: readonly PropertyKey[], message: string) => void;

function expandRuleFiles(
  patterns: readonly string[],
  base: string,
  path: PropertyKey[],
  fail: Fail,
): string[] {
  const files = new Set<string>();
  patterns.forEach((pattern, index) => {
    const matched = expandFileGlobs([pattern], base);
    // Go's Glob matches a missing literal path to nothing; a plain path that is missing is a typo.
    if (matched.length === 0 && !hasGlobMeta(pattern))
      fail([...path, index], `${resolve(base, pattern)} does not exist`);
    for (const match of matched) files.add(match);
  });
  return [...files];
}

interface Secrets {
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
}

function readSecrets(
  yaml: RuleYaml,
  base: string,
  at: (...path: PropertyKey[]) => PropertyKey[],
  fail: Fail,
): Secrets | undefined {
  let ok = true;
  const read = (path: string, where: PropertyKey[]): string | undefined => {
    const absolute = isAbsolute(path) ? path : resolve(base, path);
    try {
      const value = readFileSync(absolute, 'utf8').trim();
      if (value === '') throw Object.assign(new Error('empty'), { code: 'empty' });
      return value;
    } catch (error) {
      ok = false;
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      fail(where, code === 'empty' ? `${absolute} is empty` : `cannot read ${absolute}: ${code}`);
      return undefined;
    }
  };
  const secrets: Secrets = {};
  if (yaml.bearer_token !== undefined && yaml.bearer_token_file !== undefined) {
    ok = false;
    fail(at('bearer_token'), 'at most one of bearer_token and bearer_token_file');
  } else if (yaml.bearer_token_file !== undefined) {
    const token = read(yaml.bearer_token_file, at('bearer_token_file'));
    if (token !== undefined) secrets.bearerToken = token;
  } else if (yaml.bearer_token !== undefined) secrets.bearerToken = yaml.bearer_token;

  const auth = yaml.basic_auth;
  if (auth) {
    if (secrets.bearerToken !== undefined || yaml.bearer_token_file !== undefined) {
      ok = false;
      fail(at('basic_auth'), 'at most one of basic_auth and bearer_token(_file)');
    } else if (auth.password !== undefined && auth.password_file !== undefined) {
      ok = false;
      fail(at('basic_auth', 'password'), 'at most one of password and password_file');
    } else {
      const password =
        auth.password_file !== undefined
          ? read(auth.password_file, at('basic_auth', 'password_file'))
          : (auth.password ?? '');
      if (password !== undefined) secrets.basicAuth = { username: auth.username, password };
    }
  }
  return ok ? secrets : undefined;
}

function toCodeOptions(
  type: keyof typeof yamlSchemas,
  yaml: RuleYaml,
  name: string,
  ruleFiles: string[],
  secrets: Secrets,
): Record<string, unknown> {
  const options: Record<string, unknown> = {
    name,
    url: yaml.url,
    ruleFiles,
    headers: yaml.headers,
    ...secrets,
    timeoutMs: yaml.timeout,
    retries: yaml.retries,
    retryBackoffMs: yaml.retry_backoff,
    externalLabels: yaml.external_labels,
    externalURL: yaml.external_url,
    resendDelayMs: yaml.resend_delay,
    evaluationIntervalMs: yaml.evaluation_interval,
    evaluationTimeoutMs: yaml.evaluation_timeout,
    outageToleranceMs: yaml.outage_tolerance,
    forGracePeriodMs: yaml.for_grace_period,
  };
  const extra = yaml as Partial<
    Record<'method' | 'tenant' | 'window' | 'search_limit' | 'min_traces', unknown>
  >;
  if (type === 'prometheus') options.method = extra.method;
  if (type === 'loki' || type === 'tempo') options.tenant = extra.tenant;
  if (type === 'tempo') {
    options.windowMs = extra.window;
    options.searchLimit = extra.search_limit;
    options.minTraces = extra.min_traces;
  }
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** The YAML name of a code-form key: `evaluationIntervalMs` → `evaluation_interval`. */
function yamlKey(key: PropertyKey): PropertyKey {
  if (typeof key !== 'string') return key;
  if (key === 'externalURL') return 'external_url';
  return key.replace(/Ms$/, '').replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function addZodIssues(
  error: z.ZodError,
  prefix: readonly PropertyKey[],
  fail: Fail,
  rename: (key: PropertyKey) => PropertyKey = (key) => key,
): void {
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path.map(rename)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fail([...path, key], 'unknown key');
      // The value may have come from `${VAR}` or a file: messages do not quote it.
    } else fail(path, issue.message.replace(/, got "(?:[^"\\]|\\.)*"/g, ''));
  }
}

/** Runs a factory; its ConfigError (rule files, options) joins the other issues. */
function create<T>(
  factory: () => T,
  prefix: readonly PropertyKey[],
  issues: ConfigIssue[],
  file: string | undefined,
): T | undefined {
  try {
    return factory();
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    for (const issue of error.issues) {
      // A rule file's problem names that file and the path in it; an option's, the source's path.
      if (issue.file !== undefined) issues.push(issue);
      else
        issues.push({
          ...(file === undefined ? {} : { file }),
          path: [formatPath(prefix), issue.path].filter(Boolean).join('.'),
          message: issue.message,
        });
    }
    return undefined;
  }
}
