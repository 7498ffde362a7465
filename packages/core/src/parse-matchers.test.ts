import { describe, expect, it } from 'vitest';

import { PhoenixError } from './errors.js';
import type { Matcher, MatchType } from './matcher.js';
import { createMatcher } from './matcher.js';
import { parseMatcher, parseMatchers } from './parse-matchers.js';

type Expected = [MatchType, string, string];

function plain(matchers: Matcher[]): Expected[] {
  return matchers.map((matcher) => [matcher.type, matcher.name, matcher.value]);
}

function parseError(parse: () => unknown): PhoenixError {
  try {
    parse();
  } catch (error) {
    if (PhoenixError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a PhoenixError');
}

describe('parseMatchers', () => {
  // Alertmanager's TestMatchers (pkg/labels/parse_test.go), valid inputs.
  it.each<[string, Expected[]]>([
    ['{foo="bar"}', [['=', 'foo', 'bar']]],
    ['{foo=~"bar.*"}', [['=~', 'foo', 'bar.*']]],
    ['{foo!="bar"}', [['!=', 'foo', 'bar']]],
    ['{foo!~"bar.*"}', [['!~', 'foo', 'bar.*']]],
    [
      '{foo="bar", baz!="quux"}',
      [
        ['=', 'foo', 'bar'],
        ['!=', 'baz', 'quux'],
      ],
    ],
    [
      '{foo="bar", baz!~"quux.*"}',
      [
        ['=', 'foo', 'bar'],
        ['!~', 'baz', 'quux.*'],
      ],
    ],
    [
      '{foo="bar",baz!~".*quux", derp="wat"}',
      [
        ['=', 'foo', 'bar'],
        ['!~', 'baz', '.*quux'],
        ['=', 'derp', 'wat'],
      ],
    ],
    [
      '{foo="bar", baz!="quux", derp="wat"}',
      [
        ['=', 'foo', 'bar'],
        ['!=', 'baz', 'quux'],
        ['=', 'derp', 'wat'],
      ],
    ],
    [
      '{foo="bar", baz!~".*quux.*", derp="wat"}',
      [
        ['=', 'foo', 'bar'],
        ['!~', 'baz', '.*quux.*'],
        ['=', 'derp', 'wat'],
      ],
    ],
    [
      '{foo="bar", instance=~"some-api.*"}',
      [
        ['=', 'foo', 'bar'],
        ['=~', 'instance', 'some-api.*'],
      ],
    ],
    ['{foo=""}', [['=', 'foo', '']]],
    [
      '{foo="bar,quux", job="job1"}',
      [
        ['=', 'foo', 'bar,quux'],
        ['=', 'job', 'job1'],
      ],
    ],
    [
      '{foo = "bar", dings != "bums", }',
      [
        ['=', 'foo', 'bar'],
        ['!=', 'dings', 'bums'],
      ],
    ],
    [
      'foo=bar,dings!=bums',
      [
        ['=', 'foo', 'bar'],
        ['!=', 'dings', 'bums'],
      ],
    ],
    [
      '{quote="She said: \\"Hi, ladies! That\'s gender-neutral…\\""}',
      [['=', 'quote', 'She said: "Hi, ladies! That\'s gender-neutral…"']],
    ],
    ['statuscode=~"5.."', [['=~', 'statuscode', '5..']]],
    ['tricky=~~~', [['=~', 'tricky', '~~']]],
    ['trickier==\\\\=\\=\\"', [['=', 'trickier', '=\\=\\="']]],
    [
      'contains_quote != "\\"" , contains_comma !~ "foo,bar" , ',
      [
        ['!=', 'contains_quote', '"'],
        ['!~', 'contains_comma', 'foo,bar'],
      ],
    ],
    // Alertmanager 0.25 reads a missing value as empty; later versions reject `job=`.
    ['job=', [['=', 'job', '']]],
  ])('parses %s', (input, expected) => {
    expect(plain(parseMatchers(input))).toEqual(expected);
  });

  // Alertmanager's TestMatchers, error cases.
  it.each([
    ['job="value', 'matcher value contains unescaped double quote: "value'],
    ['job=value"', 'matcher value contains unescaped double quote: value"'],
    ['trickier==\\\\=\\=\\""', 'matcher value contains unescaped double quote: =\\\\=\\=\\""'],
    [
      'contains_unescaped_quote = foo"bar',
      'matcher value contains unescaped double quote: foo"bar',
    ],
    ['{invalid-name = "valid label"}', 'bad matcher format: invalid-name = "valid label"'],
    // Double escaped strings.
    ['"{foo=\\"bar"}', 'bad matcher format: "{foo=\\"bar"'],
    ['"foo=\\"bar"', 'bad matcher format: "foo=\\"bar"'],
    ['"foo=\\"bar\\""', 'bad matcher format: "foo=\\"bar\\""'],
    ['"foo=\\"bar\\"', 'bad matcher format: "foo=\\"bar\\"'],
    ['"{foo=\\"bar\\"}"', 'bad matcher format: "{foo=\\"bar\\"}"'],
    ['"foo="bar""', 'bad matcher format: "foo="bar""'],
  ])('rejects %s', (input, message) => {
    const error = parseError(() => parseMatchers(input));
    expect(error.code).toBe('ERR_MATCHER_INVALID');
    expect(error.message).toBe(message);
  });

  it('rejects a bad regex, naming the matcher and the regex error', () => {
    const error = parseError(() => parseMatchers('{foo=~"invalid[regexp"}'));
    expect(error.code).toBe('ERR_MATCHER_INVALID');
    expect(error.message).toBe(
      'invalid matcher foo=~"invalid[regexp": error parsing regexp: missing closing ]: `[regexp)$`',
    );
  });

  it('returns no matchers for empty input', () => {
    expect(parseMatchers('')).toEqual([]);
    expect(parseMatchers('{}')).toEqual([]);
    expect(parseMatchers(' ')).toEqual([]);
  });

  it('trims one brace at each end only', () => {
    expect(plain(parseMatchers('{ foo="bar" }'))).toEqual([['=', 'foo', 'bar']]);
    expect(plain(parseMatchers('foo="bar"}'))).toEqual([['=', 'foo', 'bar']]);
    expect(parseError(() => parseMatchers(' {foo="bar"}')).message).toBe(
      'bad matcher format: {foo="bar"',
    );
    expect(parseError(() => parseMatchers('{{foo="bar"}}')).message).toBe(
      'bad matcher format: {foo="bar"}',
    );
  });

  it('rejects an empty matcher between commas, untrimmed as in Alertmanager', () => {
    expect(parseError(() => parseMatchers('foo=bar,,baz=qux')).message).toBe(
      'bad matcher format: ',
    );
    expect(parseError(() => parseMatchers(' , ')).message).toBe('bad matcher format:  ');
    expect(parseError(() => parseMatchers('foo=bar, bad ,baz=qux')).message).toBe(
      'bad matcher format:  bad ',
    );
  });

  it('keeps commas inside quotes, even after an escaped quote', () => {
    expect(plain(parseMatchers('a="x\\",y", b=~"1,2"'))).toEqual([
      ['=', 'a', 'x",y'],
      ['=~', 'b', '1,2'],
    ]);
    // Outside quotes a backslash does not protect a comma.
    expect(parseError(() => parseMatchers('a=x\\,y')).message).toBe('bad matcher format: y');
  });

  it('trims the last matcher with Go whitespace rules', () => {
    expect(plain(parseMatchers('foo=bar,\u00a0baz=qux\u0085'))).toEqual([
      ['=', 'foo', 'bar'],
      ['=', 'baz', 'qux'],
    ]);
    // Only [\t\n\f\r ] surround values, so a no-break space before a comma stays in the value.
    expect(plain(parseMatchers('foo=bar\u00a0, baz=qux'))).toEqual([
      ['=', 'foo', 'bar\u00a0'],
      ['=', 'baz', 'qux'],
    ]);
  });

  it('replaces lone surrogates as Go replaces invalid UTF-8', () => {
    expect(plain(parseMatchers('foo="a\ud800"'))).toEqual([['=', 'foo', 'a\ufffd']]);
  });

  it('parses long whitespace runs in linear time', () => {
    // 300 kB: a quadratic scan (Go's lazy `.*?` in a backtracking engine) would take minutes; the
    // linear scanner takes milliseconds. The bound is loose on purpose: CI machines are shared.
    const spaces = ' '.repeat(300_000);
    const started = performance.now();
    const matchers = parseMatchers(`{foo=${spaces}bar${spaces}x${spaces},${spaces}baz=${spaces}}`);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(plain(matchers)).toEqual([
      ['=', 'foo', `bar${spaces}x`],
      ['=', 'baz', ''],
    ]);
  });
});

describe('parseMatcher', () => {
  it.each<[string, Expected]>([
    ['foo=bar', ['=', 'foo', 'bar']],
    ['  foo  !=  bar baz  ', ['!=', 'foo', 'bar baz']],
    ['foo=" bar "', ['=', 'foo', ' bar ']],
    ['foo=\t\n"bar"\r\n', ['=', 'foo', 'bar']],
    ['__name__:x_1=~".+"', ['=~', '__name__:x_1', '.+']],
    ['foo!~"\\d+"', ['!~', 'foo', '\\d+']],
    ['foo="a\\nb"', ['=', 'foo', 'a\nb']],
    ['foo="a\nb"', ['=', 'foo', 'a\nb']],
    ['foo="a\\\\nb"', ['=', 'foo', 'a\\nb']],
    ['foo="a\\"b"', ['=', 'foo', 'a"b']],
    ['foo=a\\', ['=', 'foo', 'a\\']],
    ['foo=🙂\\🙂', ['=', 'foo', '🙂\\🙂']],
    ['foo=a,b', ['=', 'foo', 'a,b']],
    ['foo={bar}', ['=', 'foo', '{bar}']],
    ['foo=~', ['=~', 'foo', '']],
    ['foo=""', ['=', 'foo', '']],
    ['foo==', ['=', 'foo', '=']],
    ['foo!=~', ['!=', 'foo', '~']],
  ])('parses %j', (input, expected) => {
    const matcher = parseMatcher(input);
    expect([matcher.type, matcher.name, matcher.value]).toEqual(expected);
  });

  it.each([
    ['', 'bad matcher format: '],
    ['foo', 'bad matcher format: foo'],
    ['1foo=bar', 'bad matcher format: 1foo=bar'],
    ['foo-bar=baz', 'bad matcher format: foo-bar=baz'],
    ['foo~=bar', 'bad matcher format: foo~=bar'],
    ['foo!bar', 'bad matcher format: foo!bar'],
    ['foo\v=bar', 'bad matcher format: foo\v=bar'],
    ['{foo="bar"}', 'bad matcher format: {foo="bar"}'],
    ['foo="', 'matcher value contains unescaped double quote: "'],
    ['foo=""bar"', 'matcher value contains unescaped double quote: ""bar"'],
    ['foo="a\\"', 'matcher value contains unescaped double quote: "a\\"'],
    ['foo="a\ud800"', 'matcher value not valid UTF-8: "a\ud800"'],
  ])('rejects %j', (input, message) => {
    const error = parseError(() => parseMatcher(input));
    expect(error.code).toBe('ERR_MATCHER_INVALID');
    expect(error.message).toBe(message);
  });

  it('parses long whitespace runs in linear time', () => {
    // 300 kB: a quadratic scan (Go's lazy `.*?` in a backtracking engine) would take minutes; the
    // linear scanner takes milliseconds. The bound is loose on purpose: CI machines are shared.
    const spaces = ' '.repeat(300_000);
    const started = performance.now();
    const matcher = parseMatcher(`foo=${spaces}a${spaces}b${spaces}`);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(matcher.value).toBe(`a${spaces}b`);
  });
});

describe('toString round-trips through the parser', () => {
  it.each<[MatchType, string]>([
    ['=', 'bar'],
    ['!=', ''],
    ['=~', 'back\\slash'],
    ['!~', 'double"quote'],
    ['=', 'new\nline'],
    ['=', 'literal \\n, not a newline'],
    ['=', 'trailing backslash\\'],
    ['=', '  spaces, commas, {braces} and 🙂  '],
    ['=~', '\\d+\\.\\d+|"x"'],
  ])('%s %j', (type, value) => {
    const matcher = createMatcher(type, 'label_1', value);
    const parsed = parseMatcher(matcher.toString());
    expect([parsed.type, parsed.name, parsed.value]).toEqual([type, 'label_1', value]);
    expect(parsed.toString()).toBe(matcher.toString());

    const list = [matcher, createMatcher('=', 'other', 'x')];
    const reparsed = parseMatchers(`{${list.join(',')}}`);
    expect(plain(reparsed)).toEqual(plain(list));
  });
});
