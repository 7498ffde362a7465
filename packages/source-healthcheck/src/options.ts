// The code form of a health-check source: camelCase keys, times in ms, functions allowed. The YAML
// form (config-schema.ts) turns into this shape.
import { compileGoRegexp, formatDuration } from '@phoenix-alerting/core';
import { z } from 'zod';
import { parseAddress } from './tcp-check.js';
import { parseStatusRanges } from './status-ranges.js';

/** What an in-process check returns: `true`/`false`, or a result with a value and a message. */
export type FunctionCheckResult = boolean | { ok: boolean; value?: number; message?: string };

/** An in-process check. `signal` aborts at the check's timeout and when the source stops. */
export type CheckFunction = (
  signal: AbortSignal,
) => FunctionCheckResult | Promise<FunctionCheckResult>;

/** Reads a numeric score in process (the spec's `agent_health_score`). */
export type ScoreFunction = (signal: AbortSignal) => number | Promise<number>;

const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_FAILURE_THRESHOLD = 3;
const DEFAULT_SUCCESS_THRESHOLD = 1;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_MAX_OUTPUT_BYTES = 1024;
/** Prometheus' default `--rules.alert.resend-delay`. */
export const DEFAULT_RESEND_INTERVAL_MS = 60_000;

// Messages leave the key out: the path names it, in the code form's or the YAML form's terms.
const positiveMs = () =>
  z.number().int('must be a whole number of milliseconds').positive('must be above 0');
const count = () => z.number().int('must be a whole number').min(1, 'must be at least 1');
const stringMap = z.record(z.string(), z.string());
const isFunction = (value: unknown) => typeof value === 'function';

/** TLS settings of an HTTP request. */
const tlsOptionsSchema = z.strictObject({
  /** PEM CA bundle to trust instead of Node's default roots. */
  ca: z.string().optional(),
  /** File holding a PEM CA bundle, read when the check runs. */
  caFile: z.string().optional(),
  /** Skip certificate verification (the expiry is still read and checked). Default false. */
  insecureSkipVerify: z.boolean().optional(),
  /** SNI and verification name, when it differs from the URL's host. */
  serverName: z.string().optional(),
  /** Fail when the server's certificate expires within this many days. */
  expiryWarningDays: z.number().nonnegative('must not be negative').optional(),
});

