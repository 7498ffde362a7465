// Prometheus rule files (rulefmt), read and validated as `promtool check rules` does: every
// problem is reported with the file, the YAML path and the line, not only the first one.
import { readFileSync } from 'node:fs';
import { ConfigError, formatPath, isValidLabelName, parseDuration } from '@phoenix-alerting/core';
import type { ConfigIssue } from '@phoenix-alerting/core';
import { TemplateSet, prometheusFuncs } from '@phoenix-alerting/template';
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { checkExpression } from './expression.js';

/** An alerting rule, validated, with durations in milliseconds. */
export interface AlertingRule {
  kind: 'alerting';
  /** The alert name (`alert:`), also the `alertname` label. */
  alert: string;
  expr: string;
  /** `for`: how long a series must be returned before the alert fires; 0 fires at once. */
  forMs: number;
  /** `keep_firing_for`: how long a firing alert keeps firing after its series disappears. */
  keepFiringForMs: number;
  /** Label templates added to every alert. */
  labels: Record<string, string>;
  /** Annotation templates. */
  annotations: Record<string, string>;
}

/** A recording rule: read and validated, but not evaluated (Phoenix has no time-series database). */
export interface RecordingRule {
  kind: 'recording';
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export type Rule = AlertingRule | RecordingRule;

/** A rule group, validated. */
export interface RuleGroup {
  name: string;
  /** The file it came from ('' when built in code); with `name`, the group's identity. */
  file: string;
  /** `interval`; undefined means the source's default evaluation interval. */
  intervalMs: number | undefined;
  /** `limit`: most alerts a rule may produce; 0 means no limit. */
  limit: number;
  rules: Rule[];
}

/** What a rule file holds: its groups, and warnings that do not make it invalid. */
export interface ParsedRules {
  groups: RuleGroup[];
  /** E.g. recording rules, which are read but not evaluated. Formatted as `file: path: message`. */
  warnings: string[];
}

/** The Prometheus shape of a group, as written in YAML or built in code. */
export interface RuleGroupInput {
  name: string;
  interval?: string;
  limit?: number;
  rules: RuleInput[];
}

/** The Prometheus shape of a rule, as written in YAML or built in code. */
export interface RuleInput {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Options of {@link parseRuleFile} and {@link validateRuleGroups}. */
export interface RuleCheckOptions {
  /**
   * Checks an expression and returns what is wrong, or undefined. Defaults to a syntax check that
   * every query language here passes when well formed (balanced brackets and quotes).
   */
  checkExpression?: (expr: string) => string | undefined;
}

const groupKeys = new Set(['name', 'interval', 'limit', 'rules']);
const ruleKeys = new Set([
  'record',
  'alert',
  'expr',
  'for',
  'keep_firing_for',
  'labels',
  'annotations',
]);

// Prometheus' template data definitions, prepended when it parses and expands a rule template.
const templateDefinitions =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

type Locate = (path: readonly PropertyKey[]) => string;

/**
 * Parses and validates a rule file's text. `file` names it in messages and in the groups.
 * @throws ConfigError listing every problem as `file: path: message (line L, column C)`.
 */
export function parseRuleFile(
  text: string,
  file: string,
  options: RuleCheckOptions = {},
): ParsedRules {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const where = (offset: number | undefined): string => {
    if (offset === undefined) return '';
    const { line, col } = lineCounter.linePos(offset);
    return ` (line ${line}, column ${col})`;
  };
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => ({
        file,
        path: '',
        message: `invalid YAML: ${error.message}${where(error.pos[0])}`,
      })),
      { subject: 'rule file' },
    );
  }
  const data: unknown = document.contents === null ? {} : document.toJS({ maxAliasCount: 100 });
  if (!isObject(data)) {
    throw new ConfigError(
      [
        {
          file,
          path: '',
          message: `expected a mapping with \`groups\`, got ${describe(data)}${where(0)}`,
        },
      ],
      { subject: 'rule file' },
    );
  }
  return validateRuleGroups(data, file, options, (path) => where(offsetOf(document, path)));
}

/** Reads and validates rule files; every file's problems are reported together. */
export function loadRuleFiles(
  paths: readonly string[],
  options: RuleCheckOptions = {},
): ParsedRules {
  const result: ParsedRules = { groups: [], warnings: [] };
  const issues: ConfigIssue[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      issues.push({ file: path, path: '', message: `cannot read: ${(error as Error).message}` });
      continue;
    }
    try {
      const parsed = parseRuleFile(text, path, options);
      result.groups.push(...parsed.groups);
      result.warnings.push(...parsed.warnings);
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues, { subject: 'rule files' });
  return result;
}

