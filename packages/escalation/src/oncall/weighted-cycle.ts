/**
 * nginx's smooth weighted round-robin (`ngx_http_upstream_get_peer`): at each step every entry's
 * current weight grows by its weight, the largest (the first of equals) is picked and loses the
 * total. Weights 2, 2, 1 give 0, 1, 2, 0, 1. The cycle repeats every sum-of-weights steps.
 */
export function smoothWeightedCycle(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const current = weights.map(() => 0);
  const cycle: number[] = [];
  for (let step = 0; step < total; step++) {
    let picked = 0;
    for (let index = 0; index < weights.length; index++) {
      current[index]! += weights[index]!;
      if (current[index]! > current[picked]!) picked = index;
    }
    current[picked]! -= total;
    cycle.push(picked);
  }
  return cycle;
}

/** Floored modulo: the result has the sign of `divisor`. */
export function mod(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}

/**
 * Turn arithmetic over an endless repetition of one weighted cycle, in O(log weight) per question,
 * for any slot index (negative slots are the cycles before the anchor).
 */
export class WeightedTurns {
  private readonly cycle: number[];
  private readonly positions: number[][];

  constructor(private readonly weights: readonly number[]) {
    this.cycle = smoothWeightedCycle(weights);
    this.positions = weights.map(() => []);
    this.cycle.forEach((entry, slot) => this.positions[entry]!.push(slot));
  }

  /** The entry (index into the weights) whose turn slot `slot` is. */
  entryAt(slot: number): number {
    return this.cycle[mod(slot, this.cycle.length)]!;
  }

  /** How many of `entry`'s turns come before `slot`, counted from slot 0 (negative before it). */
  turnsBefore(entry: number, slot: number): number {
    const length = this.cycle.length;
    const cycles = Math.floor(slot / length);
    const rest = slot - cycles * length;
    const positions = this.positions[entry]!;
    let low = 0;
    let high = positions.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (positions[middle]! < rest) low = middle + 1;
      else high = middle;
    }
    return cycles * this.weights[entry]! + low;
  }
}
