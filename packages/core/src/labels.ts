import { PhoenixError } from './errors.js';

/** A label set (or annotations): names to values. Alertmanager's `model.LabelSet`. */
export type Labels = Readonly<Record<string, string>>;

/**
 * Prometheus' legacy label name rule, `^[a-zA-Z_][a-zA-Z0-9_]*$`, as `model.LabelName.IsValid`
 * in the prometheus/common version Alertmanager 0.25 uses.
 */
export function isValidLabelName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    if (!letter && !(i > 0 && c >= 48 && c <= 57)) return false;
  }
  return true;
}

/**
 * `model.LabelValue.IsValid`: the value is valid UTF-8. A JavaScript string fails only when it
 * holds a lone surrogate, which has no UTF-8 form.
 */
export function isValidLabelValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const next = value.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/**
 * Compares strings the way Go does: by their UTF-8 bytes (that is, by code point). It differs
 * from JavaScript's default order only where a surrogate pair meets U+E000–U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Move surrogates (astral code points) above U+E000–U+FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** The names of a label set in Go's string order, as Alertmanager sorts them. */
export function sortedLabelNames(labels: Labels): string[] {
  const names = Object.keys(labels);
  // Sets usually come sorted (Prometheus sends them so): checking is cheaper than sorting.
  if (!isAscending(names)) names.sort();
  for (const name of names) {
    for (let i = 0; i < name.length; i++) {
      if (name.charCodeAt(i) >= 0xd800) return names.sort(compareUtf8);
    }
  }
  return names;
}

function isAscending(names: readonly string[]): boolean {
  for (let i = 1; i < names.length; i++) if (!(names[i - 1]! < names[i]!)) return false;
  return true;
}

const printableAt = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/uy;
const shortEscapes: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0b: '\\v',
  0x0c: '\\f',
  0x0d: '\\r',
  0x22: '\\"',
  0x5c: '\\\\',
};

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

/**
 * Go's `strconv.Quote` (`%q`): printable characters as they are, the rest escaped. Printable
 * follows the Unicode tables of this runtime, which may know characters newer than Go's (Go 1.19:
 * Unicode 13, so Alertmanager 0.25 escapes e.g. U+1FAE0 as `\U0001fae0`). A lone surrogate, which
 * Go could not hold, is shown as `\udXXX`.
 */
export function goQuote(text: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) continue;
    const code = text.codePointAt(i) ?? c;
    const width = code > 0xffff ? 2 : 1;
    if (c >= 0x80) {
      printableAt.lastIndex = i;
      if (printableAt.test(text)) {
        i += width - 1;
        continue;
      }
    }
    let escaped = shortEscapes[c];
    if (escaped === undefined) {
      if (c < 0x20 || c === 0x7f) escaped = `\\x${hex(c, 2)}`;
      else if (code > 0xffff) escaped = `\\U${hex(code, 8)}`;
      else escaped = `\\u${hex(code, 4)}`;
    }
    out += text.slice(start, i) + escaped;
    i += width - 1;
    start = i + 1;
  }
  return `${out}${text.slice(start)}"`;
}

/**
 * `model.LabelSet.String()` of Alertmanager 0.25: `{a="b", c="d"}`, values `%q`-quoted. Pairs are
 * sorted as whole `name="value"` strings (Go `sort.Strings`), not by name, so `{a1="x", a="y"}`:
 * this is the form inside Alertmanager's group keys.
 */
export function labelsToString(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}=${goQuote(value)}`);
  return `{${pairs.sort(compareUtf8).join(', ')}}`;
}

/**
 * Every problem of a label set, in name order; empty when valid. Wording is Alertmanager's
 * (`model.LabelSet.Validate`, `Alert.Validate`) without the `invalid label set: ` prefix the alert
 * adds: `invalid name "1abc"`, `invalid value "\udc00" for label "summary"`,
 * `at least one label pair required`.
 *
 * For `labels` (the default), a pair with an empty value is ignored, whatever its name: the
 * Alertmanager API drops such pairs before validating (`removeEmptyLabels`), and at least one pair
 * must remain. `annotations` keep their empty values and may be empty.
 */
export function labelProblems(labels: Labels, what: 'labels' | 'annotations' = 'labels'): string[] {
  // Nearly every set is valid: check it in key order first, and sort (for the order of the
  // messages) only when there is something to report. The sort was most of the cost per alert.
  if (isValidSet(labels, what)) return [];
  const problems: string[] = [];
  let pairs = 0;
  for (const name of sortedLabelNames(labels)) {
    const value: unknown = labels[name];
    if (what === 'labels' && value === '') continue;
    pairs++;
    if (!isValidLabelName(name)) problems.push(`invalid name ${goQuote(name)}`);
    if (typeof value !== 'string') {
      problems.push(`invalid value ${String(value)} for label ${goQuote(name)}: not a string`);
    } else if (!isValidLabelValue(value)) {
      problems.push(`invalid value ${goQuote(value)} for label ${goQuote(name)}`);
    }
  }
  if (what === 'labels' && pairs === 0) problems.push('at least one label pair required');
  return problems;
}

/** Whether `labelProblems` has nothing to report, without sorting the names. */
function isValidSet(labels: Labels, what: 'labels' | 'annotations'): boolean {
  let pairs = 0;
  for (const name in labels) {
    if (!Object.hasOwn(labels, name)) continue;
    const value: unknown = labels[name];
    if (what === 'labels' && value === '') continue;
    pairs++;
    if (!isValidLabelName(name) || typeof value !== 'string' || !isValidLabelValue(value))
      return false;
  }
  return what !== 'labels' || pairs > 0;
}

/** Throws a `PhoenixError` (`ERR_LABELS_INVALID`) listing every problem of `labelProblems`. */
export function validateLabels(labels: Labels): void {
  const problems = labelProblems(labels, 'labels');
  if (problems.length > 0) {
    throw new PhoenixError('ERR_LABELS_INVALID', `invalid label set: ${problems.join('; ')}`);
  }
}
