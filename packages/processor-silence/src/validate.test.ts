// Ports TestValidateClassicMatcher and TestValidateSilence (silence/silence_test.go) and the
// postSilencesHandler checks (api/v2/api.go) of Alertmanager 0.25.
import type { ApiMatcher } from '@phoenix-alerting/core';
import { createLogger } from '@phoenix-alerting/core';
import { FakeClock, createMemoryStore } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { SilenceError } from './errors.js';
import type { SilenceProblem } from './errors.js';
import { createSilences } from './silences.js';
import { checkSilence } from './validate.js';
import type { SilenceInput } from './validate.js';

const NOW = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
const eq = (name: string, value: string): ApiMatcher => ({ name, value, isRegex: false });
const re = (name: string, value: string, isEqual = true): ApiMatcher => ({
  name,
  value,
  isRegex: true,
  isEqual,
});

function problemsOf(input: Partial<SilenceInput>): SilenceProblem[] {
  const problems: SilenceProblem[] = [];
  checkSilence({ endsAt: NOW + HOUR, ...input }, NOW, NOW, problems);
  return problems;
}

describe('matchers (validateMatcher)', () => {
  it.each<[string, ApiMatcher, SilenceProblem | undefined]>([
    ['a="b"', eq('a', 'b'), undefined],
    ['a!="b"', { ...eq('a', 'b'), isEqual: false }, undefined],
    ['a=~"b"', re('a', 'b'), undefined],
    ['a!~"b"', re('a', 'b', false), undefined],
    [
      'a name starting with a digit',
      eq('00', 'a'),
      { field: 'matchers[0].name', message: 'invalid label name "00"' },
    ],
    [
      'a non-ASCII name',
      eq('\u{1F642}', 'a'),
      { field: 'matchers[0].name', message: 'invalid label name "\u{1F642}"' },
    ],
    ['an emoji value', eq('a', '\u{1F642}'), undefined],
    [
      'a value that is not valid UTF-8',
      eq('a', '\ud800'),
      { field: 'matchers[0].value', message: 'invalid label value "\\ud800"' },
    ],
  ])('%s', (_, matcher, problem) => {
    const problems = problemsOf({ matchers: [matcher, eq('x', 'y')] });
    expect(problems).toEqual(problem ? [problem] : []);
  });

  it.each([
    ['((', true],
    ['))', false],
    // Compiles once wrapped in ^(?:…)$ but not as given: Alertmanager rejects it, so do we.
    ['a)(b', true],
  ])('rejects the regular expression %s', (pattern, isEqual) => {
    const [problem] = problemsOf({ matchers: [re('a', pattern, isEqual)] });
    expect(problem?.field).toBe('matchers[0].value');
    expect(problem?.message).toMatch(
      new RegExp(
        `^invalid regular expression ${JSON.stringify(pattern).replace(/[()]/g, '\\$&')}: `,
      ),
    );
  });

  it('rejects malformed matcher objects, naming the field', () => {
    const problems = problemsOf({
      matchers: [{ name: 'a', value: 1, isRegex: 'no' } as unknown as ApiMatcher],
    });
    expect(problems.map((problem) => problem.field)).toEqual([
      'matchers[0].value',
      'matchers[0].isRegex',
    ]);
  });
});

describe('silences (validateSilence and the API checks)', () => {
  it('requires at least one matcher', () => {
    expect(problemsOf({ matchers: [] })).toEqual([
      { field: 'matchers', message: 'at least one matcher required' },
    ]);
  });

  it.each<[string, ApiMatcher[], boolean]>([
    ['a="" and b=~".*"', [eq('a', ''), re('b', '.*')], true],
    ['a=~"b*"', [re('a', 'b*')], true],
    ['a=~"b*" and c="d"', [re('a', 'b*'), eq('c', 'd')], false],
    // Alertmanager 0.25 counts only `=` and `=~` as matching the empty string.
    ['a!="b" alone', [{ ...eq('a', 'b'), isEqual: false }], false],
    ['a!~"b" alone', [re('a', 'b', false)], false],
  ])('%s: all-match-empty rule gives %s', (_, matchers, rejected) => {
    const problems = problemsOf({ matchers });
    expect(problems).toEqual(
      rejected
        ? [{ field: 'matchers', message: 'at least one matcher must not match the empty string' }]
        : [],
    );
  });

  it('requires the end after the start', () => {
    const matchers = [eq('a', 'b')];
    for (const endsAt of [NOW + HOUR - 1, NOW + HOUR]) {
      expect(problemsOf({ matchers, startsAt: NOW + HOUR, endsAt })).toEqual([
        { field: 'endsAt', message: 'start time must be before end time' },
      ]);
    }
  });

  it('refuses an end in the past, and a missing or unreadable time', () => {
    const matchers = [eq('a', 'b')];
    expect(problemsOf({ matchers, startsAt: NOW - 2 * HOUR, endsAt: NOW - 1 })).toEqual([
      { field: 'endsAt', message: "end time can't be in the past" },
    ]);
    expect(problemsOf({ matchers, endsAt: undefined })).toEqual([
      { field: 'endsAt', message: 'required' },
    ]);
    expect(problemsOf({ matchers, endsAt: '0001-01-01T00:00:00Z' })).toEqual([
      { field: 'endsAt', message: 'required' },
    ]);
    expect(problemsOf({ matchers, startsAt: 'yesterday' })).toEqual([
      { field: 'startsAt', message: 'not a valid time: "yesterday"' },
    ]);
  });

  it('accepts RFC 3339 strings and Dates', () => {
    const problems: SilenceProblem[] = [];
    const checked = checkSilence(
      {
        matchers: [eq('a', 'b')],
        startsAt: new Date(NOW + HOUR),
        endsAt: '2024-01-01T02:00:00Z',
      },
      NOW,
      NOW,
      problems,
    );
    expect(problems).toEqual([]);
    expect(checked).toMatchObject({ startsAt: NOW + HOUR, endsAt: NOW + 2 * HOUR });
    expect(checked?.matchers).toEqual([{ name: 'a', value: 'b', isRegex: false, isEqual: true }]);
  });

  it('reports every problem at once in one SilenceError', async () => {
    const silences = createSilences({
      store: createMemoryStore(),
      clock: new FakeClock(NOW),
      logger: createLogger({ level: 'silent' }),
    });
    const error = await silences
      .create({ matchers: [eq('0bad', 'x'), re('b', '((')], endsAt: NOW - HOUR })
      .catch((caught: unknown) => caught);
    expect(SilenceError.isInstance(error)).toBe(true);
    const silenceError = error as SilenceError;
    expect(silenceError.reason).toBe('invalid');
    expect(silenceError.problems.map((problem) => problem.field)).toEqual([
      'matchers[0].name',
      'matchers[1].value',
      'endsAt',
    ]);
    expect(silenceError.message).toMatch(
      /^invalid silence: matchers\[0\]\.name: invalid label name "0bad"; matchers\[1\]\.value: invalid regular expression/,
    );
    expect(silences.size).toBe(0);
    await silences.stop();
  });
});