/**
 * Validates groups given as data (the Prometheus YAML shape: `{ groups: [...] }` or the array of
 * groups itself), as {@link parseRuleFile} does for a file.
 */
export function validateRuleGroups(
  data: unknown,
  file: string,
  options: RuleCheckOptions = {},
  locate: Locate = () => '',
): ParsedRules {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const fail = (path: PropertyKey[], message: string) =>
    issues.push({ file, path: formatPath(path), message: message + locate(path) });
  const check = options.checkExpression ?? checkExpression;

  const root = Array.isArray(data) ? { groups: data } : data;
  if (!isObject(root)) {
    fail([], 'expected a mapping with `groups`');
    throw new ConfigError(issues, { subject: 'rule file' });
  }
  for (const key of Object.keys(root)) {
    if (key !== 'groups')
      fail([key], `unknown field ${JSON.stringify(key)} (expected only "groups")`);
  }
  const rawGroups = root.groups ?? [];
  if (!Array.isArray(rawGroups)) fail(['groups'], 'expected a list of rule groups');
  const groups: RuleGroup[] = [];
  const seen = new Set<string>();
  for (const [g, rawGroup] of (Array.isArray(rawGroups) ? rawGroups : []).entries()) {
    const at = ['groups', g];
    if (!isObject(rawGroup)) {
      fail(at, 'expected a rule group (a mapping with name and rules)');
      continue;
    }
    for (const key of Object.keys(rawGroup)) {
      if (!groupKeys.has(key))
        fail([...at, key], `unknown field ${JSON.stringify(key)} in rule group`);
    }
    const name = typeof rawGroup.name === 'string' ? rawGroup.name : '';
    if (name === '') fail([...at, 'name'], 'Groupname must not be empty');
    else if (seen.has(name))
      fail([...at, 'name'], `groupname: "${name}" is repeated in the same file`);
    seen.add(name);
    const intervalMs =
      rawGroup.interval === undefined || rawGroup.interval === null
        ? undefined
        : duration(rawGroup.interval, [...at, 'interval'], fail);
    if (intervalMs === 0) fail([...at, 'interval'], 'interval must be greater than 0');
    let limit = 0;
    if (rawGroup.limit !== undefined && rawGroup.limit !== null) {
      if (
        typeof rawGroup.limit === 'number' &&
        Number.isInteger(rawGroup.limit) &&
        rawGroup.limit >= 0
      )
        limit = rawGroup.limit;
      else
        fail(
          [...at, 'limit'],
          `expected a non-negative integer, got ${JSON.stringify(rawGroup.limit)}`,
        );
    }
    const rawRules = rawGroup.rules ?? [];
    if (!Array.isArray(rawRules)) fail([...at, 'rules'], 'expected a list of rules');
    const rules: Rule[] = [];
    for (const [r, rawRule] of (Array.isArray(rawRules) ? rawRules : []).entries()) {
      const rule = validateRule(rawRule, [...at, 'rules', r], fail, check);
      if (rule) rules.push(rule);
      if (rule?.kind === 'recording') {
        warnings.push(
          `${file}: ${formatPath([...at, 'rules', r])}: recording rule "${rule.record}" is not evaluated ` +
            '(Phoenix has no time-series database to write it to); evaluate it in Prometheus or Loki',
        );
      }
    }
    groups.push({ name, file, intervalMs, limit, rules });
  }
  if (issues.length > 0) throw new ConfigError(issues, { subject: 'rule file' });
  return { groups, warnings };
}

