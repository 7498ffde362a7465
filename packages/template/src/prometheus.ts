// Prometheus 2.42's template functions (template/template.go) and alert-rule expansion
// (rules/alerting.go): the `$labels`, `$externalLabels`, `$externalURL` and `$value` prelude.
import { parseDuration } from '@phoenix-alerting/core';
import { TemplateError } from './errors.js';
import type { TemplateLimits } from './limits.js';
import { sprintf } from './fmt.js';
import { goFunc } from './func-spec.js';
import type { GoFuncSpec } from './func-spec.js';
import { GoTime } from './go-time.js';
import { matchString, mustCompile, replaceAllString } from './go-regexp-funcs.js';
import { queryEscape } from './builtins.js';
import { TemplateSet } from './template-set.js';
import { GoMap, GoStruct, goTypeName } from './values.js';

/** One sample of a `query` result: `.Labels` and `.Value`, as Prometheus' templates see it. */
export class PrometheusSample extends GoStruct {
  readonly Labels: GoMap<string>;
  constructor(
    labels: Record<string, string>,
    readonly Value: number,
  ) {
    super();
    this.Labels = stringMap(labels);
  }
  goType(): string {
    return '*template.sample';
  }
  goFields(): readonly string[] {
    return ['Labels', 'Value'];
  }
}

/**
 * Runs a PromQL instant query for the `query` template function. Prometheus evaluates it
 * synchronously while expanding; here the callback must answer synchronously too (run the
 * queries beforehand and answer from the results, or throw to report an error).
 */
export type PrometheusQueryFunc = (
  query: string,
) => ReadonlyArray<{ labels: Record<string, string>; value: number }>;

export interface PrometheusFuncsOptions {
  /** Prometheus' `--web.external-url`; `externalURL` and `pathPrefix` read it. Default ''. */
  externalURL?: string;
  /** Answers `query`; without it `query` fails with an error naming the missing callback. */
  query?: PrometheusQueryFunc;
}

/** A `map[string]string`: missing keys read as '' under missingkey=zero. */
export function stringMap(record: Record<string, string>): GoMap<string> {
  return new GoMap(new Map(Object.entries(record)), 'map[string]string', '');
}

function convertToFloat(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return value;
    case 'bigint':
      return Number(value);
    case 'string': {
      const parsed = parseGoFloatString(value);
      if (parsed === undefined)
        throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`);
      return parsed;
    }
  }
  throw new Error(`can't convert ${goTypeName(value)} to float`);
}

function parseGoFloatString(text: string): number | undefined {
  const t = text.replaceAll('_', '');
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return Number(t.replace(/^([+-]?)0[xX]/, '$10x'));
  return undefined;
}

const g4 = (v: number, suffix = ''): string => sprintf(`%.4g${suffix}`, [v]);

function humanize(value: unknown): string {
  let v = convertToFloat(value);
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

function humanize1024(value: unknown): string {
  let v = convertToFloat(value);
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

function humanizeDuration(value: unknown): string {
  let v = convertToFloat(value);
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v, 's');
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const whole = Math.trunc(v);
    const seconds = whole % 60;
    const minutes = Math.trunc(whole / 60) % 60;
    const hours = Math.trunc(whole / 3600) % 24;
    const days = Math.trunc(whole / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return sign + g4(v, 's');
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v, `${prefix}s`);
}

class NaNOrInf extends Error {}

function floatToTime(v: number): GoTime {
  if (!Number.isFinite(v)) throw new NaNOrInf('value is NaN or Inf');
  const nanos = v * 1e9;
  // Go compares against math.MaxInt64/MinInt64 converted to float64, i.e. ±2^63.
  if (nanos > 2 ** 63 || nanos < -(2 ** 63)) {
    throw new Error(
      `${sprintf('%v', [v])} cannot be represented as a nanoseconds timestamp since it overflows int64`,
    );
  }
  // model.TimeFromUnixNano keeps milliseconds only.
  const ms = Number(BigInt(Math.trunc(nanos)) / 1000000n);
  return new GoTime(ms);
}

/** Go's strings.Title: upper-cases the first letter of each word, leaves the rest alone. */
export function stringsTitle(text: string): string {
  let previous = ' ';
  let out = '';
  for (const char of text) {
    out += isSeparator(previous) ? char.toUpperCase() : char;
    previous = char;
  }
  return out;
}

function isSeparator(char: string): boolean {
  const r = char.codePointAt(0)!;
  if (r <= 0x7f) {
    if (/[0-9a-zA-Z_]/.test(char)) return false;
    return true;
  }
  if (/[\p{L}\p{N}]/u.test(char)) return false;
  return /\s/u.test(char);
}

function splitHostPort(hostPort: string): { host: string; port: string } | undefined {
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end < 0 || hostPort[end + 1] !== ':') return undefined;
    const port = hostPort.slice(end + 2);
    if (port.includes(':') || port.includes('[') || port.includes(']')) return undefined;
    return { host: hostPort.slice(1, end), port };
  }
  const colon = hostPort.lastIndexOf(':');
  if (colon < 0) return undefined;
  const host = hostPort.slice(0, colon);
  if (host.includes(':') || host.includes('[') || host.includes(']')) return undefined;
  return { host, port: hostPort.slice(colon + 1) };
}

