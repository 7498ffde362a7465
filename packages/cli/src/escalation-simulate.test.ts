import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escalationSimulateCommand } from './escalation-simulate.js';

const directory = mkdtempSync(join(tmpdir(), 'phoenix-cli-simulate-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const config = join(directory, 'phoenix.yml');
writeFileSync(
  config,
  `
route: { receiver: ops }
receivers:
  - name: ops
    escalation_policy: critical
    slack_configs: [{ api_url: '\${SLACK_URL}', channel: '#ops' }]
teams:
  platform:
    members: [{ name: alice, phone: "+15550100" }]
  backend:
    members: [{ name: bob, phone: "+15550200" }]
  managers:
    members: [{ name: dana }]
oncall_rotations:
  primary_oncall:
    shift_length_hours: 24
    handoff_time: "08:00"
    timezone: America/Chicago
    members: [{ team: platform }]
  secondary_oncall:
    shift_length_hours: 24
    handoff_time: "08:00"
    timezone: America/Chicago
    members: [{ team: backend }]
escalation_policies:
  critical:
    - level: 1
      responders: [{ type: team, name: primary_oncall }]
      timeout_minutes: 15
    - level: 2
      responders: [{ type: team, name: secondary_oncall }]
      timeout_minutes: 15
    - level: 3
      responders: [{ type: team, name: managers }]
      timeout_minutes: 30
`,
);

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  };
  const code = await escalationSimulateCommand(args, io, { env: {} });
  return { code, stdout, stderr };
}

describe('escalation simulate', () => {
  it('prints who is paged, when and on which channels, until the policy runs out', async () => {
    const { code, stdout, stderr } = await run([
      '--config',
      config,
      '--labels',
      'severity=critical,team=backend',
      '--at',
      '2026-03-02T15:00:00Z',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        '# severity critical, policy critical; at the end: new (exhausted)',
        '+0m\t2026-03-02T15:00:00.000Z\ttriggered\t1\talice\tpagerduty,sms,slack',
        '+15m\t2026-03-02T15:15:00.000Z\tescalated\t2\tbob\tpagerduty,sms,slack',
        '+30m\t2026-03-02T15:30:00.000Z\tescalated\t3\tdana\tpagerduty,sms,slack',
        '+1h\t2026-03-02T16:00:00.000Z\tincident-exhausted\t-\tsystem\t-',
        '',
      ].join('\n'),
    );
  });

  it('stops at the acknowledgement and notifies everyone paged at the resolution', async () => {
    const { code, stdout } = await run([
      '--config',
      config,
      '--labels',
      'severity=critical',
      '--at',
      '2026-03-02T15:00:00Z',
      '--ack-after',
      '20m',
      '--resolve-after',
      '25m',
    ]);
    expect(code).toBe(0);
    expect(
      stdout
        .split('\n')
        .slice(1, -1)
        .map((line) => line.split('\t').slice(0, 5).join(' ')),
    ).toEqual([
      '+0m 2026-03-02T15:00:00.000Z triggered 1 alice',
      '+15m 2026-03-02T15:15:00.000Z escalated 2 bob',
      '+20m 2026-03-02T15:20:00.000Z incident-acknowledged - alice',
      '+20m 2026-03-02T15:20:00.000Z acknowledged 2 alice',
      '+20m 2026-03-02T15:20:00.000Z acknowledged 2 bob',
      '+25m 2026-03-02T15:25:00.000Z incident-resolved - simulation',
      '+25m 2026-03-02T15:25:00.000Z resolved - alice',
      '+25m 2026-03-02T15:25:00.000Z resolved - bob',
    ]);
  });

  it('reports bad input with usage errors', async () => {
    expect(await run(['--labels', 'a=b'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--config FILE is required/),
    });
    expect(await run(['--config', config, '--labels', 'a=~b'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/name=value/),
    });
    expect(await run(['--config', config, '--labels', 'a=b', '--ack-after', '5'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--ack-after/),
    });
    expect(await run(['--config', config, '--labels', 'a=b', '--policy', 'nope'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown policy "nope"/),
    });
    expect(
      await run(['--config', join(directory, 'missing.yml'), '--labels', 'a=b']),
    ).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot read/) });
    expect((await run(['--help'])).stdout).toMatch(/Usage: phoenix-alerting escalation simulate/);
  });
});
