import { describe, expect, it } from 'vitest';
import { PhoenixError } from './errors.js';
import {
  compareUtf8,
  goQuote,
  isValidLabelName,
  isValidLabelValue,
  labelProblems,
  labelsToString,
  sortedLabelNames,
  validateLabels,
} from './labels.js';
import type { Labels } from './labels.js';

describe('isValidLabelName', () => {
  it.each(['a', 'A', '_', '__name__', 'a1', 'A_b_9', '_1', 'alertname', 'x'.repeat(1000)])(
    'accepts %j',
    (name) => expect(isValidLabelName(name)).toBe(true),
  );

  it.each(['', '1abc', '0', 'a-b', 'a.b', 'a:b', 'a b', ' a', 'é', 'a\n', '漢'])(
    'rejects %j',
    (name) => expect(isValidLabelName(name)).toBe(false),
  );
});

describe('isValidLabelValue', () => {
  it.each(['', 'x', 'é', '漢', '😀', '\u0000', '\ufffd', '\uffff', '\u{10ffff}'])(
    'accepts %j',
    (value) => expect(isValidLabelValue(value)).toBe(true),
  );

  it.each([
    '\ud800',
    '\udc00',
    'a\ud800b',
    '\ude00\ud83d',
    'end\ud83d',
    '\ud83d\ud83d\ude00x\udfff',
  ])('rejects the lone surrogate in %j', (value) => expect(isValidLabelValue(value)).toBe(false));
});

describe('labelProblems', () => {
  // Alertmanager 0.25 answers the same label sets on POST /api/v2/alerts with
  // `invalid label set: <problem>`, reporting one problem per alert.
  const table: { labels: Labels; what?: 'labels' | 'annotations'; problems: string[] }[] = [
    { labels: { alertname: 'x' }, problems: [] },
    { labels: { alertname: 'z', '1bad': 'v' }, problems: ['invalid name "1bad"'] },
    // AM drops empty values first, so an invalid name with an empty value passes.
    { labels: { alertname: 'y', '1bad': '' }, problems: [] },
    { labels: { only: '' }, problems: ['at least one label pair required'] },
    { labels: {}, problems: ['at least one label pair required'] },
    {
      labels: { ok: '\ud800', '2b': 'x', '1a': 'y' },
      problems: [
        'invalid name "1a"',
        'invalid name "2b"',
        'invalid value "\\ud800" for label "ok"',
      ],
    },
    { labels: { 'a"b\n': 'x' }, problems: ['invalid name "a\\"b\\n"'] },
    {
      labels: { 'bad-name': '\udc00' },
      problems: ['invalid name "bad-name"', 'invalid value "\\udc00" for label "bad-name"'],
    },
    {
      labels: { n: 1 as unknown as string },
      problems: ['invalid value 1 for label "n": not a string'],
    },
    // Annotations keep empty values and may be empty.
    { labels: {}, what: 'annotations', problems: [] },
    { labels: { summary: '' }, what: 'annotations', problems: [] },
    { labels: { '1bad': '' }, what: 'annotations', problems: ['invalid name "1bad"'] },
  ];

  it.each(table)('$what $labels', ({ labels, what, problems }) => {
    expect(labelProblems(labels, what)).toEqual(problems);
  });
});

describe('validateLabels', () => {
  it('passes a valid label set', () => {
    expect(() => validateLabels({ alertname: 'x', severity: '' })).not.toThrow();
  });

  it("throws ERR_LABELS_INVALID with every problem, in Alertmanager's words", () => {
    let caught: unknown;
    try {
      validateLabels({ alertname: 'z', '1bad': 'v', '2bad': 'w' });
    } catch (error) {
      caught = error;
    }
    expect(PhoenixError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({
      code: 'ERR_LABELS_INVALID',
      message: 'invalid label set: invalid name "1bad"; invalid name "2bad"',
    });
  });
});

describe('sortedLabelNames', () => {
  it('sorts by bytes, as Go does', () => {
    const labels = { aa: '', a_: '', a0: '', a: '', _: '', Z: '', A: '' };
    expect(sortedLabelNames(labels)).toEqual(['A', 'Z', '_', 'a', 'a0', 'a_', 'aa']);
  });

  it('sorts astral characters after U+E000–U+FFFF', () => {
    expect(sortedLabelNames({ '\u{10000}': '', '\uffff': '', '\ue000': '' })).toEqual([
      '\ue000',
      '\uffff',
      '\u{10000}',
    ]);
  });
});

describe('compareUtf8', () => {
  it.each([
    ['a', 'b', -1],
    ['a', 'a', 0],
    ['ab', 'a', 1],
    ['\u{1f600}', '\uffff', 1],
    ['\ud7ff', '\u{1f600}', -1],
    ['\u{1f600}', '\u{1f601}', -1],
  ])('%j vs %j', (a, b, sign) => expect(Math.sign(compareUtf8(a, b))).toBe(sign));
});

describe('goQuote', () => {
  // Outputs of Go's strconv.Quote.
  it.each([
    ['', '""'],
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\x', '"C:\\\\x"'],
    ['\u0007\b\f\n\r\t\u000b', '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['\u0000\u001b\u007f', '"\\x00\\x1b\\x7f"'],
    ['café 東京 😀 𝔘 e\u0301', '"café 東京 😀 𝔘 e\u0301"'],
    ['\u00a0\u00ad\u200b\u2028\ufeff\ue000', '"\\u00a0\\u00ad\\u200b\\u2028\\ufeff\\ue000"'],
    ['\u{e0001}\u{f0000}', '"\\U000e0001\\U000f0000"'],
    ['\ufffd', '"\ufffd"'],
    ['\ud800', '"\\ud800"'],
  ])('%j', (text, quoted) => expect(goQuote(text)).toBe(quoted));
});

describe('labelsToString', () => {
  it('is {} for no labels', () => {
    expect(labelsToString({})).toBe('{}');
  });

  // Group keys from Alertmanager 0.25 webhooks (route `group_by: ['...']`), without the `{}:`
  // route prefix. Pairs sort as whole `name="value"` strings, so `a1=` comes before `a=`.
  it.each([
    [{ z: '1', z0: '2', z10: '3', z9: '4', z_: '5' }, '{z0="2", z10="3", z9="4", z="1", z_="5"}'],
    [
      { A: 'q', a: 'x', a1: 'y', a_b: 'z', b: 'tab\t nl\n q" bs\\ bell\u0007 del\u007f' },
      '{A="q", a1="y", a="x", a_b="z", b="tab\\t nl\\n q\\" bs\\\\ bell\\a del\\x7f"}',
    ],
    [
      {
        c: 'é nbsp\u00a0 shy\u00ad zwsp\u200b emoji😀 cjk漢 u2028\u2028 ufeff\ufeff priv\ue000 fffd\ufffd',
      },
      '{c="é nbsp\\u00a0 shy\\u00ad zwsp\\u200b emoji😀 cjk漢 u2028\\u2028 ufeff\\ufeff priv\\ue000 fffd\ufffd"}',
    ],
  ])('%j', (labels, text) => expect(labelsToString(labels)).toBe(text));
});
