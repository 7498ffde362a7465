import { ConfigError, PhoenixError, formatPath, parseOptions } from '@phoenix-alerting/core';
import type { ConfigIssue } from '@phoenix-alerting/core';
import { onCallConfigSchema } from './config.js';
import type { OnCallConfigInput } from './config.js';
import { applyOverrides } from './overrides.js';
import type { ResolvedOverride } from './overrides.js';
import { RotationModel, peopleOf, spansOf } from './rotation-model.js';
import type { MemberSpan } from './rotation-model.js';
import { WallClock } from './wall-clock.js';
import type { OnCallSchedule, RotationOverride, Shift, TeamMember } from './types.js';

/**
 * Compiles `teams:` and `oncall_rotations:` into an {@link OnCallSchedule}. Accepts the sections as
 * written (defaults are applied) or already validated.
 *
 * @throws ConfigError naming every problem: schema violations, unknown teams, duplicate people, a
 *   team left without members after its rotation starts, invalid overrides.
 */
export function createOnCallSchedule(
  config: OnCallConfigInput,
  overrides: readonly RotationOverride[] = [],
): OnCallSchedule {
  const parsed = parseOptions(onCallConfigSchema, config, 'on-call configuration');
  const { byTeam, dates } = peopleOf(parsed);
  const models = new Map<string, RotationModel>();
  for (const [name, rotation] of Object.entries(parsed.oncall_rotations)) {
    models.set(name, new RotationModel(name, rotation, byTeam, dates));
  }
  const spans = new Map<string, MemberSpan[]>();
  for (const [team, members] of byTeam) {
    const reader = Object.values(parsed.oncall_rotations).find((rotation) =>
      rotation.members.some((member) => member.team === team),
    );
    spans.set(team, spansOf(members, dates, new WallClock(reader?.timezone ?? 'UTC')));
  }
  const people = new Map<string, TeamMember>();
  for (const members of byTeam.values())
    for (const member of members) people.set(member.name, member);
  return new Schedule(models, spans, people, resolveOverrides(overrides, models, people));
}

class Schedule implements OnCallSchedule {
  readonly rotations: readonly string[];
  readonly teams: readonly string[];

  constructor(
    private readonly models: ReadonlyMap<string, RotationModel>,
    private readonly spans: ReadonlyMap<string, MemberSpan[]>,
    private readonly people: ReadonlyMap<string, TeamMember>,
    private readonly overrides: ReadonlyMap<string, ResolvedOverride[]>,
  ) {
    this.rotations = Object.freeze([...models.keys()]);
    this.teams = Object.freeze([...spans.keys()]);
  }

  shiftAt(rotation: string, at: number): Shift {
    const model = this.model(rotation);
    checkTime(at, 'at');
    const segments = applyOverrides(model.shift(model.indexAt(at)), this.overridesOf(rotation));
    return segments.find((segment) => segment.start <= at && at < segment.end)!;
  }

  shifts(rotation: string, from: number, to: number): Shift[] {
    const model = this.model(rotation);
    checkTime(from, 'from');
    checkTime(to, 'to');
    const result: Shift[] = [];
    if (!(to > from)) return result;
    const overrides = this.overridesOf(rotation);
    for (let index = model.indexAt(from); model.startOf(index) < to; index++) {
      const base = model.shift(index);
      if (base.end === base.start) continue;
      for (const segment of applyOverrides(base, overrides)) {
        if (segment.end > from && segment.start < to) result.push(segment);
      }
    }
    return result;
  }

  person(name: string): TeamMember | undefined {
    return this.people.get(name);
  }

  members(team: string, at?: number): TeamMember[] {
    const spans = this.spans.get(team) ?? [];
    return spans
      .filter((span) => at === undefined || (span.from <= at && at < span.until))
      .map((span) => span.member);
  }

  timezone(rotation: string): string {
    return this.model(rotation).wall.timezone;
  }

  withOverrides(overrides: readonly RotationOverride[]): OnCallSchedule {
    return new Schedule(
      this.models,
      this.spans,
      this.people,
      resolveOverrides(overrides, this.models, this.people),
    );
  }

  private model(rotation: string): RotationModel {
    const model = this.models.get(rotation);
    if (model === undefined) {
      const known = [...this.models.keys()];
      throw new PhoenixError(
        'ERR_NOT_FOUND',
        `unknown rotation ${JSON.stringify(rotation)}${known.length ? ` (rotations: ${known.join(', ')})` : ' (no `oncall_rotations:` configured)'}`,
      );
    }
    return model;
  }

  private overridesOf(rotation: string): ResolvedOverride[] {
    return this.overrides.get(rotation) ?? [];
  }
}

function resolveOverrides(
  overrides: readonly RotationOverride[],
  models: ReadonlyMap<string, RotationModel>,
  people: ReadonlyMap<string, TeamMember>,
): Map<string, ResolvedOverride[]> {
  const issues: ConfigIssue[] = [];
  const byRotation = new Map<string, ResolvedOverride[]>();
  overrides.forEach((override, index) => {
    const at = (key: string) => formatPath([index, key]);
    const problems = issues.length;
    if (!models.has(override.rotation)) {
      issues.push({
        path: at('rotation'),
        message: `unknown rotation ${JSON.stringify(override.rotation)}`,
      });
    }
    const person = people.get(override.person);
    if (person === undefined) {
      issues.push({
        path: at('person'),
        message: `unknown person ${JSON.stringify(override.person)}`,
      });
    }
    if (override.replaces !== undefined && !people.has(override.replaces)) {
      issues.push({
        path: at('replaces'),
        message: `unknown person ${JSON.stringify(override.replaces)}`,
      });
    }
    if (
      !Number.isFinite(override.start) ||
      !Number.isFinite(override.end) ||
      !(override.end > override.start)
    ) {
      issues.push({
        path: at('end'),
        message: 'must be a time after `start` (ms since the epoch)',
      });
    }
    if (issues.length > problems) return;
    const list = byRotation.get(override.rotation) ?? [];
    list.push({ ...override, member: person!, order: index });
    byRotation.set(override.rotation, list);
  });
  if (issues.length > 0) throw new ConfigError(issues, { subject: 'rotation overrides' });
  for (const list of byRotation.values()) {
    list.sort((a, b) => a.createdAt - b.createdAt || a.order - b.order);
  }
  return byRotation;
}

// Dates end 8.64e15 ms either side of the epoch; keep a margin for the zone arithmetic.
const LIMIT_MS = 8.6e15;

function checkTime(value: number, name: string): void {
  if (!Number.isFinite(value) || Math.abs(value) > LIMIT_MS) {
    throw new RangeError(`${name} must be a time in ms since the epoch, got ${String(value)}`);
  }
}
