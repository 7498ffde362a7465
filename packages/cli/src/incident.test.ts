import { createLogger } from '@phoenix-alerting/core';
import { FakeClock } from '@phoenix-alerting/core/testing';
import { createServer } from '@phoenix-alerting/server';
import type { PhoenixServer } from '@phoenix-alerting/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentCommand } from './incident.js';
import { run } from './cli.js';

const config = `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 0s
  routes:
    - matchers: [severity="critical"]
      receiver: oncall
receivers:
  - name: default
  - name: oncall
    escalation_policy: critical
    console_configs: [{}]
severities:
  critical:
    channels: [console]
teams:
  backend:
    members: [{ name: alice }]
oncall_rotations:
  primary:
    shift_length_hours: 24
    handoff_time: "09:00"
    timezone: UTC
    members: [{ team: backend }]
escalation_policies:
  critical:
    - responders: [{ type: rotation, name: primary }]
      timeout_minutes: 15
server:
  auth:
    bearer_token: t0ken
`;

function buffers() {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
  };
  return { out, io };
}

describe('incident', () => {
  let server: PhoenixServer;
  let url: string;
  const clock = new FakeClock('2026-03-01T12:00:00Z');

  beforeAll(async () => {
    server = createServer({
      configText: config,
      dataDir: ':memory:',
      clock,
      logger: createLogger({ level: 'silent' }),
      defaultMetrics: false,
      consoleStream: { write: () => true } as never,
    });
    url = await server.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t0ken' },
      body: JSON.stringify([{ labels: { alertname: 'DiskFull', severity: 'critical' } }]),
    });
    expect(response.status).toBe(200);
    await clock.advance(1);
    for (let i = 0; i < 200; i++) {
      const list = (await (await fetch(`${url}/api/phoenix/v1/incidents`)).json()) as unknown[];
      if (list.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('lists open incidents as a table', async () => {
    const { out, io } = buffers();
    expect(await incidentCommand(['list', '--url', url], io, {})).toBe(0);
    const [header, row] = out.stdout.trim().split('\n');
    expect(header).toMatch(/^NUMBER\s+STATUS\s+SEVERITY\s+LEVEL\s+CREATED\s+ASSIGNED\s+TITLE$/);
    expect(row).toMatch(/^1\s+new\s+critical\s+1\s+2026-03-01T12:00:00\.\d{3}Z\s+-\s+/);
  });

  it('acknowledges with the token and shows the timeline', async () => {
    const denied = buffers();
    await expect(
      incidentCommand(['ack', '1', '--url', url, '--by', 'alice'], denied.io, {}),
    ).rejects.toThrow(/401 unauthorized/);
    const { out, io } = buffers();
    const env = { PHOENIX_URL: url, PHOENIX_TOKEN: 't0ken', USER: 'alice' };
    expect(await incidentCommand(['ack', '1'], io, env)).toBe(0);
    expect(out.stdout).toBe('incident 1 is acknowledged\n');

    const shown = buffers();
    expect(await incidentCommand(['show', '1'], shown.io, env)).toBe(0);
    expect(shown.out.stdout).toContain('Status:       acknowledged');
    expect(shown.out.stdout).toMatch(/incident-acknowledged\s+alice: acknowledged by alice/);
  });

  it('reports an unknown incident and an unreachable server in one line, via the CLI', async () => {
    const missing = buffers();
    expect(await run(['incident', 'show', '99', '--url', url], missing.io)).toBe(1);
    expect(missing.out.stderr).toMatch(
      /^phoenix-alerting: error: GET .*: 404 no incident number 99\n$/,
    );

    const down = buffers();
    expect(await run(['incident', 'list', '--url', 'http://127.0.0.1:9'], down.io)).toBe(1);
    expect(down.out.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);

    const usage = buffers();
    expect(await run(['incident', 'ack'], usage.io)).toBe(2);
    expect(usage.out.stderr).toContain('needs an incident number or id');
  });
});