function isIP(host: string): boolean {
  return (
    (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) && host.split('.').every((p) => Number(p) <= 255)) ||
    (host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host))
  );
}

function asSample(value: unknown, name: string): PrometheusSample {
  if (value instanceof PrometheusSample) return value;
  throw new Error(
    `wrong type for value; expected *template.sample; got ${goTypeName(value)} (${name})`,
  );
}

function asResult(value: unknown): PrometheusSample[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value) && value.every((v) => v instanceof PrometheusSample)) return value;
  throw new Error(`wrong type for value; expected template.queryResult; got ${goTypeName(value)}`);
}

class QueryResult extends Array<PrometheusSample> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  goType(): string {
    return 'template.queryResult';
  }
}

/** Prometheus 2.42's template functions (the `Expander` function map). */
export function prometheusFuncs(options: PrometheusFuncsOptions = {}): Record<string, GoFuncSpec> {
  const externalURL = options.externalURL ?? '';
  return {
    query: goFunc(['string'], (q: string) => {
      if (!options.query)
        throw new Error('no query function is configured for the query template function');
      const result = new QueryResult();
      for (const sample of options.query(q))
        result.push(new PrometheusSample(sample.labels, sample.value));
      return result;
    }),
    first: goFunc(['any'], (v: unknown) => {
      const result = asResult(v);
      if (result.length > 0) return result[0];
      throw new Error('first() called on vector with no elements');
    }),
    label: goFunc(
      ['string', 'any'],
      (label: string, s: unknown) => asSample(s, 'label').Labels.entries.get(label) ?? '',
    ),
    value: goFunc(['any'], (s: unknown) => asSample(s, 'value').Value),
    strvalue: goFunc(
      ['any'],
      (s: unknown) => asSample(s, 'strvalue').Labels.entries.get('__value__') ?? '',
    ),
    args: goFunc(
      [],
      (...args: unknown[]) => Object.fromEntries(args.map((arg, i) => [`arg${i}`, arg])),
      'any',
    ),
    reReplaceAll: goFunc(
      ['string', 'string', 'string'],
      (pattern: string, repl: string, text: string) =>
        replaceAllString(mustCompile(pattern), text, repl),
    ),
    safeHtml: goFunc(['string'], (text: string) => text),
    match: goFunc(['string', 'string'], matchString),
    title: goFunc(['string'], stringsTitle),
    toUpper: goFunc(['string'], (s: string) => s.toUpperCase()),
    toLower: goFunc(['string'], (s: string) => s.toLowerCase()),
    graphLink: goFunc(['string'], (expr: string) => `/graph?g0.expr=${queryEscape(expr)}&g0.tab=0`),
    tableLink: goFunc(['string'], (expr: string) => `/graph?g0.expr=${queryEscape(expr)}&g0.tab=1`),
    sortByLabel: goFunc(['string', 'any'], (label: string, v: unknown) => {
      const result = asResult(v);
      // sort.Stable, in place, as Prometheus does.
      const sorted = [...result].sort((a, b) => {
        const x = a.Labels.entries.get(label) ?? '';
        const y = b.Labels.entries.get(label) ?? '';
        return x < y ? -1 : x > y ? 1 : 0;
      });
      sorted.forEach((sample, i) => (result[i] = sample));
      return result;
    }),
    humanize: goFunc(['any'], humanize),
    humanize1024: goFunc(['any'], humanize1024),
    humanizeDuration: goFunc(['any'], humanizeDuration),
    humanizePercentage: goFunc(['any'], (value: unknown) => g4(convertToFloat(value) * 100, '%%')),
    humanizeTimestamp: goFunc(['any'], (value: unknown) => {
      const v = convertToFloat(value);
      try {
        return floatToTime(v).String();
      } catch (error) {
        if (error instanceof NaNOrInf) return g4(v);
        throw error;
      }
    }),
    toTime: goFunc(['any'], (value: unknown) => floatToTime(convertToFloat(value))),
    pathPrefix: goFunc([], () => {
      try {
        return new URL(externalURL).pathname.replace(/^\/$/, externalURL.endsWith('/') ? '/' : '');
      } catch {
        return '';
      }
    }),
    externalURL: goFunc([], () => externalURL),
    parseDuration: goFunc(['string'], (d: string) => {
      try {
        return parseDuration(d) / 1000;
      } catch (error) {
        throw new Error((error as Error).message);
      }
    }),
    stripPort: goFunc(['string'], (hostPort: string) => splitHostPort(hostPort)?.host ?? hostPort),
    stripDomain: goFunc(['string'], (hostPort: string) => {
      const split = splitHostPort(hostPort);
      const host = split?.host ?? hostPort;
      if (isIP(host)) return hostPort;
      const short = host.split('.')[0]!;
      if (split && split.port !== '')
        return short.includes(':') ? `[${short}]:${split.port}` : `${short}:${split.port}`;
      return short;
    }),
  };
}

