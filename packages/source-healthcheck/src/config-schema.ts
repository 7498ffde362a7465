// The YAML form of a health-check source, a `sources:` entry of `type: healthcheck`: snake_case
// keys and Prometheus durations (`30s`), turned into the options of `createHealthCheckSource`.
// Numbers also come as text (a `${VAR}` substitution stays a string), hence the yaml* schemas.
// Functions cannot be written in YAML, so `function` checks and in-process scores are code-only.
import { durationSchema, yamlBoolean, yamlInt, yamlNumber } from '@phoenix-alerting/core';
import { z } from 'zod';
import { healthCheckSourceOptionsSchema } from './options.js';
import type { HealthCheckConfig, HealthCheckSourceOptions, HttpRequestConfig } from './options.js';

const stringMap = z.record(z.string(), z.string());

const tlsConfigSchema = z.strictObject({
  ca_file: z.string().optional(),
  insecure_skip_verify: yamlBoolean().optional(),
  server_name: z.string().optional(),
  expiry_warning_days: yamlNumber().optional(),
});

const httpRequestShape = {
  url: z.string(),
  method: z.string().optional(),
  headers: stringMap.optional(),
  body: z.string().optional(),
  expected_status: z.array(z.union([z.number(), z.string()])).optional(),
  max_body_bytes: yamlInt().optional(),
  tls_config: tlsConfigSchema.optional(),
};

const commonShape = {
  name: z.string(),
  interval: durationSchema.optional(),
  timeout: durationSchema.optional(),
  failure_threshold: yamlInt().optional(),
  success_threshold: yamlInt().optional(),
  alertname: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
};

type HttpRequestYaml = {
  [K in keyof typeof httpRequestShape]?: z.output<(typeof httpRequestShape)[K]>;
} & { url: string };
type CommonYaml = { [K in keyof typeof commonShape]?: z.output<(typeof commonShape)[K]> } & {
  name: string;
};

const defined = <T extends object>(object: T): T =>
  Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;

function common(check: CommonYaml) {
  return defined({
    name: check.name,
    intervalMs: check.interval,
    timeoutMs: check.timeout,
    failureThreshold: check.failure_threshold,
    successThreshold: check.success_threshold,
    alertname: check.alertname,
    labels: check.labels,
    annotations: check.annotations,
  });
}

function httpRequest(check: HttpRequestYaml): HttpRequestConfig {
  const tls = check.tls_config;
  return defined({
    url: check.url,
    method: check.method,
    headers: check.headers,
    body: check.body,
    expectedStatus: check.expected_status,
    maxBodyBytes: check.max_body_bytes,
    tls:
      tls &&
      defined({
        caFile: tls.ca_file,
        insecureSkipVerify: tls.insecure_skip_verify,
        serverName: tls.server_name,
        expiryWarningDays: tls.expiry_warning_days,
      }),
  });
}

const httpCheckSchema = z
  .strictObject({
    type: z.literal('http'),
    ...commonShape,
    ...httpRequestShape,
    body_contains: z.string().optional(),
    body_matches: z.string().optional(),
    max_latency: durationSchema.optional(),
  })
  .transform((check): HealthCheckConfig =>
    defined({
      type: 'http' as const,
      ...common(check),
      ...httpRequest(check),
      bodyContains: check.body_contains,
      bodyMatches: check.body_matches,
      maxLatencyMs: check.max_latency,
    }),
  );

const tcpCheckSchema = z
  .strictObject({ type: z.literal('tcp'), ...commonShape, address: z.string() })
  .transform((check): HealthCheckConfig => ({
    type: 'tcp',
    ...common(check),
    address: check.address,
  }));

const commandCheckSchema = z
  .strictObject({
    type: z.literal('command'),
    ...commonShape,
    command: z.array(z.string()),
    expected_exit_codes: z.array(yamlInt()).optional(),
    cwd: z.string().optional(),
    env: stringMap.optional(),
    max_output_bytes: yamlInt().optional(),
  })
  .transform((check): HealthCheckConfig =>
    defined({
      type: 'command' as const,
      ...common(check),
      command: check.command,
      expectedExitCodes: check.expected_exit_codes,
      cwd: check.cwd,
      env: check.env,
      maxOutputBytes: check.max_output_bytes,
    }),
  );

const scoreCheckSchema = z
  .strictObject({
    type: z.literal('score'),
    ...commonShape,
    http: z.strictObject({ ...httpRequestShape, field: z.string().optional() }),
    below: yamlNumber().optional(),
    above: yamlNumber().optional(),
  })
  .transform((check): HealthCheckConfig =>
    defined({
      type: 'score' as const,
      ...common(check),
      http: defined({ ...httpRequest(check.http), field: check.http.field }),
      below: check.below,
      above: check.above,
    }),
  );

const checkSchema = z.discriminatedUnion(
  'type',
  [httpCheckSchema, tcpCheckSchema, commandCheckSchema, scoreCheckSchema],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'type must be one of http, tcp, command, score (function checks are configured in code)'
        : undefined,
  },
);

/**
 * A `sources:` entry of `type: healthcheck` as written in YAML. Its output is the options of
 * `createHealthCheckSource`, which checks the values (thresholds, URLs, regexps, timeout within
 * the interval) and names the bad paths in the same snake_case terms the file uses.
 */
export const healthCheckSourceConfigSchema = z
  .strictObject({
    type: z.literal('healthcheck').optional(),
    name: z.string().optional(),
    resend_interval: durationSchema.optional(),
    checks: z.array(checkSchema),
  })
  .transform((config, context): HealthCheckSourceOptions => {
    const options = defined({
      name: config.name,
      resendIntervalMs: config.resend_interval,
      checks: config.checks,
    });
    // The values are checked once, by the code form's schema, and reported at the YAML's paths.
    const result = healthCheckSourceOptionsSchema.safeParse(options);
    if (result.success) return options;
    for (const issue of result.error.issues)
      context.addIssue({ code: 'custom', path: issue.path.map(yamlKey), message: issue.message });
    return z.NEVER;
  });

/** The YAML name of a code-form key: `failureThreshold` → `failure_threshold`, `intervalMs` → `interval`. */
function yamlKey(key: PropertyKey): PropertyKey {
  if (typeof key !== 'string') return key;
  if (key === 'tls') return 'tls_config';
  return key.replace(/Ms$/, '').replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

export type HealthCheckSourceConfig = z.input<typeof healthCheckSourceConfigSchema>;