function validateRule(
  raw: unknown,
  at: PropertyKey[],
  fail: (path: PropertyKey[], message: string) => void,
  check: (expr: string) => string | undefined,
): Rule | undefined {
  if (!isObject(raw)) {
    fail(at, 'expected a rule (a mapping with alert or record, and expr)');
    return undefined;
  }
  let problems = 0;
  const counting = (path: PropertyKey[], message: string) => {
    problems++;
    fail(path, message);
  };
  for (const key of Object.keys(raw)) {
    if (!ruleKeys.has(key)) counting([...at, key], `unknown field ${JSON.stringify(key)} in rule`);
  }
  const alert = text(raw.alert, [...at, 'alert'], counting);
  const record = text(raw.record, [...at, 'record'], counting);
  const expr = text(raw.expr, [...at, 'expr'], counting);
  if (alert && record) counting(at, "only one of 'record' and 'alert' must be set");
  if (!alert && !record) counting(at, "one of 'record' or 'alert' must be set");
  if (!expr) counting([...at, 'expr'], "field 'expr' must be set in rule");
  else {
    const problem = check(expr);
    if (problem) counting([...at, 'expr'], `could not parse expression: ${problem}`);
  }
  const labels = stringMap(raw.labels, [...at, 'labels'], counting);
  const annotations = stringMap(raw.annotations, [...at, 'annotations'], counting);
  for (const name of Object.keys(labels)) {
    if (!isValidLabelName(name) || name === '__name__')
      counting([...at, 'labels', name], `invalid label name: ${name}`);
  }
  for (const name of Object.keys(annotations)) {
    if (!isValidLabelName(name))
      counting([...at, 'annotations', name], `invalid annotation name: ${name}`);
  }
  const forMs =
    raw.for === undefined || raw.for === null
      ? 0
      : (duration(raw.for, [...at, 'for'], counting) ?? 0);
  const keepFiringForMs =
    raw.keep_firing_for === undefined || raw.keep_firing_for === null
      ? 0
      : (duration(raw.keep_firing_for, [...at, 'keep_firing_for'], counting) ?? 0);

  if (record && !alert) {
    if (raw.annotations !== undefined)
      counting([...at, 'annotations'], "invalid field 'annotations' in recording rule");
    if (raw.for !== undefined) counting([...at, 'for'], "invalid field 'for' in recording rule");
    if (raw.keep_firing_for !== undefined)
      counting([...at, 'keep_firing_for'], "invalid field 'keep_firing_for' in recording rule");
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(record))
      counting([...at, 'record'], `invalid recording rule name: ${record}`);
  } else if (alert) {
    // Prometheus parses every template of an alerting rule when it loads the file.
    const parse = (kind: 'labels' | 'annotations', name: string, template: string) => {
      if (!template.includes('{{')) return; // plain text: nothing to parse
      try {
        const set = new TemplateSet();
        set.addFuncs(prometheusFuncs({ externalURL: '' }));
        set.parse(`__alert_${alert}`, templateDefinitions + template);
      } catch (error) {
        const what = kind === 'labels' ? 'label' : 'annotation';
        counting(
          [...at, kind, name],
          `${what} ${JSON.stringify(name)}: ${(error as Error).message}`,
        );
      }
    };
    for (const [name, template] of Object.entries(labels)) parse('labels', name, template);
    for (const [name, template] of Object.entries(annotations))
      parse('annotations', name, template);
  }
  if (problems > 0) return undefined;
  if (record) return { kind: 'recording', record, expr, labels };
  return { kind: 'alerting', alert, expr, forMs, keepFiringForMs, labels, annotations };
}

function text(
  value: unknown,
  path: PropertyKey[],
  fail: (path: PropertyKey[], message: string) => void,
): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  fail(path, `expected a string, got ${describe(value)}`);
  return '';
}

function stringMap(
  value: unknown,
  path: PropertyKey[],
  fail: (path: PropertyKey[], message: string) => void,
): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    fail(path, `expected a mapping of names to strings, got ${describe(value)}`);
    return {};
  }
  const result: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value)) {
    const converted = text(entry, [...path, name], fail);
    if (entry !== undefined && entry !== null) result[name] = converted;
    else result[name] = '';
  }
  return result;
}

function duration(
  value: unknown,
  path: PropertyKey[],
  fail: (path: PropertyKey[], message: string) => void,
): number | undefined {
  const source = typeof value === 'number' ? String(value) : value;
  if (typeof source !== 'string') {
    fail(path, `expected a duration such as 30s, 5m or 1h30m, got ${describe(value)}`);
    return undefined;
  }
  try {
    return parseDuration(source);
  } catch (error) {
    const hint = /^[0-9]+$/.test(source) ? ` (add a unit, e.g. "${source}s")` : '';
    fail(path, `${(error as Error).message}${hint}`);
    return undefined;
  }
}

function offsetOf(document: Document, path: readonly PropertyKey[]): number | undefined {
  // The deepest node that exists along the path: a missing field points at its parent mapping.
  for (let length = path.length; length >= 0; length--) {
    const node = document.getIn(path.slice(0, length), true) as
      { range?: [number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return node.range[0];
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a mapping' : JSON.stringify(value);
}