/** The data a Prometheus alerting rule's labels and annotations are expanded with. */
export interface PrometheusTemplateData {
  labels: Record<string, string>;
  value: number;
  externalLabels?: Record<string, string>;
  externalURL?: string;
}

export interface ExpandPrometheusTemplateOptions {
  /** Template name in errors; Prometheus uses `__alert_` + the rule's name. Default `__alert_`. */
  name?: string;
  limits?: TemplateLimits;
  /** Answers the `query` function (see {@link PrometheusQueryFunc}). */
  query?: PrometheusQueryFunc;
}

class AlertTemplateData extends GoStruct {
  constructor(
    readonly Labels: GoMap<string>,
    readonly ExternalLabels: GoMap<string>,
    readonly ExternalURL: string,
    readonly Value: number,
  ) {
    super();
  }
  goType(): string {
    return 'struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }';
  }
  goFields(): readonly string[] {
    return ['Labels', 'ExternalLabels', 'ExternalURL', 'Value'];
  }
}

const PRELUDE =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

/**
 * Expands an alerting rule's label or annotation template as Prometheus does: with the
 * `$labels`/`$externalLabels`/`$externalURL`/`$value` prelude, Prometheus' functions and
 * `missingkey=zero`. Throws TemplateError with Prometheus' wording
 * (`error executing template NAME: template: …`); Prometheus itself then uses
 * `<error expanding template: MESSAGE>` as the value (see {@link prometheusExpansionErrorText}).
 */
export function expandPrometheusTemplate(
  text: string,
  data: PrometheusTemplateData,
  options: ExpandPrometheusTemplateOptions = {},
): string {
  const name = options.name ?? '__alert_';
  const set = new TemplateSet({
    missingKey: 'zero',
    ...(options.limits ? { limits: options.limits } : {}),
  });
  set.addFuncs(
    prometheusFuncs({
      externalURL: data.externalURL ?? '',
      ...(options.query ? { query: options.query } : {}),
    }),
  );
  const dot = new AlertTemplateData(
    stringMap(data.labels),
    stringMap(data.externalLabels ?? {}),
    data.externalURL ?? '',
    data.value,
  );
  try {
    set.parse(name, PRELUDE + text);
  } catch (error) {
    throw rewrap(error, `error parsing template ${name}`);
  }
  try {
    return set.execute(name, dot);
  } catch (error) {
    throw rewrap(error, `error executing template ${name}`);
  }
}

/**
 * Parses a rule's label or annotation template as Prometheus does when it loads a rule file
 * (rulefmt's `ParseTest`, with the same prelude and functions), without executing it. Throws
 * TemplateError with Go's message, e.g. `template: __alert_X:1: function "nosuch" not defined`.
 */
export function checkPrometheusTemplate(text: string, options: { name?: string } = {}): void {
  const set = new TemplateSet({ missingKey: 'zero' });
  set.addFuncs(prometheusFuncs());
  set.parse(options.name ?? '__alert_', PRELUDE + text);
}

/** What Prometheus puts in a label or annotation whose template failed. */
export function prometheusExpansionErrorText(error: unknown): string {
  return `<error expanding template: ${(error as Error)?.message ?? String(error)}>`;
}

function rewrap(error: unknown, prefix: string): TemplateError {
  const inner = error as TemplateError;
  return new TemplateError(`${prefix}: ${inner.message}`, {
    phase: inner.phase ?? 'exec',
    ...(inner.templateName !== undefined ? { templateName: inner.templateName } : {}),
    ...(inner.line !== undefined ? { line: inner.line } : {}),
    ...(inner.column !== undefined ? { column: inner.column } : {}),
    cause: error,
  });
}
