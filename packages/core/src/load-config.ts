import { readFileSync } from 'node:fs';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, Pair, Scalar } from 'yaml';
import type { z } from 'zod';
import { expandEnv } from './env.js';
import { ConfigError, PhoenixError } from './errors.js';
import type { ConfigIssue } from './errors.js';

/**
 * How `parseConfig` decodes scalars before the schema sees them.
 *
 * - `'yaml-1.2'`: by YAML 1.2's core schema, as JavaScript tools do: `5` is a number, `true` a
 *   boolean, `1.10` the number 1.1 and `yes` the text "yes".
 * - `'source'`: as Go's yaml.v2 (Alertmanager's YAML library) leaves the choice to the type of the
 *   field: every scalar is its text as written (`1.10`, `0500`, `True`, `yes`; a quoted scalar its
 *   value) and only the null forms (`~`, `null`, `Null`, `NULL`, nothing) become `null`. The
 *   schema gives the type, with `yamlBoolean`, `yamlInt`, `yamlNumber` and `yamlString`. Keys are
 *   text too.
 */
export type ScalarDecoding = 'yaml-1.2' | 'source';

/** Options for `loadConfig` and `parseConfig`. */
export interface LoadConfigOptions<T> {
  /** Validates the parsed document and gives its output type. Must be synchronous. */
  schema: z.ZodType<T>;
  /**
   * Path of the YAML file. Read (UTF-8) when `text` is absent; otherwise only names the source in
   * error messages.
   */
  file?: string;
  /** The YAML itself; when given, `file` is not read. */
  text?: string;
  /** Variables for `${NAME}` substitution in string values. Defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** What is being loaded, for the error headline: `invalid <subject>:`, e.g. 'alertmanager config'. */
  subject?: string;
  /**
   * How scalars are decoded; a function chooses for each top-level key of the document, for files
   * whose sections follow different rules. Default `'yaml-1.2'`.
   */
  scalars?: ScalarDecoding | ((key: string) => ScalarDecoding);
}

/**
 * Reads, parses and validates a YAML configuration, synchronously.
 *
 * @throws ConfigError listing every problem found: unreadable file, YAML syntax errors (which stop
 *   there), missing environment variables and schema violations, each with its path and position.
 * @throws PhoenixError `ERR_CONFIG_INVALID` when neither `file` nor `text` is given.
 */
