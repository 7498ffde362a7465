import { describe, expect, it } from 'vitest';

import { PhoenixError } from './errors.js';
import type { MatchType } from './matcher.js';
import { compileGoRegexp } from './go-regexp.js';
import { createMatcher, matchLabels, matcherFromApi, matcherToApi } from './matcher.js';

describe('Matcher.matches', () => {
  // Alertmanager's TestMatcher (pkg/labels/matcher_test.go).
  it.each<[MatchType, string, string, boolean]>([
    ['=', 'bar', 'bar', true],
    ['=', 'bar', 'foo-bar', false],
    ['!=', 'bar', 'bar', false],
    ['!=', 'bar', 'foo-bar', true],
    ['=~', 'bar', 'bar', true],
    ['=~', 'bar', 'foo-bar', false],
    ['=~', '.*bar', 'foo-bar', true],
    ['!~', 'bar', 'bar', false],
    ['!~', 'bar', 'foo-bar', true],
    ['!~', '.*bar', 'foo-bar', false],
    ['=~', 'foo.bar', 'foo-bar', true],
    ['=~', 'foo\\.bar', 'foo-bar', false],
    ['=~', 'foo\\.bar', 'foo.bar', true],
    ['=', 'foo\nbar', 'foo\nbar', true],
    ['=~', 'foo.bar', 'foo\nbar', false],
    ['=~', '(?s)foo.bar', 'foo\nbar', true],
    ['=', '~!="', '~!="', true],
  ])('%s %j against %j is %s', (type, pattern, value, expected) => {
    expect(createMatcher(type, 'foo', pattern).matches(value)).toBe(expected);
  });

  it('anchors regexes at both ends', () => {
    expect(createMatcher('=~', 'foo', 'b').matches('abc')).toBe(false);
    expect(createMatcher('=~', 'foo', 'b').matches('b')).toBe(true);
    expect(createMatcher('=~', 'foo', 'a|b').matches('ab')).toBe(false);
    expect(createMatcher('=~', 'foo', 'ab?').matches('abb')).toBe(false);
    expect(createMatcher('!~', 'foo', 'b').matches('abc')).toBe(true);
    // `$` is end of text without (?m), so a trailing newline does not match, as in Go.
    expect(createMatcher('=~', 'foo', 'a').matches('a\n')).toBe(false);
  });

  it('anchors by wrapping as ^(?:value)$, so a stray `)` unanchors like in Alertmanager', () => {
    const matcher = createMatcher('=~', 'foo', 'a)|(b');
    expect(matcher.matches('axyz')).toBe(true);
    expect(matcher.matches('xyzb')).toBe(true);
    expect(matcher.matches('xyz')).toBe(false);
  });

  it('matches literal alternations exactly', () => {
    const matcher = createMatcher('=~', 'env', 'prod|staging|dev-eu 1/a');
    expect(matcher.matches('prod')).toBe(true);
    expect(matcher.matches('dev-eu 1/a')).toBe(true);
    expect(matcher.matches('production')).toBe(false);
    expect(matcher.matches('prod|staging')).toBe(false);
    expect(matcher.matches('')).toBe(false);
    expect(createMatcher('=~', 'env', 'prod|').matches('')).toBe(true);
    expect(createMatcher('!~', 'env', 'prod|staging').matches('staging')).toBe(false);
    expect(createMatcher('!~', 'env', 'prod|staging').matches('dev')).toBe(true);
  });

  it('accepts Go RE2 syntax', () => {
    expect(createMatcher('=~', 'foo', '\\pL+').matches('héllo')).toBe(true);
    expect(createMatcher('=~', 'foo', '\\pL+').matches('h3llo')).toBe(false);
    expect(createMatcher('=~', 'foo', '\\p{Greek}+').matches('αβγ')).toBe(true);
    expect(createMatcher('=~', 'foo', '(?i)CRIT.*').matches('critical')).toBe(true);
    expect(createMatcher('=~', 'foo', '(?P<sev>warn|crit)ical').matches('critical')).toBe(true);
    expect(createMatcher('=~', 'foo', '[[:digit:]]{3}').matches('503')).toBe(true);
    expect(createMatcher('=~', 'foo', '\\Qa.b\\E').matches('a.b')).toBe(true);
    expect(createMatcher('=~', 'foo', '\\Qa.b\\E').matches('axb')).toBe(false);
    expect(createMatcher('=~', 'foo', '.').matches('🙂')).toBe(true);
  });

  it('treats an empty matcher as matching the empty string only', () => {
    expect(createMatcher('=', 'foo', '').matches('')).toBe(true);
    expect(createMatcher('=', 'foo', '').matches('x')).toBe(false);
    expect(createMatcher('=~', 'foo', '').matches('')).toBe(true);
    expect(createMatcher('=~', 'foo', '').matches('x')).toBe(false);
  });
});

