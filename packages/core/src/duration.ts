import { z } from 'zod';
import { PhoenixError } from './errors.js';

// A port of Prometheus' model.ParseDuration and Duration.String() (prometheus/common,
// model/time.go). Arithmetic runs on BigInt nanoseconds so the overflow checks match Go's int64
// time.Duration exactly; results are whole milliseconds, well inside Number's safe range.

const NANOS_PER_MS = 1_000_000n;
const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_INT64 = (1n << 63n) - 1n;

const MS_PER_SECOND = 1000n;
const MS_PER_MINUTE = 60n * MS_PER_SECOND;
const MS_PER_HOUR = 60n * MS_PER_MINUTE;
const MS_PER_DAY = 24n * MS_PER_HOUR;
const MS_PER_WEEK = 7n * MS_PER_DAY;
const MS_PER_YEAR = 365n * MS_PER_DAY;

// Units must appear from biggest to smallest (`position` strictly increasing), so that "1m1d"
// cannot be mistaken for one month and one day.
const units: ReadonlyMap<string, { position: number; nanos: bigint }> = new Map([
  ['y', { position: 1, nanos: MS_PER_YEAR * NANOS_PER_MS }],
  ['w', { position: 2, nanos: MS_PER_WEEK * NANOS_PER_MS }],
  ['d', { position: 3, nanos: MS_PER_DAY * NANOS_PER_MS }],
  ['h', { position: 4, nanos: MS_PER_HOUR * NANOS_PER_MS }],
  ['m', { position: 5, nanos: MS_PER_MINUTE * NANOS_PER_MS }],
  ['s', { position: 6, nanos: MS_PER_SECOND * NANOS_PER_MS }],
  ['ms', { position: 7, nanos: NANOS_PER_MS }],
]);

type ParseResult =
  | { ok: true; ms: number }
  | { ok: false; reason: 'empty' | 'syntax' | 'order' | 'range' }
  | { ok: false; reason: 'unit'; unit: string };

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function tryParseDuration(text: string): ParseResult {
  if (text === '0') return { ok: true, ms: 0 };
  if (text === '') return { ok: false, reason: 'empty' };

  let rest = text;
  let nanos = 0n;
  let lastPosition = 0;
  while (rest !== '') {
    let i = 0;
    while (isDigit(rest[i])) i++;
    if (i === 0) return { ok: false, reason: 'syntax' };
    const value = BigInt(rest.slice(0, i));
    // Go's strconv.ParseUint fails past the uint64 range, which ParseDuration reports as syntax.
    if (value > MAX_UINT64) return { ok: false, reason: 'syntax' };
    rest = rest.slice(i);

    let j = 0;
    while (j < rest.length && !isDigit(rest[j])) j++;
    if (j === 0) return { ok: false, reason: 'syntax' };
    const unitName = rest.slice(0, j);
    rest = rest.slice(j);
    const unit = units.get(unitName);
    if (!unit) return { ok: false, reason: 'unit', unit: unitName };
    if (unit.position <= lastPosition) return { ok: false, reason: 'order' };
    lastPosition = unit.position;

    if (value > (1n << 63n) / unit.nanos) return { ok: false, reason: 'range' };
    nanos += value * unit.nanos;
    if (nanos > MAX_INT64) return { ok: false, reason: 'range' };
  }
  return { ok: true, ms: Number(nanos / NANOS_PER_MS) };
}

/** Go's `%q` for a string: double-quoted, with Go escapes for anything not printable. */
function goQuote(text: string): string {
  const escapes: Record<string, string> = {
    '"': '\\"',
    '\\': '\\\\',
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
  };
  let quoted = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (escapes[char] !== undefined) quoted += escapes[char];
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (char !== ' ' && /^[\p{C}\p{Z}]$/u.test(char)) {
      quoted +=
        code > 0xffff
          ? `\\U${code.toString(16).padStart(8, '0')}`
          : `\\u${code.toString(16).padStart(4, '0')}`;
    } else quoted += char;
  }
  return `"${quoted}"`;
}

function describeFailure(text: string, result: Exclude<ParseResult, { ok: true }>): string {
  switch (result.reason) {
    case 'empty':
      return 'empty duration string';
    case 'syntax':
    case 'order':
      return `not a valid duration string: ${goQuote(text)}`;
    case 'unit':
      return `unknown unit ${goQuote(result.unit)} in duration ${goQuote(text)}`;
    case 'range':
      return 'duration out of range';
  }
}

