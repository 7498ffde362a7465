import { afterEach, describe, expect, it } from 'vitest';
import { startServer, startSink, waitFor, waitForIncident } from './test-harness.js';
import type { Harness } from './test-harness.js';

const escalationConfig = (sink: string, auth = '') => `
${auth}
route:
  receiver: default
  group_by: [alertname, team]
  group_wait: 30s
  routes:
    - matchers: [severity="critical"]
      receiver: oncall-critical
      group_wait: 0s
receivers:
  - name: default
    console_configs: [{}]
  - name: oncall-critical
    escalation_policy: critical
    webhook_configs:
      - url: ${sink}
severities:
  critical:
    response_time: 15m
    escalation_interval: 30m
    channels: [webhook]
  warning:
    channels: [webhook]
    auto_resolution: true
teams:
  backend:
    members:
      - name: alice
        email: alice@example.com
      - name: bob
  platform:
    members:
      - name: carol
oncall_rotations:
  primary:
    shift_length_hours: 12
    handoff_time: "08:00"
    timezone: America/Chicago
    members: [{ team: backend }]
  secondary:
    shift_length_hours: 24
    handoff_time: "09:00"
    timezone: America/Chicago
    members: [{ team: platform }]
escalation_policies:
  critical:
    - level: 1
      responders: [{ type: rotation, name: primary }]
      timeout_minutes: 15
    - level: 2
      responders: [{ type: rotation, name: secondary }]
      timeout_minutes: 15
`;

const MINUTE = 60_000;

