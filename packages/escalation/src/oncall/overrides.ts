import type { RotationOverride, Shift, TeamMember } from './types.js';

/** An override whose person is known, with its position for ties of `createdAt`. */
export interface ResolvedOverride extends RotationOverride {
  member: TeamMember;
  order: number;
}

/**
 * Splits a scheduled shift where overrides begin and end. Each piece goes to the newest override
 * covering it (`overrides` is sorted oldest first) that applies to the scheduled person, or stays
 * the scheduled person's; neighbouring pieces with the same person and override are joined.
 */
export function applyOverrides(base: Shift, overrides: readonly ResolvedOverride[]): Shift[] {
  const relevant = overrides.filter(
    (override) =>
      override.start < base.end &&
      override.end > base.start &&
      (override.replaces === undefined || override.replaces === base.person.name),
  );
  if (relevant.length === 0) return [base];
  const cuts = new Set([base.start, base.end]);
  for (const override of relevant) {
    if (override.start > base.start) cuts.add(override.start);
    if (override.end < base.end) cuts.add(override.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces: Shift[] = [];
  for (let index = 0; index + 1 < points.length; index++) {
    const start = points[index]!;
    const end = points[index + 1]!;
    let winner: ResolvedOverride | undefined;
    for (const override of relevant) {
      if (override.start <= start && override.end >= end) winner = override;
    }
    const previous = pieces[pieces.length - 1];
    if (previous && previous.overrideId === winner?.id) {
      previous.end = end;
      continue;
    }
    pieces.push(
      winner === undefined
        ? { ...base, start, end }
        : {
            rotation: base.rotation,
            team: winner.member.team,
            person: winner.member,
            start,
            end,
            overrideId: winner.id,
          },
    );
  }
  return pieces;
}
