// The rules of Alertmanager 0.25 for changing and listing silences: `canUpdate`
// (silence/silence.go), and the API's filter and order (api/v2/api.go CheckSilenceMatchesFilterLabels,
// SortSilences).
import { silenceState } from '@phoenix-alerting/core';
import type { ApiMatcher, Silence, SilenceState } from '@phoenix-alerting/core';

export function copy(silence: Silence): Silence {
  return { ...silence, matchers: silence.matchers.map((matcher) => ({ ...matcher })) };
}

function sameMatcher(a: ApiMatcher, b: ApiMatcher): boolean {
  return (
    a.name === b.name &&
    a.value === b.value &&
    a.isRegex === b.isRegex &&
    (a.isEqual ?? true) === (b.isEqual ?? true)
  );
}

/** Alertmanager's canUpdate: can `a` become `b` without rewriting what was silenced when? */
export function canUpdateSilence(a: Silence, b: Silence, now: number): boolean {
  if (a.matchers.length !== b.matchers.length) return false;
  if (!a.matchers.every((matcher, i) => sameMatcher(matcher, b.matchers[i]!))) return false;
  switch (silenceState(a, now)) {
    case 'active':
      // Compared in whole seconds, as Go's `StartsAt.Unix()`.
      return Math.floor(a.startsAt / 1000) === Math.floor(b.startsAt / 1000) && b.endsAt >= now;
    case 'pending':
      return b.startsAt >= now;
    case 'expired':
      return false;
  }
}

/** The API's filter: every filter matcher is one of the silence's matchers (name, type, value). */
export function filterMatches(silence: Silence, filter: readonly ApiMatcher[]): boolean {
  return filter.every((wanted) => silence.matchers.some((matcher) => sameMatcher(matcher, wanted)));
}

const stateOrder: Record<SilenceState, number> = { active: 1, pending: 2, expired: 3 };

/** SortSilences: active by end, pending by start, expired latest end first; then by id. */
export function compareForListing(
  a: { silence: Silence; state: SilenceState },
  b: { silence: Silence; state: SilenceState },
): number {
  if (a.state !== b.state) return stateOrder[a.state] - stateOrder[b.state];
  const order =
    a.state === 'active'
      ? a.silence.endsAt - b.silence.endsAt
      : a.state === 'pending'
        ? a.silence.startsAt - b.silence.startsAt
        : b.silence.endsAt - a.silence.endsAt;
  return order || (a.silence.id < b.silence.id ? -1 : a.silence.id > b.silence.id ? 1 : 0);
}
