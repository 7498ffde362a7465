import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oncallCommand, oncallHelp } from './oncall.js';
import { captureIo } from './test-support/capture-io.js';

const specConfig = `
route:
  receiver: oncall
receivers:
  - name: oncall
    escalation_policy: critical
    slack_configs:
      - api_url: \${SLACK_WEBHOOK_URL}
        channel: '#alerts'
teams:
  platform:
    members:
      - name: alice
        email: alice@example.com
        phone: "+15550100"
        slack: U0001
        pagerduty: PABC123
      - name: bob
  backend:
    members:
      - name: carol
      - name: dave
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
  secondary_oncall:
    shift_length_hours: 24
    handoff_time: "09:00"
    timezone: "America/Chicago"
    members:
      - team: platform
        weight: 1
      - team: backend
        weight: 1
      - team: frontend
        weight: 1
`;

const dir = mkdtempSync(join(tmpdir(), 'phoenix-oncall-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const spec = file('phoenix.yml', specConfig);
const env = { SLACK_WEBHOOK_URL: 'https://hooks.slack.invalid/T/B/X' };

async function oncall(args: string[], options: Parameters<typeof oncallCommand>[2] = { env }) {
  const io = captureIo();
  const exitCode = await oncallCommand(args, io, options);
  return { exitCode, stdout: io.out, stderr: io.err };
}

describe('oncall who', () => {
  it('prints the shift of every rotation at --at, with the rotation offset', async () => {
    expect(await oncall(['who', '--config', spec, '--at', '2026-03-08T12:00:00Z'])).toEqual({
      exitCode: 0,
      stdout:
        'primary_oncall\tbackend\tcarol\t2026-03-07T20:00:00-06:00\t2026-03-08T08:00:00-05:00\n' +
        'secondary_oncall\tfrontend\terin\t2026-03-07T09:00:00-06:00\t2026-03-08T09:00:00-05:00\n',
      stderr: '',
    });
  });

  it('prints only the named rotation; a time without an offset is in its zone', async () => {
    const result = await oncall([
      'who',
      '--config',
      spec,
      '--rotation',
      'primary_oncall',
      '--at',
      '2026-11-01T08:00',
    ]);
    expect(result.stdout).toBe(
      'primary_oncall\tplatform\tbob\t2026-11-01T08:00:00-06:00\t2026-11-01T20:00:00-06:00\n',
    );
  });

  it('uses the current time without --at', async () => {
    const result = await oncall(['who', '-c', spec, '--rotation', 'secondary_oncall'], {
      env,
      now: () => Date.parse('2026-01-02T16:00:00Z'),
    });
    expect(result.stdout).toBe(
      'secondary_oncall\tbackend\tcarol\t2026-01-02T09:00:00-06:00\t2026-01-03T09:00:00-06:00\n',
    );
  });

  it('warns about unset variables outside the on-call sections and carries on', async () => {
    const result = await oncall(
      ['who', '--config', spec, '--rotation', 'primary_oncall', '--at', '2026-01-01T08:00'],
      { env: {} },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^primary_oncall\tplatform\talice\t/);
    expect(result.stderr).toBe(
      'phoenix-alerting: warning: SLACK_WEBHOOK_URL is not set; on-call schedules do not use it\n',
    );
  });

  it('reports an unknown rotation with the known ones (exit 1)', async () => {
    expect(await oncall(['who', '--config', spec, '--rotation', 'tertiary'])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr:
        'phoenix-alerting: error: unknown rotation "tertiary" (rotations: primary_oncall, secondary_oncall)\n',
    });
  });
});

describe('oncall schedule', () => {
  it('prints one line per shift across the March change', async () => {
    const result = await oncall([
      'schedule',
      '--config',
      spec,
      '--rotation',
      'primary_oncall',
      '--from',
      '2026-03-07T08:00:00-06:00',
      '--to',
      '2026-03-09T08:00:00-05:00',
    ]);
    expect(result).toEqual({
      exitCode: 0,
      stdout: [
        'primary_oncall\tplatform\talice\t2026-03-07T08:00:00-06:00\t2026-03-07T20:00:00-06:00',
        'primary_oncall\tbackend\tcarol\t2026-03-07T20:00:00-06:00\t2026-03-08T08:00:00-05:00',
        'primary_oncall\tfrontend\terin\t2026-03-08T08:00:00-05:00\t2026-03-08T20:00:00-05:00',
        'primary_oncall\tplatform\tbob\t2026-03-08T20:00:00-05:00\t2026-03-09T08:00:00-05:00',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('includes the shifts that overlap the ends of the range', async () => {
    const result = await oncall([
      'schedule',
      '--config',
      spec,
      '--rotation',
      'secondary_oncall',
      '--from',
      '2026-10-31T12:00',
      '--to',
      '2026-11-01T10:00',
    ]);
    expect(
      result.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t').slice(3).join(' ')),
    ).toEqual([
      '2026-10-31T09:00:00-05:00 2026-11-01T09:00:00-06:00',
      '2026-11-01T09:00:00-06:00 2026-11-02T09:00:00-06:00',
    ]);
  });

  it('prints a range of many months once per shift, weekly shifts spanning months included', async () => {
    const weekly = file(
      'weekly.yml',
      specConfig.replace(
        'shift_length_hours: 24',
        'shift_length_hours: 168\n    start: 2026-01-05',
      ),
    );
    const result = await oncall([
      'schedule',
      '--config',
      weekly,
      '--rotation',
      'secondary_oncall',
      '--from',
      '2026-01-01',
      '--to',
      '2027-01-01',
    ]);
    const starts = result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t')[3]!);
    expect(new Set(starts).size).toBe(starts.length);
    expect(starts[0]).toBe('2025-12-29T09:00:00-06:00');
    expect(starts.at(-1)).toBe('2026-12-28T09:00:00-06:00');
    expect(starts).toHaveLength(53);
    const daily = await oncall([
      'schedule',
      '--config',
      spec,
      '--rotation',
      'primary_oncall',
      '--from',
      '2026-01-01T08:00',
      '--to',
      '2027-01-01T08:00',
    ]);
    expect(daily.stdout.split('\n').filter(Boolean)).toHaveLength(730);
  });

  it('rejects a missing option, a bad time and a reversed range with exit 2', async () => {
    const missing = await oncall([
      'schedule',
      '--config',
      spec,
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-02',
    ]);
    expect(missing).toEqual({
      exitCode: 2,
      stdout: '',
      stderr:
        "phoenix-alerting: error: --rotation NAME is required\nRun 'phoenix-alerting oncall schedule --help' for usage.\n",
    });
    const bad = await oncall([
      'schedule',
      '--config',
      spec,
      '--rotation',
      'primary_oncall',
      '--from',
      'yesterday',
      '--to',
      '2026-01-02',
    ]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(
      /^phoenix-alerting: error: --from: invalid time "yesterday"; use ISO 8601/,
    );
    const reversed = await oncall([
      'schedule',
      '--config',
      spec,
      '--rotation',
      'primary_oncall',
      '--from',
      '2026-01-02',
      '--to',
      '2026-01-01',
    ]);
    expect(reversed.exitCode).toBe(2);
    expect(reversed.stderr).toMatch(/--to must be later than --from/);
  });
});

describe('oncall command line and configuration errors', () => {
  it('prints help and rejects unknown commands and options', async () => {
    expect(await oncall(['who', '--help'])).toEqual({
      exitCode: 0,
      stdout: oncallHelp['oncall who'],
      stderr: '',
    });
    expect((await oncall(['--help'])).stdout).toBe(oncallHelp.oncall);
    expect((await oncall([])).exitCode).toBe(2);
    const unknown = await oncall(['rota']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown oncall command "rota"/);
    const option = await oncall(['who', '--config', spec, '--form', 'x']);
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toMatch(/Unknown option '--form'/);
    expect((await oncall(['who'])).stderr).toMatch(/--config FILE is required/);
  });

  it('names the file, YAML path and line of a rotation naming an unknown team', async () => {
    const broken = file('broken.yml', specConfig.replace('- team: frontend', '- team: fruntend'));
    const result = await oncall(['who', '--config', broken]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'phoenix-alerting: error: invalid configuration:\n' +
        `  - ${broken}: oncall_rotations.primary_oncall.members[2].team: unknown team "fruntend" (teams: platform, backend, frontend) (line 36, column 15)\n`,
    );
  });

  it('names the file when a team has nobody left', async () => {
    const empty = file(
      'empty.yml',
      specConfig.replace('- name: erin', '- name: erin\n        until: 2026-06-01'),
    );
    const result = await oncall(['who', '--config', empty, '--at', '2026-01-01T12:00:00Z']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `${empty}: oncall_rotations.primary_oncall.members[2].team: team "frontend" has no member from 2026-06-01T00:00:00-05:00`,
    );
  });

  it('reports a file that cannot be read', async () => {
    const result = await oncall(['who', '--config', join(dir, 'missing.yml')]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/missing\.yml: cannot read: ENOENT/);
  });
});