export function loadConfig<T>(options: LoadConfigOptions<T>): T {
  const { text, ...rest } = options;
  if (text !== undefined) return parseConfig(text, rest);
  if (options.file === undefined) {
    throw new PhoenixError('ERR_CONFIG_INVALID', 'loadConfig needs either `file` or `text`');
  }
  let source: string;
  try {
    source = readFileSync(options.file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([{ file: options.file, path: '', message: `cannot read: ${reason}` }], {
      cause: error,
      subject: options.subject,
    });
  }
  return parseConfig(source, rest);
}

/**
 * Parses YAML `text`, decodes its scalars as `options.scalars` says, substitutes `${NAME}` in
 * string values (never in keys, and the result is never parsed again, so a variable cannot inject
 * YAML structure), then validates with `schema`. A substituted value stays a string even when it
 * looks like a number (`port: ${PORT}` gives `'8080'`): use `yamlInt` where a number is wanted.
 * Error messages show `${NAME}` rather than a substituted value, which may be a secret. An empty
 * document validates as `{}`. See `loadConfig` for errors.
 */
export function parseConfig<T>(text: string, options: Omit<LoadConfigOptions<T>, 'text'>): T {
  const { file, subject } = options;
  const lineCounter = new LineCounter();
  const where = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return ` (line ${line}, column ${col})`;
  };
  const invalid = (issues: Omit<ConfigIssue, 'file'>[], cause?: unknown): ConfigError =>
    new ConfigError(
      issues.map((issue) => (file === undefined ? issue : { file, ...issue })),
      cause === undefined ? { subject } : { subject, cause },
    );

  // Merge keys (`<<: *defaults`) on, as Alertmanager's yaml.v2 allows them; duplicate keys are
  // errors (uniqueKeys is the default).
  const document = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  if (document.errors.length > 0) {
    throw invalid(
      document.errors.map((error) => ({
        path: '',
        message: `invalid YAML: ${error.message}${where(error.pos[0])}`,
      })),
    );
  }

  decodeScalars(document, options.scalars ?? 'yaml-1.2');

  const located: LocatedIssue[] = [];
  const substituted: Substitution[] = [];
  substituteScalars(document.contents, [], options.env ?? process.env, (entry) => {
    if (entry.missing.length === 0) {
      substituted.push(entry);
      return;
    }
    for (const name of entry.missing) {
      located.push({
        path: entry.path,
        message: `environment variable ${name} is not set`,
        offset: entry.offset,
      });
    }
  });
  const unsetPaths = located.map((issue) => issue.path);

  let data: unknown;
  try {
    data = document.contents === null ? {} : document.toJS();
  } catch (error) {
    // e.g. the alias-count guard against "billion laughs" documents.
    throw invalid([{ path: '', message: `invalid YAML: ${(error as Error).message}` }], error);
  }

  const result = options.schema.safeParse(data, { reportInput: true, error: describeIssue });
  if (!result.success || located.length > 0) {
    for (const issue of result.error ? flattenIssues(result.error.issues, []) : []) {
      // A value still holding an unset `${NAME}` is reported once, as the missing variable.
      if (unsetPaths.some((path) => startsWith(issue.path, path))) continue;
      const node = locate(document, issue.path, issue.atKey);
      located.push({ ...issue, message: redact(issue, substituted), offset: node });
    }
    located.sort((a, b) => (a.offset ?? -1) - (b.offset ?? -1));
    throw invalid(
      located.map((issue) => ({
        path: formatPath(issue.path),
        message: issue.offset === undefined ? issue.message : issue.message + where(issue.offset),
      })),
    );
  }
  return result.data as T;
}

/**
 * Formats a path the way a reader would write it in YAML terms: `route.routes[2].group_wait`.
 * Keys that are not plain names are quoted: `match["service.name"]`. The root is `''`.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'symbol') text += `[${String(segment)}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

interface LocatedIssue {
  path: readonly PropertyKey[];
  message: string;
  /** Offset in the source of the offending node, when it can be found. */
  offset?: number | undefined;
}

interface FlatIssue {
  path: PropertyKey[];
  message: string;
  /** Point at the key rather than the value (unknown and invalid keys). */
  atKey: boolean;
}

interface Substitution {
  path: PropertyKey[];
  offset: number | undefined;
  original: string;
  value: string;
  missing: string[];
}

// The YAML null forms; yaml.v2 and YAML 1.2's core schema agree on them.
const nullForms = new Set(['', '~', 'null', 'Null', 'NULL']);

function decodeScalars(
  document: Document,
  scalars: ScalarDecoding | ((key: string) => ScalarDecoding),
): void {
  const root = document.contents;
  if (scalars === 'source') decodeAsSource(root);
  if (typeof scalars !== 'function' || !isMap(root)) return;
  for (const pair of root.items) {
    if (scalars(keyOf(pair)) !== 'source') continue;
    decodeAsSource(pair.key);
    decodeAsSource(pair.value);
  }
}

// Rewrites every scalar's value to its text, in place, so that toJS() (which also follows aliases
// and merge keys) produces text. Aliases are skipped: the anchored node is rewritten where it is.
function decodeAsSource(node: unknown): void {
  if (isScalar(node)) {
    node.value = sourceValue(node);
  } else if (isMap(node)) {
    for (const pair of node.items) {
      decodeAsSource(pair.key);
      decodeAsSource(pair.value);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) decodeAsSource(item);
  }
}