const regexpSchema = z.string().superRefine((pattern, context) => {
  try {
    compileGoRegexp(pattern);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

const urlSchema = z.string().superRefine((text, context) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The URL may carry credentials: never quote it.
    context.addIssue({ code: 'custom', message: 'not a valid URL' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    context.addIssue({
      code: 'custom',
      message: `unsupported scheme ${url.protocol} (http: or https:)`,
    });
});

/** One HTTP request: the `http` check, and an HTTP endpoint serving a score. */
const httpRequestShape = {
  url: urlSchema,
  /** Default `GET`. */
  method: z
    .string()
    .regex(/^[A-Za-z]+$/, 'must be an HTTP method such as GET')
    .optional(),
  headers: stringMap.optional(),
  /** Request body, e.g. for a POST. */
  body: z.string().optional(),
  /** Expected status codes: numbers, `"200-299"` ranges or `"2xx"` classes. Default 2xx. */
  expectedStatus: z
    .array(z.union([z.number().int(), z.string()]))
    .min(1, 'must list at least one status')
    .superRefine((entries, context) => {
      try {
        parseStatusRanges(entries);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .optional(),
  /** Most bytes of the response body read (the rest is ignored). Default 1 MiB. */
  maxBodyBytes: count().optional(),
  tls: tlsOptionsSchema.optional(),
};

const commonShape = {
  /** Unique within the source; the `healthcheck` label of its alert and its state key. */
  name: z.string().min(1, 'name must not be empty'),
  /** Time between the starts of two runs. Default 30 s. */
  intervalMs: positiveMs().optional(),
  /** How long one run may take before it counts as failed. Default 10 s, at most the interval. */
  timeoutMs: positiveMs().optional(),
  /** Consecutive failed runs before the alert fires. Default 3. */
  failureThreshold: count().optional(),
  /** Consecutive successful runs before a firing alert resolves. Default 1. */
  successThreshold: count().optional(),
  /** The alert's `alertname`. Default: the check's name. */
  alertname: z.string().min(1).optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
};

const httpCheckSchema = z
  .strictObject({
    type: z.literal('http'),
    ...commonShape,
    ...httpRequestShape,
    /** The body must contain this text. */
    bodyContains: z.string().optional(),
    /** The body must match this Go RE2 regular expression (unanchored). */
    bodyMatches: regexpSchema.optional(),
    /** Fail when the response takes longer than this, in ms. */
    maxLatencyMs: positiveMs().optional(),
  })
  .refine((check) => check.tls?.expiryWarningDays === undefined || /^https:/i.test(check.url), {
    message: 'a certificate expiry warning needs an https:// URL',
    path: ['tls', 'expiryWarningDays'],
  });

const tcpCheckSchema = z.strictObject({
  type: z.literal('tcp'),
  ...commonShape,
  /** `host:port`, `[ipv6]:port`. */
  address: z.string().superRefine((address, context) => {
    try {
      parseAddress(address);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
});

const commandCheckSchema = z.strictObject({
  type: z.literal('command'),
  ...commonShape,
  /** Program and arguments; run without a shell. */
  command: z.array(z.string()).min(1, 'must name a program'),
  /** Exit codes that count as success. Default `[0]`. */
  expectedExitCodes: z.array(z.number().int()).min(1).optional(),
  cwd: z.string().optional(),
  /** Added to the source process' environment. */
  env: stringMap.optional(),
  /** Most bytes of output (stdout and stderr, the end kept) put on the alert. Default 1024. */
  maxOutputBytes: count().optional(),
});

const functionCheckSchema = z.strictObject({
  type: z.literal('function'),
  ...commonShape,
  run: z.custom<CheckFunction>(isFunction, 'run must be a function'),
});

const scoreCheckSchema = z
  .strictObject({
    type: z.literal('score'),
    ...commonShape,
    /** Reads the score in process. */
    read: z.custom<ScoreFunction>(isFunction, 'read must be a function').optional(),
    /** Reads the score from an HTTP endpoint. */
    http: z
      .strictObject({
        ...httpRequestShape,
        /** Dotted path to the score in a JSON body (`agents.score`); absent: the body is the number. */
        field: z.string().min(1).optional(),
      })
      .optional(),
    /** Fire when the score is below this. */
    below: z.number().optional(),
    /** Fire when the score is above this. */
    above: z.number().optional(),
  })
  .refine((check) => (check.read === undefined) !== (check.http === undefined), {
    message: 'a score check needs exactly one of read and http',
  })
  .refine((check) => check.below !== undefined || check.above !== undefined, {
    message: 'a score check needs a threshold: below, above or both',
  });

const checkSchema = z.discriminatedUnion('type', [
  httpCheckSchema,
  tcpCheckSchema,
  commandCheckSchema,
  functionCheckSchema,
  scoreCheckSchema,
]);

export const healthCheckSourceOptionsSchema = z
  .strictObject({
    /** Source name, in logs and as the state namespace. Default `healthcheck`. */
    name: z.string().min(1).optional(),
    checks: z.array(checkSchema),
    /** How often a firing alert is sent again. Default 1 m (Prometheus' resend delay). */
    resendIntervalMs: positiveMs().optional(),
  })
  .superRefine((options, context) => {
    const seen = new Set<string>();
    options.checks.forEach((check, index) => {
      if (seen.has(check.name))
        context.addIssue({
          code: 'custom',
          path: ['checks', index, 'name'],
          message: `duplicate check name ${JSON.stringify(check.name)}`,
        });
      seen.add(check.name);
      const interval = check.intervalMs ?? DEFAULT_INTERVAL_MS;
      const timeout = check.timeoutMs ?? Math.min(DEFAULT_TIMEOUT_MS, interval);
      if (timeout > interval)
        context.addIssue({
          code: 'custom',
          path: ['checks', index, 'timeoutMs'],
          message: `the timeout (${formatDuration(timeout)}) must not exceed the interval (${formatDuration(interval)})`,
        });
    });
  });

export type HealthCheckSourceOptions = z.input<typeof healthCheckSourceOptionsSchema>;
/** One check as configured in code. */
export type HealthCheckConfig = HealthCheckSourceOptions['checks'][number];
export type HttpCheckConfig = Extract<HealthCheckConfig, { type: 'http' }>;
export type TcpCheckConfig = Extract<HealthCheckConfig, { type: 'tcp' }>;
export type CommandCheckConfig = Extract<HealthCheckConfig, { type: 'command' }>;
export type FunctionCheckConfig = Extract<HealthCheckConfig, { type: 'function' }>;
export type ScoreCheckConfig = Extract<HealthCheckConfig, { type: 'score' }>;
export type HttpRequestConfig = Pick<HttpCheckConfig, keyof typeof httpRequestShape>;
export type TlsConfig = z.input<typeof tlsOptionsSchema>;

/** A check with its defaults filled in. */
export type ResolvedCheck = HealthCheckConfig & {
  intervalMs: number;
  timeoutMs: number;
  failureThreshold: number;
  successThreshold: number;
  alertname: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

export function resolveCheck(check: HealthCheckConfig): ResolvedCheck {
  const intervalMs = check.intervalMs ?? DEFAULT_INTERVAL_MS;
  return {
    ...check,
    intervalMs,
    timeoutMs: check.timeoutMs ?? Math.min(DEFAULT_TIMEOUT_MS, intervalMs),
    failureThreshold: check.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD,
    successThreshold: check.successThreshold ?? DEFAULT_SUCCESS_THRESHOLD,
    alertname: check.alertname ?? check.labels?.alertname ?? check.name,
    labels: check.labels ?? {},
    annotations: check.annotations ?? {},
  };
}

export const defaults = {
  intervalMs: DEFAULT_INTERVAL_MS,
  timeoutMs: DEFAULT_TIMEOUT_MS,
  failureThreshold: DEFAULT_FAILURE_THRESHOLD,
  successThreshold: DEFAULT_SUCCESS_THRESHOLD,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
  resendIntervalMs: DEFAULT_RESEND_INTERVAL_MS,
} as const;
