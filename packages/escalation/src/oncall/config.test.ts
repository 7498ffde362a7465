import { ConfigError, parseConfig } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { onCallConfigSchema } from './config.js';
import { createOnCallSchedule } from './schedule.js';

const specYaml = `
route:
  receiver: default
receivers:
  - name: default
teams:
  platform:
    members:
      - name: alice
        email: alice@example.com
        phone: "+15550100"
        slack: U0001
        pagerduty: PABC123
  backend:
    members:
      - name: carol
  frontend:
    members:
      - name: erin
oncall_rotations:
  primary_oncall:
    shift_length_hours: 12
    handoff_time: "08:00"
    timezone: "America/Chicago"
    members:
      - team: platform
        weight: 2
      - team: backend
        weight: 2
      - team: frontend
        weight: 1
`;

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, { schema: onCallConfigSchema, file: 'phoenix.yml' });
  } catch (error) {
    if (ConfigError.isInstance(error))
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('onCallConfigSchema', () => {
  it("parses the spec's sections from a whole configuration file, with defaults", () => {
    const config = parseConfig(specYaml, { schema: onCallConfigSchema });
    expect(config.oncall_rotations.primary_oncall).toEqual({
      shift_length_hours: 12,
      handoff_time: '08:00',
      timezone: 'America/Chicago',
      start: '2026-01-01',
      members: [
        { team: 'platform', weight: 2 },
        { team: 'backend', weight: 2 },
        { team: 'frontend', weight: 1 },
      ],
    });
    expect(config.teams.platform!.members[0]).toEqual({
      name: 'alice',
      email: 'alice@example.com',
      phone: '+15550100',
      slack: 'U0001',
      pagerduty: 'PABC123',
    });
    expect(createOnCallSchedule(config).rotations).toEqual(['primary_oncall']);
  });

  it('accepts a file without the sections', () => {
    expect(parseConfig('route: {receiver: x}\n', { schema: onCallConfigSchema })).toEqual({
      teams: {},
      oncall_rotations: {},
    });
  });

  it('names the path (and line) of a rotation member whose team does not exist', () => {
    const yaml = specYaml.replace('- team: frontend', '- team: fruntend');
    expect(problems(yaml)).toEqual([
      'oncall_rotations.primary_oncall.members[2].team: unknown team "fruntend" (teams: platform, backend, frontend) (line 30, column 15)',
    ]);
  });

  it('rejects a person in two teams, a team listed twice, bad times, zones, weights and phones', () => {
    const yaml = specYaml
      .replace('- name: carol', '- name: alice')
      .replace('"08:00"', '"8am"')
      .replace('"America/Chicago"', '"America/Chicgo"')
      .replace('weight: 1', 'weight: 0')
      .replace('phone: "+15550100"', 'phone: 15550100')
      .replace('- team: backend', '- team: platform');
    expect(problems(yaml).map((line) => line.replace(/ \(line.*\)$/, ''))).toEqual([
      'teams.platform.members[0].phone: must be a string: quote E.164 numbers, e.g. "+15550100"',
      'teams.backend.members[0].name: duplicate person "alice" (also in team "platform"); names are unique across teams',
      'oncall_rotations.primary_oncall.handoff_time: must be a 24-hour time HH:MM, e.g. "08:00"',
      'oncall_rotations.primary_oncall.timezone: unknown time zone "America/Chicgo"',
      'oncall_rotations.primary_oncall.members[1].team: team "platform" is listed twice; give it one entry with a larger weight',
      'oncall_rotations.primary_oncall.members[2].weight: expected a number >= 1, got the number 0',
    ]);
  });

  it('rejects unknown keys, bad dates and `until` before `from`', () => {
    const yaml = specYaml
      .replace(
        '- name: erin',
        '- name: erin\n        from: 2026-05-01\n        until: 2026-04-01\n        nickname: e',
      )
      .replace('shift_length_hours: 12', 'shift_length_hours: 12\n    start: 2026-02-30');
    expect(problems(yaml).map((line) => line.replace(/ \(line.*\)$/, ''))).toEqual([
      'teams.frontend.members[0].until: must be after `from`',
      'teams.frontend.members[0].nickname: unknown key "nickname"',
      'oncall_rotations.primary_oncall.start: must be a date YYYY-MM-DD',
    ]);
  });

  it('rejects a rotation whose team has nobody at some time after the rotation starts', () => {
    const yaml = specYaml
      .replace(
        '- name: carol',
        '- name: carol\n        until: 2026-03-01\n      - name: dave\n        from: 2026-04-01T08:00',
      )
      .replace('- name: erin', '- name: erin\n        from: 2025-06-01');
    expect(problems(yaml).map((line) => line.replace(/ \(line.*\)$/, ''))).toEqual([
      'oncall_rotations.primary_oncall.members[1].team: team "backend" has no member from ' +
        "2026-03-01T00:00:00-06:00 until 2026-04-01T08:00:00-05:00 (see its members' from/until)",
    ]);
    // Before the rotation starts it does not matter: erin only joins in 2025 but the cycle begins in 2026.
    expect(
      problems(specYaml.replace('- name: erin', '- name: erin\n        from: 2025-06-01')),
    ).toEqual([]);
  });

  it('createOnCallSchedule validates objects built in code the same way', () => {
    expect(() =>
      createOnCallSchedule({
        oncall_rotations: {
          r: {
            shift_length_hours: 12,
            handoff_time: '08:00',
            timezone: 'UTC',
            members: [{ team: 'ghost' }],
          },
        },
      }),
    ).toThrow(
      /invalid on-call configuration:\n {2}- oncall_rotations\.r\.members\[0\]\.team: unknown team "ghost" \(no `teams:` section\)/,
    );
  });
});
