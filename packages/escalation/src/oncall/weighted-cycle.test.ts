import { describe, expect, it } from 'vitest';
import { WeightedTurns, mod, smoothWeightedCycle } from './weighted-cycle.js';

describe('smoothWeightedCycle', () => {
  it("gives nginx's order for weights 2, 2, 1: platform, backend, frontend, platform, backend", () => {
    expect(smoothWeightedCycle([2, 2, 1])).toEqual([0, 1, 2, 0, 1]);
  });

  it('spreads a heavy entry out as nginx does ({5, 1, 1} → a a b a c a a)', () => {
    expect(smoothWeightedCycle([5, 1, 1])).toEqual([0, 0, 1, 0, 2, 0, 0]);
  });

  it('is plain round-robin for equal weights and gives each entry its weight of turns', () => {
    expect(smoothWeightedCycle([1, 1, 1])).toEqual([0, 1, 2]);
    const cycle = smoothWeightedCycle([3, 7, 2]);
    expect(cycle).toHaveLength(12);
    expect([0, 1, 2].map((entry) => cycle.filter((e) => e === entry).length)).toEqual([3, 7, 2]);
  });
});

describe('WeightedTurns', () => {
  it('counts turns before any slot, negative slots included, as counting one by one does', () => {
    const weights = [2, 3, 1];
    const turns = new WeightedTurns(weights);
    for (let entry = 0; entry < weights.length; entry++) {
      let counted = 0;
      for (let slot = 0; slot < 40; slot++) {
        expect(turns.turnsBefore(entry, slot)).toBe(counted);
        if (turns.entryAt(slot) === entry) counted++;
      }
      counted = 0;
      for (let slot = 0; slot > -40; slot--) {
        expect(turns.turnsBefore(entry, slot)).toBe(counted);
        if (turns.entryAt(slot - 1) === entry) counted--;
      }
    }
  });

  it('answers for slots a million cycles away', () => {
    const turns = new WeightedTurns([2, 2, 1]);
    expect(turns.turnsBefore(2, 5_000_000)).toBe(1_000_000);
    expect(turns.entryAt(5_000_002)).toBe(2);
  });

  it('mod is floored', () => {
    expect(mod(-1, 5)).toBe(4);
    expect(mod(7, 5)).toBe(2);
  });
});
