// Alertmanager 0.25's matcher parser (pkg/labels/parse.go), used by amtool, the API v2 `filter`
// parameter and the `matchers` fields of the configuration. Ported rule for rule, error messages
// included; Go's `^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$` is a hand-written
// scanner here, because a backtracking JS RegExp would be quadratic on long runs of whitespace.
import { PhoenixError } from './errors.js';
import type { Matcher, MatchType } from './matcher.js';
import { createMatcher } from './matcher.js';

// A lone surrogate is the JS counterpart of invalid UTF-8 in a Go string.
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/**
 * Parses a comma-separated list of matchers, optionally in braces:
 * `{foo="bar", baz=~"a|b"}` or `foo=bar, baz!="x"`. Commas inside double quotes do not separate
 * matchers, a trailing comma is ignored and `''` or `{}` gives no matchers.
 * @throws PhoenixError `ERR_MATCHER_INVALID` with Alertmanager's message for the first bad matcher.
 */
export function parseMatchers(input: string): Matcher[] {
  // Go's `for range` turns invalid UTF-8 into U+FFFD before ParseMatcher sees it.
  let text = input.replace(LONE_SURROGATES, '\uFFFD');
  // One brace each, not trimmed first: Go's TrimPrefix and TrimSuffix.
  if (text.startsWith('{')) text = text.slice(1);
  if (text.endsWith('}')) text = text.slice(0, -1);

  const tokens: string[] = [];
  let insideQuotes = false;
  let escaped = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    switch (text[i]) {
      case ',':
        // Leaves `escaped` as it is, in quotes or not, as Alertmanager does.
        if (!insideQuotes) {
          tokens.push(text.slice(start, i));
          start = i + 1;
        }
        break;
      case '"':
        if (escaped) escaped = false;
        else insideQuotes = !insideQuotes;
        break;
      case '\\':
        escaped = !escaped;
        break;
      default:
        escaped = false;
    }
  }
  // Only the last token is trimmed; the others keep their spaces, which the scanner skips.
  const last = trimGoSpace(text.slice(start));
  if (last !== '') tokens.push(last);

  return tokens.map(parseMatcher);
}

/**
 * Parses exactly one matcher: a label name, one of `=`, `!=`, `=~`, `!~`, and a value that may be
 * double-quoted, with whitespace around each. In the value `\"`, `\\` and `\n` are escapes; any
 * other backslash is literal. An unquoted or empty value is accepted.
 * @throws PhoenixError `ERR_MATCHER_INVALID` with Alertmanager's message.
 */
export function parseMatcher(input: string): Matcher {
  const parts = splitMatcher(input);
  if (parts === undefined) throw invalid(`bad matcher format: ${input}`);
  const [name, type, quotedValue] = parts;

  let rawValue = quotedValue;
  let expectTrailingQuote = false;
  if (rawValue.startsWith('"')) {
    rawValue = rawValue.slice(1);
    expectTrailingQuote = true;
  }
  if (LONE_SURROGATE.test(rawValue)) {
    throw invalid(`matcher value not valid UTF-8: ${quotedValue}`);
  }

  let value = '';
  let escaped = false;
  const lastIndex = rawValue.length - 1;
  for (let i = 0; i <= lastIndex; i++) {
    const char = rawValue[i]!;
    if (escaped) {
      escaped = false;
      if (char === 'n') value += '\n';
      else if (char === '"' || char === '\\') value += char;
      else value += `\\${char}`; // a spurious escape: the backslash is literal
    } else if (char === '\\') {
      if (i < lastIndex) escaped = true;
      else value += '\\';
    } else if (char === '"') {
      if (!expectTrailingQuote || i < lastIndex) {
        throw invalid(`matcher value contains unescaped double quote: ${quotedValue}`);
      }
      expectTrailingQuote = false;
    } else {
      value += char;
    }
  }
  if (expectTrailingQuote) {
    throw invalid(`matcher value contains unescaped double quote: ${quotedValue}`);
  }

  return createMatcher(type, name, value);
}

/** Returns name, operator and the raw (still quoted and escaped) value, or undefined. */
function splitMatcher(input: string): [string, MatchType, string] | undefined {
  let i = skipPerlSpace(input, 0);
  const nameStart = i;
  if (!isNameChar(input.charCodeAt(i), true)) return undefined;
  i++;
  while (isNameChar(input.charCodeAt(i), false)) i++;
  const name = input.slice(nameStart, i);

  i = skipPerlSpace(input, i);
  // `=~` before `=`, as in Go's alternation: `tricky=~~~` is `=~` with the value `~~`.
  const first = input[i];
  const second = input[i + 1];
  let type: MatchType;
  if (first === '=') type = second === '~' ? '=~' : '=';
  else if (first === '!' && (second === '=' || second === '~')) type = `!${second}`;
  else return undefined;
  i = skipPerlSpace(input, i + type.length);

  let end = input.length;
  while (end > i && isPerlSpace(input.charCodeAt(end - 1))) end--;
  return [name, type, input.slice(i, end)];
}

// RE2's `\s`: [\t\n\f\r ], without \v.
function isPerlSpace(char: number): boolean {
  return char === 0x20 || char === 0x09 || char === 0x0a || char === 0x0c || char === 0x0d;
}

function skipPerlSpace(input: string, from: number): number {
  let i = from;
  while (isPerlSpace(input.charCodeAt(i))) i++;
  return i;
}

// [a-zA-Z_:] first, [a-zA-Z0-9_:] after. NaN (past the end) is false.
function isNameChar(char: number, first: boolean): boolean {
  return (
    (char >= 0x61 && char <= 0x7a) ||
    (char >= 0x41 && char <= 0x5a) ||
    char === 0x5f ||
    char === 0x3a ||
    (!first && char >= 0x30 && char <= 0x39)
  );
}

// Go's unicode.IsSpace, which differs from String.prototype.trim on U+0085 and U+FEFF.
function isGoSpace(char: number): boolean {
  if (char <= 0xff) {
    return (char >= 0x09 && char <= 0x0d) || char === 0x20 || char === 0x85 || char === 0xa0;
  }
  return (
    char === 0x1680 ||
    (char >= 0x2000 && char <= 0x200a) ||
    char === 0x2028 ||
    char === 0x2029 ||
    char === 0x202f ||
    char === 0x205f ||
    char === 0x3000
  );
}

function trimGoSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isGoSpace(text.charCodeAt(start))) start++;
  while (end > start && isGoSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function invalid(message: string): PhoenixError {
  return new PhoenixError('ERR_MATCHER_INVALID', message);
}