function sourceValue(scalar: Scalar): unknown {
  const { value, source } = scalar;
  // Text stays as it is (it may hold a substituted variable); a symbol is the merge key `<<`.
  if (typeof value === 'string' || typeof value === 'symbol') return value;
  if (source === undefined) return value;
  if (value === null && nullForms.has(source)) return null;
  return source;
}

function substituteScalars(
  node: unknown,
  path: PropertyKey[],
  env: Readonly<Record<string, string | undefined>>,
  report: (entry: Substitution) => void,
): void {
  // Aliases are skipped: the anchored node is substituted where it is defined.
  if (isScalar(node)) {
    if (typeof node.value !== 'string' || !node.value.includes('${')) return;
    const original = node.value;
    const { value, missing } = expandEnv(original, env);
    node.value = value;
    report({ path, offset: node.range?.[0], original, value, missing });
  } else if (isMap(node)) {
    for (const pair of node.items)
      substituteScalars(pair.value, [...path, keyOf(pair)], env, report);
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => substituteScalars(item, [...path, index], env, report));
  }
}

function keyOf(pair: Pair<unknown, unknown>): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function startsWith(path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

/** Keeps substituted values (often secrets) out of messages: shows `"${NAME}"` instead. */
function redact(issue: FlatIssue, substitutions: readonly Substitution[]): string {
  let message = issue.message;
  let redacted = false;
  for (const entry of substitutions) {
    if (entry.value === '' || !startsWith(issue.path, entry.path)) continue;
    // The full value as custom messages quote it, and as `describeValue` shortens it.
    for (const shown of [entry.value, shorten(entry.value)].map((text) => JSON.stringify(text))) {
      if (!message.includes(shown)) continue;
      message = message.split(shown).join(JSON.stringify(entry.original));
      redacted = true;
    }
  }
  return redacted ? `${message} (substituted value not shown)` : message;
}

/**
 * The source offset for an issue: the value node when the whole path exists (or its key for key
 * issues and empty values), otherwise the key of the deepest part of the path that exists.
 */
function locate(
  document: Document,
  path: readonly PropertyKey[],
  atKey: boolean,
): number | undefined {
  let node: unknown = document.contents;
  let key: YamlNode | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(document);
    let next: unknown;
    let nextKey: YamlNode | undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyOf(item) === String(segment));
      if (pair) {
        next = pair.value;
        nextKey = pair.key as YamlNode;
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (next === undefined) return start(key) ?? start(node);
    node = next;
    key = nextKey;
  }
  const value = start(node);
  const isEmpty = isScalar(node) && node.range?.[0] === node.range?.[1];
  return (atKey || isEmpty || value === undefined ? start(key) : undefined) ?? value;
}

function start(node: unknown): number | undefined {
  return (node as YamlNode | null | undefined)?.range?.[0];
}

function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): FlatIssue[] {
  return issues.flatMap((issue): FlatIssue[] => {
    const path = [...prefix, ...issue.path];
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({
          path: [...path, key],
          message: `unknown key ${JSON.stringify(key)}`,
          atKey: true,
        }));
      case 'invalid_key':
        return [{ path, message: issue.message, atKey: true }];
      case 'invalid_union': {
        const branch = closestBranch(issue.errors);
        return branch
          ? flattenIssues(branch, path)
          : [{ path, message: issue.message, atKey: false }];
      }
      default:
        return [{ path, message: issue.message, atKey: false }];
    }
  });
}

/**
 * When every branch of a union failed, the branch that got deepest into the value is the one the
 * author meant (it matched the type and failed inside), so its issues say more than "no match".
 */
function closestBranch(branches: readonly z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  const depth = (issues: readonly z.core.$ZodIssue[]): number =>
    Math.max(
      ...issues.map((issue) => issue.path.length + (issue.code === 'unrecognized_keys' ? 1 : 0)),
    );
  const depths = branches.map(depth);
  const best = Math.max(0, ...depths);
  const winners = branches.filter((_, i) => depths[i] === best);
  return best > 0 && winners.length === 1 ? winners[0] : undefined;
}

