import { ConfigError } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { loadEscalationConfig, parseEscalationConfig } from './config.js';
import { specConfig } from './test-support.js';

const teams = {
  platform: { members: [{ name: 'alice' }] },
  managers: { members: [{ name: 'dana' }] },
};
const oncall_rotations = {
  primary: {
    shift_length_hours: 12,
    handoff_time: '08:00',
    timezone: 'America/Chicago',
    members: [{ team: 'platform' }],
  },
};

function problems(input: unknown): string[] {
  try {
    parseEscalationConfig(input);
  } catch (error) {
    if (ConfigError.isInstance(error))
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('escalation config', () => {
  it("reads the spec's matrix, policies and rotations", () => {
    const config = specConfig();
    expect(
      [...config.severities.values()].map((level) => [
        level.name,
        level.rank,
        level.responseTimeMs,
        level.escalationIntervalMs,
        level.channels,
        level.autoResolution,
      ]),
    ).toEqual([
      ['critical', 0, 900_000, 1_800_000, ['pagerduty', 'sms', 'slack'], false],
      ['warning', 1, 1_800_000, 3_600_000, ['pagerduty', 'slack'], true],
      ['info', 2, undefined, undefined, ['slack'], true],
    ]);
    expect(config.defaultSeverity).toBe('warning');
    expect(config.reopenWindowMs).toBe(3_600_000);
    expect(config.policies.get('critical')).toEqual({
      name: 'critical',
      repeat: 0,
      levels: [
        { level: 1, responders: [{ type: 'team', name: 'primary_oncall' }], timeoutMs: 900_000 },
        { level: 2, responders: [{ type: 'team', name: 'secondary_oncall' }], timeoutMs: 900_000 },
        {
          level: 3,
          responders: [{ type: 'team', name: 'engineering_managers' }],
          timeoutMs: 1_800_000,
        },
      ],
    });
    expect(config.policies.get('critical_repeating')!.repeat).toBe(1);
  });

  it('defaults to the spec matrix, most severe level as default severity', () => {
    const config = parseEscalationConfig({});
    expect([...config.severities.keys()]).toEqual(['critical', 'warning', 'info']);
    expect(config.severities.get('warning')!.escalationIntervalMs).toBe(3_600_000);
    expect(config.defaultSeverity).toBe('critical');
    expect(config.policies.size).toBe(0);
  });

  it('names the path of every bad reference and value', () => {
    expect(
      problems({
        teams,
        oncall_rotations,
        default_severity: 'urgent',
        severities: { critical: { channels: [], response_time: '15' } },
        escalation_policies: {
          a: [
            { level: 1, responders: [{ type: 'rotation', name: 'nope' }] },
            {
              level: 3,
              responders: [
                { type: 'team', name: 'ghosts' },
                { type: 'user', name: 'mallory' },
              ],
            },
          ],
          b: { levels: [{ responders: [{ type: 'team', name: 'primary' }] }], repeat: -1 },
        },
      }),
    ).toEqual([
      'severities.critical.response_time: expected a duration such as 30s, 5m or 1h30m, got "15" (add a unit, e.g. "15s")',
      'severities.critical.channels: a severity needs at least one channel',
      'escalation_policies.b.repeat: Too small: expected number to be >=0',
    ]);
    expect(
      problems({
        teams,
        oncall_rotations,
        default_severity: 'urgent',
        escalation_policies: {
          a: [
            { level: 1, responders: [{ type: 'rotation', name: 'nope' }] },
            {
              level: 3,
              responders: [
                { type: 'team', name: 'ghosts' },
                { type: 'user', name: 'mallory' },
              ],
            },
          ],
          b: {
            levels: [
              {
                responders: [
                  { type: 'team', name: 'primary' },
                  { type: 'team', name: 'managers' },
                ],
              },
            ],
          },
        },
      }),
    ).toEqual([
      'default_severity: unknown severity "urgent" (severities: critical, warning, info)',
      'escalation_policies.a[0].responders[0].name: unknown rotation "nope" (oncall_rotations: primary)',
      'escalation_policies.a[1].level: is 3 but this is level 2: levels are listed in order from 1',
      'escalation_policies.a[1].responders[0].name: unknown team "ghosts": not a team of `teams:` nor a rotation of `oncall_rotations:`',
      'escalation_policies.a[1].responders[1].name: unknown person "mallory": not a member of any team of `teams:`',
    ]);
  });

  it('reports on-call problems and YAML positions with the file name', () => {
    expect(() =>
      loadEscalationConfig({
        file: 'phoenix.yml',
        text: 'teams:\n  a:\n    members: []\nescalation_policies:\n  p: nope\n',
      }),
    ).toThrow(
      /phoenix\.yml: teams\.a\.members: a team needs at least one member[\s\S]*phoenix\.yml: escalation_policies\.p/,
    );
  });
});