describe('matchLabels', () => {
  const labels = { alertname: 'HighLatency', severity: 'critical', instance: 'api-1:9090' };

  it('requires every matcher to match', () => {
    const severity = createMatcher('=~', 'severity', 'critical|warning');
    expect(matchLabels([severity, createMatcher('=', 'alertname', 'HighLatency')], labels)).toBe(
      true,
    );
    expect(matchLabels([severity, createMatcher('!~', 'instance', 'api-.*')], labels)).toBe(false);
    expect(matchLabels([], labels)).toBe(true);
  });

  it('treats an absent label as the empty string', () => {
    expect(matchLabels([createMatcher('=', 'team', '')], labels)).toBe(true);
    expect(matchLabels([createMatcher('!=', 'team', '')], labels)).toBe(false);
    expect(matchLabels([createMatcher('=~', 'team', '.*')], labels)).toBe(true);
    expect(matchLabels([createMatcher('=~', 'team', '.+')], labels)).toBe(false);
    expect(matchLabels([createMatcher('!=', 'team', 'db')], labels)).toBe(true);
    expect(matchLabels([createMatcher('=', 'severity', '')], labels)).toBe(false);
  });

  it('does not read inherited properties as labels', () => {
    expect(matchLabels([createMatcher('=', 'constructor', '')], labels)).toBe(true);
    expect(matchLabels([createMatcher('=', '__proto__', '')], labels)).toBe(true);
    expect(matchLabels([createMatcher('=', 'toString', '')], Object.create(null))).toBe(true);
  });
});

describe('Matcher.toString', () => {
  // Alertmanager 0.25's TestMatcherString (names are printed unquoted in 0.25).
  it.each<[MatchType, string, string]>([
    ['=', 'bar', 'foo="bar"'],
    ['!=', 'bar', 'foo!="bar"'],
    ['=~', 'bar', 'foo=~"bar"'],
    ['!~', 'bar', 'foo!~"bar"'],
    ['=', 'back\\slash', 'foo="back\\\\slash"'],
    ['=', 'double"quote', 'foo="double\\"quote"'],
    ['=', 'new\nline', 'foo="new\\nline"'],
    ['=', 'tab\tstop', 'foo="tab\tstop"'],
    ['=', '🙂', 'foo="🙂"'],
    ['=', '', 'foo=""'],
  ])('%s %j prints as %s', (type, value, expected) => {
    expect(createMatcher(type, 'foo', value).toString()).toBe(expected);
    expect(`${createMatcher(type, 'foo', value)}`).toBe(expected);
  });
});