/** Messages that say what was expected and what was found, unless the schema has its own. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  const got = `got ${describeValue(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined)
        return `missing required value, expected ${typeName(issue.expected)}`;
      return `expected ${typeName(issue.expected)}, ${got}`;
    case 'invalid_value':
      return `expected ${oneOf(issue.values)}, ${got}`;
    case 'too_small':
    case 'too_big':
      return describeSize(issue) ?? undefined;
    case 'invalid_format':
      return `expected ${describeFormat(issue)}, ${got}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}, ${got}`;
    case 'invalid_key':
      return `invalid key ${describeValue(issue.input)}: ${issue.issues.map((inner) => inner.message).join('; ')}`;
    case 'invalid_union':
      return describeUnion(issue);
    default:
      return undefined;
  }
}

function describeUnion(issue: z.core.$ZodRawIssue<z.core.$ZodIssueInvalidUnion>): string {
  const options = (issue as { options?: readonly unknown[] }).options;
  if (issue.discriminator !== undefined && options) {
    // The issue's path already ends at the discriminator key; the input is the whole object.
    const input = issue.input as Record<string, unknown> | undefined;
    return `expected ${oneOf(options)}, got ${describeValue(input?.[issue.discriminator])}`;
  }
  if (issue.inclusive === false) return 'matches more than one of the allowed forms';
  // Every branch rejected the type itself: list the types.
  const expected = issue.errors.map((branch) =>
    branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0
      ? typeName(branch[0].expected)
      : undefined,
  );
  if (expected.length > 0 && expected.every((name) => name !== undefined)) {
    return `expected ${[...new Set(expected)].join(' or ')}, got ${describeValue(issue.input)}`;
  }
  return `matches none of the allowed forms, got ${describeValue(issue.input)}`;
}

function describeSize(
  issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig>,
): string | undefined {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const bound = issue.exact ? 'exactly' : small ? 'at least' : 'at most';
  const input = issue.input;
  switch (issue.origin) {
    case 'string':
      return `expected ${bound} ${plural(limit, 'character')}, got ${typeof input === 'string' ? input.length : '?'}`;
    case 'array':
    case 'set': {
      const size = Array.isArray(input) ? input.length : input instanceof Set ? input.size : '?';
      return `expected ${bound} ${plural(limit, 'item')}, got ${size}`;
    }
    case 'number':
    case 'int':
    case 'bigint': {
      const operator = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      return `expected a number ${operator} ${limit}, got ${describeValue(input)}`;
    }
    default:
      return undefined;
  }
}

function describeFormat(issue: z.core.$ZodRawIssue<z.core.$ZodIssueInvalidStringFormat>): string {
  const details = issue as Record<string, unknown>;
  switch (issue.format) {
    case 'regex':
      return `a string matching ${String(issue.pattern)}`;
    case 'starts_with':
      return `a string starting with ${JSON.stringify(details.prefix)}`;
    case 'ends_with':
      return `a string ending with ${JSON.stringify(details.suffix)}`;
    case 'includes':
      return `a string containing ${JSON.stringify(details.includes)}`;
    default:
      return `a valid ${issue.format}`;
  }
}

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  bigint: 'an integer',
  array: 'a list',
  tuple: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  set: 'a list',
  date: 'a date',
  null: 'null',
  undefined: 'nothing',
  never: 'nothing (remove it)',
};

function typeName(expected: string): string {
  return typeNames[expected] ?? expected;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((value) => describeValue(value));
  return shown.length === 1 ? (shown[0] ?? '') : `one of ${shown.join(', ')}`;
}

function plural(count: number | bigint, noun: string): string {
  return `${count} ${noun}${count === 1 || count === 1n ? '' : 's'}`;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A short description of a found value, in YAML terms. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(shorten(value));
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}
