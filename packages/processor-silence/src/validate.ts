// Alertmanager 0.25's silence validation: `validateMatcher` and `validateSilence`
// (silence/silence.go) plus the checks of the API's postSilencesHandler (api/v2/api.go).
import { RE2JS } from 're2js';
import { isValidLabelName, isValidLabelValue, matcherFromApi } from '@phoenix-alerting/core';
import type { ApiMatcher, Matcher } from '@phoenix-alerting/core';
import type { SilenceProblem } from './errors.js';

/** What a caller gives to create a silence. Times are ms since epoch, Dates or RFC 3339 strings. */
export interface SilenceInput {
  /** All must match for an alert to be silenced; at least one must not match the empty string. */
  matchers: readonly ApiMatcher[];
  /** Default: now. A start in the past becomes now when the silence is created. */
  startsAt?: number | Date | string;
  /** Must be after `startsAt` and not in the past. */
  endsAt: number | Date | string;
  /** Default: ''. */
  createdBy?: string;
  /** Default: ''. */
  comment?: string;
}

/** A validated silence, ready to store: matchers normalised (`isEqual` set) and compiled. */
export interface CheckedSilence {
  matchers: Required<ApiMatcher>[];
  compiled: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

const quote = (text: string) => JSON.stringify(text);

function toMillis(value: unknown, field: string, problems: SilenceProblem[]): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let ms = Number.NaN;
  if (typeof value === 'number') ms = value;
  else if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'string') ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    problems.push({ field, message: `not a valid time: ${quote(String(value))}` });
    return undefined;
  }
  // Go's zero time (0001-01-01T00:00:00Z) means "unset" in Alertmanager's API.
  return ms <= -62135596800000 ? undefined : ms;
}

function checkMatcher(
  matcher: ApiMatcher,
  field: string,
  problems: SilenceProblem[],
): { normalized: Required<ApiMatcher>; compiled: Matcher; matchesEmpty: boolean } | undefined {
  if (typeof matcher !== 'object' || matcher === null) {
    problems.push({ field, message: 'must be an object with name, value and isRegex' });
    return undefined;
  }
  const { name, value, isRegex } = matcher;
  const isEqual = matcher.isEqual ?? true;
  const before = problems.length;
  if (typeof name !== 'string')
    problems.push({ field: `${field}.name`, message: 'must be a string' });
  if (typeof value !== 'string')
    problems.push({ field: `${field}.value`, message: 'must be a string' });
  if (typeof isRegex !== 'boolean')
    problems.push({ field: `${field}.isRegex`, message: 'must be a boolean' });
  if (typeof isEqual !== 'boolean')
    problems.push({ field: `${field}.isEqual`, message: 'must be a boolean' });
  if (problems.length > before) return undefined;

  if (!isValidLabelName(name)) {
    problems.push({ field: `${field}.name`, message: `invalid label name ${quote(name)}` });
  }
  if (isRegex) {
    // Compiled as given, unanchored, as Go's regexp.Compile does: `a)(b` must not slip through
    // because the anchored form `^(?:a)(b)$` happens to compile.
    try {
      RE2JS.compile(value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      problems.push({
        field: `${field}.value`,
        message: `invalid regular expression ${quote(value)}: ${reason}`,
      });
    }
  } else if (!isValidLabelValue(value)) {
    problems.push({ field: `${field}.value`, message: `invalid label value ${quote(value)}` });
  }
  if (problems.length > before) return undefined;

  let compiled: Matcher;
  try {
    compiled = matcherFromApi({ name, value, isRegex, isEqual });
  } catch (error) {
    problems.push({
      field: `${field}.value`,
      message: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
  // Alertmanager's matchesEmpty: only `=` and `=~` count; a negative matcher never does.
  const matchesEmpty = isEqual && compiled.matches('');
  return { normalized: { name, value, isRegex, isEqual }, compiled, matchesEmpty };
}

/**
 * Checks a silence as Alertmanager 0.25 does when one is posted, at time `now`, and returns it
 * normalised; `undefined` when there are problems, all of which are pushed to `problems`.
 * `startsAt` defaults to `defaultStartsAt`.
 */
export function checkSilence(
  input: Partial<SilenceInput>,
  now: number,
  defaultStartsAt: number,
  problems: SilenceProblem[],
): CheckedSilence | undefined {
  const matchers: Required<ApiMatcher>[] = [];
  const compiled: Matcher[] = [];
  if (!Array.isArray(input.matchers) || input.matchers.length === 0) {
    problems.push({ field: 'matchers', message: 'at least one matcher required' });
  } else {
    let allMatchEmpty = true;
    const before = problems.length;
    input.matchers.forEach((matcher: ApiMatcher, index) => {
      const checked = checkMatcher(matcher, `matchers[${index}]`, problems);
      if (!checked) return;
      matchers.push(checked.normalized);
      compiled.push(checked.compiled);
      allMatchEmpty &&= checked.matchesEmpty;
    });
    if (problems.length === before && allMatchEmpty) {
      problems.push({
        field: 'matchers',
        message: 'at least one matcher must not match the empty string',
      });
    }
  }

  const startsAt = toMillis(input.startsAt, 'startsAt', problems) ?? defaultStartsAt;
  const endsAt = toMillis(input.endsAt, 'endsAt', problems);
  if (endsAt === undefined) {
    if (!problems.some((problem) => problem.field === 'endsAt'))
      problems.push({ field: 'endsAt', message: 'required' });
  } else if (startsAt >= endsAt) {
    problems.push({ field: 'endsAt', message: 'start time must be before end time' });
  } else if (endsAt < now) {
    problems.push({ field: 'endsAt', message: "end time can't be in the past" });
  }

  for (const field of ['createdBy', 'comment'] as const) {
    if (input[field] !== undefined && typeof input[field] !== 'string')
      problems.push({ field, message: 'must be a string' });
  }

  if (problems.length > 0 || endsAt === undefined) return undefined;
  return {
    matchers,
    compiled,
    startsAt,
    endsAt,
    createdBy: input.createdBy ?? '',
    comment: input.comment ?? '',
  };
}
