// Alertmanager 0.25 label matchers (pkg/labels/matcher.go), with regexes run by re2js so that
// untrusted patterns match in linear time, as Go's RE2-based regexp package does.
import type { RE2JS } from 're2js';

import { PhoenixError } from './errors.js';
import { compileGoRegexp } from './go-regexp.js';

/** The four Alertmanager operators: equal, not equal, regex match, regex non-match. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/**
 * The shape of a matcher in Alertmanager's API v2 (`silences`, `alerts?filter=`) and in its JSON
 * encoding: `isRegex` selects `=~`/`!~`, `isEqual` selects the positive operator.
 */
export interface ApiMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** `false` negates the matcher (`!=`, `!~`). Defaults to `true`, as in Alertmanager. */
  isEqual?: boolean;
}

const MAX_CACHED_REGEXES = 1024;
// Keyed by the user's pattern; Map keeps insertion order, so the first key is the least recently
// used one. Matchers are created far less often than they are matched, so this is off the hot path.
const regexCache = new Map<string, RE2JS>();

// A pattern without any of these is a `|`-separated list of literals.
const REGEX_META = /[\\.+*?()[\]{}^$]/;

/** One label matcher with Alertmanager semantics. Create with {@link createMatcher}. */
export class Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;

  // The result of the comparison is inverted for `!=` and `!~`.
  readonly #positive: boolean;
  readonly #regex: RE2JS | undefined;
  // `=~"a|b|c"` is a set lookup: exactly what `^(?:a|b|c)$` means, without running a regex.
  readonly #literals: ReadonlySet<string> | undefined;

  /** @throws PhoenixError `ERR_MATCHER_INVALID` for an unknown type or a regex that does not compile. */
  constructor(type: MatchType, name: string, value: string) {
    this.type = type;
    this.name = name;
    this.value = value;
    switch (type) {
      case '=':
      case '!=':
        this.#positive = type === '=';
        break;
      case '=~':
      case '!~':
        this.#positive = type === '=~';
        this.#regex = compileAnchored(type, name, value);
        if (!REGEX_META.test(value)) this.#literals = new Set(value.split('|'));
        break;
      default:
        throw new PhoenixError(
          'ERR_MATCHER_INVALID',
          `invalid matcher ${JSON.stringify(name)}: unknown match type ${JSON.stringify(type)}`,
        );
    }
  }

  /** `true` when `value` (the label value; `''` when the label is absent) satisfies the matcher. */
  matches(value: string): boolean {
    let matched: boolean;
    if (this.#literals !== undefined) matched = this.#literals.has(value);
    else if (this.#regex !== undefined) matched = this.#regex.test(value);
    else matched = value === this.value;
    return matched === this.#positive;
  }

  /** Alertmanager's `Matcher.String()`: `name`, operator, then the value quoted and escaped. */
  toString(): string {
    return formatMatcher(this.type, this.name, this.value);
  }
}

/**
 * Creates a matcher, compiling the regex for `=~` and `!~` (anchored as `^(?:value)$`, RE2 syntax).
 * The label name is not validated, as in Alertmanager's `NewMatcher`.
 * @throws PhoenixError `ERR_MATCHER_INVALID` naming the matcher and the regex error.
 */
export function createMatcher(type: MatchType, name: string, value: string): Matcher {
  return new Matcher(type, name, value);
}

/** `true` when every matcher matches; an absent label is treated as the empty string. */
export function matchLabels(
  matchers: readonly Matcher[],
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const matcher of matchers) {
    // Own properties only: `constructor` or `__proto__` must not read the prototype.
    const value = Object.hasOwn(labels, matcher.name) ? labels[matcher.name]! : '';
    if (!matcher.matches(value)) return false;
  }
  return true;
}

/** Converts an API v2 matcher; a missing `isEqual` means `true`. */
export function matcherFromApi(matcher: ApiMatcher): Matcher {
  const isEqual = matcher.isEqual ?? true;
  const type: MatchType = matcher.isRegex ? (isEqual ? '=~' : '!~') : isEqual ? '=' : '!=';
  return new Matcher(type, matcher.name, matcher.value);
}

/** Converts to the API v2 shape, always setting `isEqual`. */
export function matcherToApi(matcher: Matcher): Required<ApiMatcher> {
  return {
    name: matcher.name,
    value: matcher.value,
    isRegex: matcher.type === '=~' || matcher.type === '!~',
    isEqual: matcher.type === '=' || matcher.type === '=~',
  };
}

function compileAnchored(type: MatchType, name: string, value: string): RE2JS {
  let regex = regexCache.get(value);
  if (regex !== undefined) {
    regexCache.delete(value);
  } else {
    // Compiled as Alertmanager compiles it, with Go 1.19's syntax and error messages.
    try {
      regex = compileGoRegexp(`^(?:${value})$`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PhoenixError(
        'ERR_MATCHER_INVALID',
        `invalid matcher ${formatMatcher(type, name, value)}: ${reason}`,
        { cause: error },
      );
    }
    if (regexCache.size >= MAX_CACHED_REGEXES) {
      regexCache.delete(regexCache.keys().next().value!);
    }
  }
  regexCache.set(value, regex);
  return regex;
}

function formatMatcher(type: MatchType, name: string, value: string): string {
  return `${name}${type}"${openMetricsEscape(value)}"`;
}

// OpenMetrics escaping, as Alertmanager's strings.NewReplacer: `\`, newline and `"` only.
function openMetricsEscape(value: string): string {
  let escaped = '';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const char = value.charCodeAt(i);
    let replacement: string;
    if (char === 0x5c) replacement = '\\\\';
    else if (char === 0x0a) replacement = '\\n';
    else if (char === 0x22) replacement = '\\"';
    else continue;
    escaped += value.slice(start, i) + replacement;
    start = i + 1;
  }
  return start === 0 ? value : escaped + value.slice(start);
}