describe('/api/phoenix/v1', () => {
  let harness: Harness | undefined;
  let sink: Awaited<ReturnType<typeof startSink>> | undefined;

  afterEach(async () => {
    await harness?.server.stop();
    await sink?.close();
    harness = undefined;
    sink = undefined;
  });

  async function start(auth = '') {
    sink = await startSink();
    harness = await startServer({ configText: escalationConfig(sink.url, auth) });
    return { harness, sink };
  }

  async function openIncident(h: Harness) {
    const posted = await h.post('/api/v2/alerts', [
      { labels: { alertname: 'DiskFull', team: 'backend', severity: 'critical' } },
    ]);
    expect(posted.statusCode).toBe(200);
    await h.clock.advance(1);
    return waitForIncident(h);
  }

  it('opens one incident per group, pages level 1 then escalates, and stops after an ack', async () => {
    const { harness: h, sink: s } = await start();
    const incident = await openIncident(h);
    expect(incident).toMatchObject({
      number: expect.any(Number),
      severity: 'critical',
      status: 'new',
      receiver: 'oncall-critical',
      policy: 'critical',
    });
    // A second alert of the same group joins the incident rather than opening another.
    await h.post('/api/v2/alerts', [
      { labels: { alertname: 'DiskFull', team: 'backend', severity: 'critical', disk: 'b' } },
    ]);
    await h.clock.advance(1);
    await waitFor(() => s.requests.length >= 1);
    expect(await h.json('/api/phoenix/v1/incidents')).toHaveLength(1);

    // Level 2 is paged 15 minutes later without an acknowledgement.
    await h.clock.advance(15 * MINUTE);
    await waitFor(() => s.requests.length >= 2);
    const details = await h.json(`/api/phoenix/v1/incidents/${incident.number}`);
    expect(details.level).toBe(2);
    expect(details.timeline.map((entry: any) => entry.kind)).toContain('incident-created');

    const ack = await h.post(`/api/phoenix/v1/incidents/${incident.number}/acknowledge`, {
      by: 'carol',
    });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'carol' });
    // The two people paged are told of the acknowledgement; nobody is paged after it.
    await h.clock.advance(1);
    await waitFor(() => s.requests.length >= 4);
    await h.clock.advance(14 * MINUTE);
    expect(s.requests.length).toBe(4);

    // Listing filters by status; the CLI's `incident list` uses these parameters.
    expect(await h.json('/api/phoenix/v1/incidents?status=acknowledged')).toHaveLength(1);
    expect(await h.json('/api/phoenix/v1/incidents?status=new')).toHaveLength(0);
  });

  it('answers bad moves with 409 naming the allowed ones, and bad bodies with 400', async () => {
    const { harness: h } = await start();
    const incident = await openIncident(h);
    const url = `/api/phoenix/v1/incidents/${incident.id}`;

    const noBy = await h.post(`${url}/acknowledge`, {});
    expect(noBy.statusCode).toBe(400);
    expect(noBy.json().message).toContain('by');

    const badStatus = await h.post(`${url}/status`, { by: 'alice', status: 'done' });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().message).toMatch(/status: must be one of new, acknowledged/);

    // Forward moves may skip steps; going back is refused with the moves still possible.
    const mitigated = await h.post(`${url}/status`, { by: 'alice', status: 'mitigated' });
    expect(mitigated.statusCode).toBe(200);
    const back = await h.post(`${url}/status`, { by: 'alice', status: 'investigating' });
    expect(back.statusCode).toBe(409);
    expect(back.json().message).toContain('resolved');

    const note = await h.post(`${url}/notes`, { by: 'alice', text: 'looking at the disk' });
    expect(note.statusCode).toBe(200);
    const timeline = (await h.json(url)).timeline;
    expect(timeline.at(-1)).toMatchObject({ kind: 'note-added', actor: 'alice' });

    expect((await h.get('/api/phoenix/v1/incidents/no-such-id')).statusCode).toBe(404);
    expect((await h.get('/api/phoenix/v1/incidents?limit=0')).statusCode).toBe(400);
    expect((await h.get('/api/phoenix/v1/incidents?filter=bad matcher')).statusCode).toBe(400);
  });

  it('tells who is on call, and applies overrides created through the API', async () => {
    const { harness: h } = await start();
    // T0 is 2024-06-01T00:00Z = 19:00 in Chicago (CDT): the primary day shift of the anchor cycle.
    const now = await h.json('/api/phoenix/v1/oncall');
    expect(now.map((shift: any) => shift.rotation)).toEqual(['primary', 'secondary']);
    const primary = now[0];
    expect(['alice', 'bob']).toContain(primary.person.name);

    const other = primary.person.name === 'alice' ? 'bob' : 'alice';
    const created = await h.post('/api/phoenix/v1/overrides', {
      rotation: 'primary',
      person: other,
      start: '2024-06-01T00:00:00Z',
      end: '2024-06-01T01:00:00Z',
      createdBy: 'carol',
      reason: 'swap',
    });
    expect(created.statusCode).toBe(201);
    const after = await h.json('/api/phoenix/v1/oncall?rotation=primary');
    expect(after[0].person.name).toBe(other);
    expect(after[0].overrideId).toBe(created.json().id);
    expect(await h.json('/api/phoenix/v1/overrides')).toHaveLength(1);

    const bad = await h.post('/api/phoenix/v1/overrides', {
      rotation: 'primary',
      person: other,
      start: '2024-06-01T02:00:00Z',
      end: '2024-06-01T01:00:00Z',
      createdBy: 'carol',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('end must be after start');

    const deleted = await h.inject({
      method: 'DELETE',
      url: `/api/phoenix/v1/overrides/${created.json().id}`,
    });
    expect(deleted.statusCode).toBe(204);
    expect((await h.json('/api/phoenix/v1/oncall?rotation=primary'))[0].person.name).toBe(
      primary.person.name,
    );
    const schedule = await h.json(
      '/api/phoenix/v1/oncall/primary/schedule?from=2024-06-01T00:00:00Z&to=2024-06-02T00:00:00Z',
    );
    expect(schedule.length).toBeGreaterThanOrEqual(2);
    expect((await h.get('/api/phoenix/v1/oncall?rotation=nope')).statusCode).toBe(404);
  });

  it('emits an OnCallHandoff alert at each handoff, routed like any alert', async () => {
    const { harness: h } = await start();
    // T0 is 19:00 in Chicago; the 12-hour primary rotation hands off at 20:00 local (01:00Z).
    await h.clock.advance(59 * MINUTE);
    expect(await h.json('/api/v2/alerts?filter=alertname="OnCallHandoff"')).toEqual([]);
    await h.clock.advance(2 * MINUTE);
    let alerts: any[] = [];
    await waitFor(() => {
      void h
        .json('/api/v2/alerts?filter=alertname="OnCallHandoff"')
        .then((list) => (alerts = list));
      return alerts.length > 0;
    });
    const [handoff] = alerts;
    expect(handoff.labels).toMatchObject({ rotation: 'primary', team: 'backend' });
    expect(handoff.startsAt).toBe('2024-06-01T01:00:00.000Z');
    expect(handoff.annotations.incoming).toBe(handoff.labels.oncall);
    expect(handoff.annotations.incoming).not.toBe(handoff.annotations.outgoing);
    expect(handoff.receivers).toEqual([{ name: 'default' }]);
  });

  it('requires the bearer token for writes when server.auth is set', async () => {
    const { harness: h } = await start('server:\n  auth:\n    bearer_token: s3cret');
    const incident = await openIncidentWithToken(h);
    const denied = await h.post(`/api/phoenix/v1/incidents/${incident.id}/acknowledge`, {
      by: 'alice',
    });
    expect(denied.statusCode).toBe(401);
    const allowed = await h.post(
      `/api/phoenix/v1/incidents/${incident.id}/acknowledge`,
      { by: 'alice' },
      { authorization: 'Bearer s3cret' },
    );
    expect(allowed.statusCode).toBe(200);
  });

  async function openIncidentWithToken(h: Harness) {
    await h.post(
      '/api/v2/alerts',
      [{ labels: { alertname: 'DiskFull', team: 'backend', severity: 'critical' } }],
      { authorization: 'Bearer s3cret' },
    );
    await h.clock.advance(1);
    return waitForIncident(h);
  }

  it('says escalation is not configured when it is not', async () => {
    harness = await startServer();
    const response = await harness.get('/api/phoenix/v1/incidents');
    expect(response.statusCode).toBe(404);
    expect(response.json().message).toContain('escalation_policies');
  });

  it('rejects a receiver naming an unknown policy, with its path', async () => {
    sink = await startSink();
    const text = escalationConfig(sink.url).replace(
      'escalation_policy: critical',
      'escalation_policy: nope',
    );
    await expect(startServer({ configText: text })).rejects.toThrow(
      /receivers\[1\]\.escalation_policy.*unknown escalation policy "nope"/,
    );
  });
});
