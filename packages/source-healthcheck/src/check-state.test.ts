import { describe, expect, it } from 'vitest';
import { applyResult, initialState, isCheckState } from './check-state.js';
import type { CheckState, Transition } from './check-state.js';

function replay(results: string, thresholds = { failureThreshold: 3, successThreshold: 2 }) {
  let state: CheckState = initialState();
  const transitions: Transition[] = [];
  [...results].forEach((result, index) => {
    const next = applyResult(state, result === '+', 1_000 * (index + 1), thresholds);
    state = next.state;
    transitions.push(next.transition);
  });
  return { state, transitions: transitions.map((t) => t?.[0] ?? '.').join('') };
}

describe('applyResult', () => {
  it('fires on the failureThreshold-th consecutive failure and resolves on the successThreshold-th success', () => {
    // f = fire, r = resolve, . = no change
    expect(replay('---').transitions).toBe('..f');
    expect(replay('--+---').transitions).toBe('.....f');
    expect(replay('---+-++').transitions).toBe('..f...r');
    expect(replay('---------').transitions).toBe('..f......');
  });

  it('never changes state on alternating results', () => {
    expect(replay('-+-+-+-+-+-+-+-+').transitions).toBe('................');
    expect(replay('----+-+-+-+-+-+-').transitions).toBe('..f.............');
  });

  it('dates the alert from the first failure of the streak, kept while firing', () => {
    expect(replay('+--').state).toMatchObject({ firing: false, failingSince: 2_000, failures: 2 });
    expect(replay('+---').state).toMatchObject({ firing: true, failingSince: 2_000 });
    expect(replay('+---+-').state).toMatchObject({
      firing: true,
      failingSince: 2_000,
      failures: 1,
    });
    expect(replay('+--+').state).toMatchObject({ firing: false, failingSince: 0, failures: 0 });
  });

  it('thresholds of 1 follow every result', () => {
    expect(replay('-+-+', { failureThreshold: 1, successThreshold: 1 }).transitions).toBe('frfr');
  });

  it('recognises stored states', () => {
    expect(isCheckState(replay('--').state)).toBe(true);
    expect(isCheckState({ failures: '2' })).toBe(false);
    expect(isCheckState(null)).toBe(false);
  });
});