/**
 * Parses a Prometheus duration such as `30s`, `5m` or `1h30m` into milliseconds.
 *
 * Units are `y` (365 days), `w` (7 days), `d` (24 hours), `h`, `m`, `s` and `ms`, each used at
 * most once and from biggest to smallest. `0` needs no unit. Negative and fractional durations are
 * rejected, and so is anything past Go's `time.Duration` range (about 292 years).
 *
 * @throws PhoenixError `ERR_DURATION_INVALID` with the message Prometheus gives, e.g.
 *   `not a valid duration string: "1h 30m"` or `unknown unit "x" in duration "5x"`.
 */
export function parseDuration(text: string): number {
  const result = tryParseDuration(text);
  if (!result.ok) throw new PhoenixError('ERR_DURATION_INVALID', describeFailure(text, result));
  return result.ms;
}

/**
 * Formats milliseconds the way Prometheus prints a duration: `1h30m`, `5m`, `1s500ms`, `0s`.
 * Years and weeks are used only when they divide the duration exactly (`14d` prints as `2w`, but
 * `23d1h` stays in days). Fractions of a millisecond are truncated toward zero, and a negative
 * duration is prefixed with `-`, as Go does.
 *
 * @throws PhoenixError `ERR_DURATION_INVALID` when `ms` is not a finite number.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) {
    throw new PhoenixError('ERR_DURATION_INVALID', `not a finite number of milliseconds: ${ms}`);
  }
  let rest = BigInt(Math.trunc(ms));
  if (rest === 0n) return '0s';
  const negative = rest < 0n;
  if (negative) rest = -rest;

  let text = '';
  const take = (unit: string, size: bigint, exact: boolean): void => {
    if (exact && rest % size !== 0n) return;
    const count = rest / size;
    if (count > 0n) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  };
  // Years and weeks only when exact: 90d reads better than 12w6d.
  take('y', MS_PER_YEAR, true);
  take('w', MS_PER_WEEK, true);
  take('d', MS_PER_DAY, false);
  take('h', MS_PER_HOUR, false);
  take('m', MS_PER_MINUTE, false);
  take('s', MS_PER_SECOND, false);
  take('ms', 1n, false);
  return negative ? `-${text}` : text;
}

const EXPECTED = 'expected a duration such as 30s, 5m or 1h30m';

function describeNonString(input: unknown): string {
  if (input === undefined) return `missing required value, ${EXPECTED}`;
  if (typeof input === 'number') {
    const hint = Number.isInteger(input) && input >= 0 ? ` (add a unit, e.g. "${input}s")` : '';
    return `${EXPECTED}, got the number ${input}${hint}`;
  }
  if (input === null) return `${EXPECTED}, got null`;
  return `${EXPECTED}, got ${Array.isArray(input) ? 'an array' : `a ${typeof input}`}`;
}

/**
 * Zod schema for a Prometheus duration in a config file: takes the text (`"1h30m"`) and outputs
 * milliseconds. An invalid value yields one issue such as
 * `expected a duration such as 30s, 5m or 1h30m, got "abc"`.
 *
 * Alertmanager's YAML library hands a duration field the scalar's text as written, so `0` is
 * valid and `30` is not (no unit); `parseConfig` with `scalars: 'source'` does the same. A number
 * is read as its text too, so that `0` works in a configuration built in code or read as YAML 1.2.
 */
export const durationSchema: z.ZodType<number, string | number> = z
  .union([z.string(), z.number()], { error: (issue) => describeNonString(issue.input) })
  .transform((input, context) => {
    const text = String(input);
    const result = tryParseDuration(text);
    if (result.ok) return result.ms;
    if (typeof input === 'number') {
      context.addIssue({ code: 'custom', message: describeNonString(input), input });
      return z.NEVER;
    }
    let message = `${EXPECTED}, got ${JSON.stringify(text)}`;
    if (/^[0-9]+$/.test(text)) message += ` (add a unit, e.g. "${text}s")`;
    if (result.reason === 'unit') message += ` (unknown unit ${JSON.stringify(result.unit)})`;
    if (result.reason === 'order')
      message += ' (units go from biggest to smallest, each at most once)';
    if (result.reason === 'range') message += ' (longer than the maximum of about 292 years)';
    context.addIssue({ code: 'custom', message, input: text });
    return z.NEVER;
  });
