import type { ApiMatcher } from './matcher.js';

/** `pending` before `startsAt`, `active` until `endsAt`, `expired` after. */
export type SilenceState = 'pending' | 'active' | 'expired';

/** A silence as Alertmanager stores it (`silencepb.Silence`). Times are ms since epoch. */
export interface Silence {
  /** UUID assigned when the silence is created. */
  id: string;
  /** All must match for an alert to be silenced. */
  matchers: ApiMatcher[];
  startsAt: number;
  endsAt: number;
  /** Last change (ms since epoch). */
  updatedAt: number;
  createdBy: string;
  comment: string;
}

/** Alertmanager's `getState`: where a silence stands at time `now` (ms since epoch). */
export function silenceState(
  silence: Pick<Silence, 'startsAt' | 'endsAt'>,
  now: number,
): SilenceState {
  if (now < silence.startsAt) return 'pending';
  if (now >= silence.endsAt) return 'expired';
  return 'active';
}
