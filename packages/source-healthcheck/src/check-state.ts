/** What a check remembers between runs (and, through the store's `kv`, across restarts). */
export interface CheckState {
  /** Consecutive failed runs. */
  failures: number;
  /** Consecutive successful runs. */
  successes: number;
  /** Whether the check's alert is firing. */
  firing: boolean;
  /** Start of the current failure streak (ms since epoch): the alert's `startsAt`. 0 when none. */
  failingSince: number;
  /** When the firing alert was last sent (ms since epoch), 0 when never. */
  lastSentAt: number;
  /** Labels and annotations of the firing alert, so it can be resolved after a config change. */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export const initialState = (): CheckState => ({
  failures: 0,
  successes: 0,
  firing: false,
  failingSince: 0,
  lastSentAt: 0,
});

export interface Thresholds {
  failureThreshold: number;
  successThreshold: number;
}

/** Whether a result turned the alert on, off, or neither. */
export type Transition = 'fire' | 'resolve' | undefined;

/**
 * Counts one result. The alert fires after `failureThreshold` consecutive failures and resolves
 * after `successThreshold` consecutive successes, so a check that alternates never changes state.
 */
export function applyResult(
  state: CheckState,
  ok: boolean,
  now: number,
  thresholds: Thresholds,
): { state: CheckState; transition: Transition } {
  if (ok) {
    const successes = state.successes + 1;
    if (state.firing && successes >= thresholds.successThreshold)
      return { state: { ...initialState(), successes }, transition: 'resolve' };
    return {
      state: {
        ...state,
        successes,
        failures: 0,
        failingSince: state.firing ? state.failingSince : 0,
      },
      transition: undefined,
    };
  }
  const failures = state.failures + 1;
  const failingSince = state.failingSince || now;
  const next = { ...state, failures, successes: 0, failingSince };
  if (!state.firing && failures >= thresholds.failureThreshold)
    return { state: { ...next, firing: true }, transition: 'fire' };
  return { state: next, transition: undefined };
}

/** Whether a stored value looks like a {@link CheckState} (the store may hold an older shape). */
export function isCheckState(value: unknown): value is CheckState {
  if (typeof value !== 'object' || value === null) return false;
  const state = value as Record<string, unknown>;
  return (
    typeof state.failures === 'number' &&
    typeof state.successes === 'number' &&
    typeof state.firing === 'boolean' &&
    typeof state.failingSince === 'number' &&
    typeof state.lastSentAt === 'number'
  );
}