describe('createMatcher', () => {
  it('exposes type, name and value', () => {
    const matcher = createMatcher('!~', 'job', 'node.*');
    expect(matcher).toMatchObject({ type: '!~', name: 'job', value: 'node.*' });
  });

  it('rejects a bad regex, naming the matcher and the regex error', () => {
    let caught: unknown;
    try {
      createMatcher('=~', 'foo', 'invalid[regexp');
    } catch (error) {
      caught = error;
    }
    expect(PhoenixError.isInstance(caught)).toBe(true);
    const error = caught as PhoenixError;
    expect(error.code).toBe('ERR_MATCHER_INVALID');
    expect(error.message).toBe(
      'invalid matcher foo=~"invalid[regexp": error parsing regexp: missing closing ]: `[regexp)$`',
    );
    expect(error.cause).toBeInstanceOf(Error);
  });

  it.each([
    ['a(b', 'missing closing )'],
    ['a{1001}', 'invalid repeat count'],
    ['(?=a)', 'invalid or unsupported Perl syntax'],
    ['\\1', 'invalid escape sequence'],
    ['*', 'missing argument to repetition operator'],
  ])('rejects %j (%s) for !~ too', (pattern, reason) => {
    expect(() => createMatcher('!~', 'bar', pattern)).toThrow(reason);
    expect(() => createMatcher('!~', 'bar', pattern)).toThrow(/^invalid matcher bar!~"/);
  });

  it('does not compile regexes for = and !=', () => {
    expect(createMatcher('=', 'foo', 'invalid[regexp').matches('invalid[regexp')).toBe(true);
    expect(createMatcher('!=', 'foo', '(').matches('(')).toBe(false);
  });

  it('rejects an unknown match type', () => {
    expect(() => createMatcher('==' as MatchType, 'foo', 'bar')).toThrow(
      expect.objectContaining({ code: 'ERR_MATCHER_INVALID' }),
    );
  });

  it('keeps working past the regex cache bound', () => {
    const matchers = Array.from({ length: 1100 }, (_, i) => createMatcher('=~', 'n', `${i}|x.*`));
    expect(matchers.every((matcher, i) => matcher.matches(String(i)))).toBe(true);
    expect(matchers[3]!.matches('4')).toBe(false);
    expect(createMatcher('=~', 'n', '3|x.*').matches('xyz')).toBe(true);
  });
});

// Alertmanager 0.25 is built with Go 1.19, whose regexp/syntax accepts less and more than re2js
// (today's RE2); each message is the one amtool 0.25 prints (alertmanager-yaml-amtool.test.ts
// compares them with the real amtool).
describe('Go 1.19 regexp syntax', () => {
  const reasonOf = (pattern: string): string => {
    try {
      createMatcher('=~', 'v', pattern);
    } catch (error) {
      return (error as Error).message.replace(/^invalid matcher v=~".*?": /s, '');
    }
    return 'ok';
  };
  const deep = (depth: number) => `${'('.repeat(depth)}a${')'.repeat(depth)}`;

  it.each([
    ['(?<name>x)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'],
    ['a(?<name>x)[', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'],
    ['(?<=a)b', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'],
    // An earlier error is reported first, as Go parses from the left.
    ['a{1001}(?<name>x)', 'error parsing regexp: invalid repeat count: `{1001}`'],
    ['\\p{Kawi}', 'error parsing regexp: invalid character class range: `\\p{Kawi}`'],
    ['[^\\P{^Vithkuqi}]', 'error parsing regexp: invalid character class range: `\\P{^Vithkuqi}`'],
    ['\\p{Emoji}', 'error parsing regexp: invalid character class range: `\\p{Emoji}`'],
    ['\\p{LC}', 'error parsing regexp: invalid character class range: `\\p{LC}`'],
    ['\\p{Cn}', 'error parsing regexp: invalid character class range: `\\p{Cn}`'],
    ['\\p{Greek}(?<x>y)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'],
    ['(?P<n>a)(?P<n>b)(', 'error parsing regexp: missing closing ): `^(?:(?P<n>a)(?P<n>b)()$`'],
    [deep(999), `error parsing regexp: expression nests too deeply: \`^(?:${deep(999)})$\``],
  ])('rejects %j as Go does', (pattern, reason) => {
    expect(reasonOf(pattern)).toBe(reason);
  });

  it.each([
    '(?P<name>x)',
    '(?P<a>x)(?P<a>y)',
    '\\Q(?<name>x)\\E',
    '[(?<name>x)]',
    '\\(?<name>x\\)',
    '[[:alpha:]]\\p{Greek}\\p{^Han}\\PL\\pN\\p{Any}',
    '\\Q\\p{Kawi}\\E',
    deep(998),
  ])('accepts %j as Go does', (pattern) => {
    expect(reasonOf(pattern)).toBe('ok');
  });

  it('compiles a pattern as it is with compileGoRegexp, for unanchored uses (silences)', () => {
    expect(compileGoRegexp('(?P<a>x)(?P<a>y)').test('axyz')).toBe(true);
    expect(() => compileGoRegexp('a)(b')).toThrow('error parsing regexp: unexpected ): `a)(b`');
    expect(() => compileGoRegexp('(?<n>x)')).toThrow(
      'error parsing regexp: invalid or unsupported Perl syntax: `(?<`',
    );
  });

  it('matches with repeated group names and literal `(?<` as written', () => {
    expect(createMatcher('=~', 'v', '(?P<a>x)(?P<a>y)').matches('xy')).toBe(true);
    expect(createMatcher('=~', 'v', '\\Q(?<n>\\E').matches('(?<n>')).toBe(true);
    expect(createMatcher('=~', 'v', '[(?<]+').matches('<?(')).toBe(true);
  });
});

describe('API conversion', () => {
  // Alertmanager's TestMatcherJSONMarshal / TestMatcherJSONUnmarshal.
  it.each<[MatchType, boolean, boolean]>([
    ['=', false, true],
    ['!=', false, false],
    ['=~', true, true],
    ['!~', true, false],
  ])('%s is isRegex=%s isEqual=%s, both ways', (type, isRegex, isEqual) => {
    const matcher = createMatcher(type, 'foo', 'bar');
    expect(matcherToApi(matcher)).toEqual({ name: 'foo', value: 'bar', isRegex, isEqual });
    const back = matcherFromApi({ name: 'foo', value: 'bar', isRegex, isEqual });
    expect(back).toMatchObject({ type, name: 'foo', value: 'bar' });
  });

  it('defaults isEqual to true', () => {
    expect(matcherFromApi({ name: 'foo', value: 'bar', isRegex: false }).type).toBe('=');
    expect(matcherFromApi({ name: 'foo', value: 'ba.*', isRegex: true }).type).toBe('=~');
  });

  it('compiles API regexes and reports bad ones', () => {
    expect(matcherFromApi({ name: 'foo', value: 'ba.*', isRegex: true }).matches('bar')).toBe(true);
    expect(() => matcherFromApi({ name: 'foo', value: '(', isRegex: true })).toThrow(
      'invalid matcher foo=~"("',
    );
  });
});

describe('regexes run in linear time', () => {
  const as = 'a'.repeat(100_000);

  it.each<[string, string, boolean]>([
    ['(a+)+$', as, true],
    ['(a+)+$', `${as}!`, false],
    ['(a+)+$', `${as}b`, false],
    ['(a|aa)*b', as, false],
    ['(a|aa)*b', `${as}b`, true],
    ['(a|aa)*b', `${as}!`, false],
  ])('=~ %j against 100 kB (%#) in milliseconds', (pattern, value, expected) => {
    const started = performance.now();
    const matcher = createMatcher('=~', 'foo', pattern);
    const matched = matcher.matches(value);
    const negated = createMatcher('!~', 'foo', pattern).matches(value);
    const elapsedMs = performance.now() - started;
    expect(matched).toBe(expected);
    expect(negated).toBe(!expected);
    // A backtracking engine would not finish this in years (2^100000 paths); re2js takes a few ms.
    // The bound only leaves room for a loaded, shared CI machine.
    expect(elapsedMs).toBeLessThan(5_000);
  });
});
