// Two-way acknowledgement: SMS replies (Twilio), PagerDuty webhooks v3 and signed mail links act on
// incidents only when their signature holds.
import { createHmac } from 'node:crypto';
import { createAckToken } from '@phoenix-alerting/notifier-email';
import { twilioSignature } from '@phoenix-alerting/notifier-sms';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, waitForIncident } from './test-harness.js';
import type { Harness } from './test-harness.js';

const TWILIO_TOKEN = 'twilio-auth-token-0123456789';
const PD_SECRET = 'pd-webhook-secret';
const ACK_SECRET = 'ack-link-secret-0123456789';
const SLACK_SECRET = 'slack-signing-secret';
const EXTERNAL = 'http://phoenix.test:9093';

const config = `
server:
  integrations:
    pagerduty_webhook_secret: ${PD_SECRET}
    ack_link_secret: ${ACK_SECRET}
    slack_signing_secret: ${SLACK_SECRET}
route:
  receiver: oncall
  group_by: [alertname]
  group_wait: 0s
receivers:
  - name: oncall
    escalation_policy: critical
    console_configs: [{}]
    sms_configs:
      - account_sid: AC00000000000000000000000000000000
        auth_token: ${TWILIO_TOKEN}
        from: "+15550199"
        api_url: http://127.0.0.1:9
severities:
  critical:
    channels: [console]
teams:
  backend:
    members:
      - { name: alice, phone: "+15550100", slack: U0001 }
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
`;

describe('acknowledgement endpoints', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.server.stop();
    harness = undefined;
  });

  async function withIncident() {
    harness = await startServer({ configText: config, externalURL: EXTERNAL });
    const h = harness;
    await h.post('/api/v2/alerts', [{ labels: { alertname: 'DiskFull', severity: 'critical' } }]);
    await h.clock.advance(1);
    const incident = await waitForIncident(h, (candidate) => candidate.paged.includes('alice'));
    return { h, incident };
  }

  const status = async (h: Harness, id: string) =>
    (await h.json(`/api/phoenix/v1/incidents/${id}`)).status;

  it('acts on a signed SMS reply from the paged person, and on nothing else', async () => {
    const { h, incident } = await withIncident();
    const path = '/api/phoenix/v1/integrations/twilio/sms';
    const send = (params: Record<string, string>, signature?: string) =>
      h.inject({
        method: 'POST',
        url: path,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(signature !== undefined ? { 'x-twilio-signature': signature } : {}),
        },
        payload: new URLSearchParams(params).toString(),
      });
    const reply = {
      AccountSid: 'AC00000000000000000000000000000000',
      From: '+15550100',
      Body: `ACK ${incident.number}`,
    };

    const unsigned = await send(reply);
    expect(unsigned.statusCode).toBe(401);
    const forged = await send(reply, twilioSignature('wrong-token', `${EXTERNAL}${path}`, reply));
    expect(forged.statusCode).toBe(401);
    expect(await status(h, incident.id)).toBe('new');

    const stranger = { ...reply, From: '+15550999' };
    const fromStranger = await send(
      stranger,
      twilioSignature(TWILIO_TOKEN, `${EXTERNAL}${path}`, stranger),
    );
    expect(fromStranger.statusCode).toBe(200);
    expect(fromStranger.body).toContain('was not paged');
    expect(await status(h, incident.id)).toBe('new');

    const ok = await send(reply, twilioSignature(TWILIO_TOKEN, `${EXTERNAL}${path}`, reply));
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/text\/xml/);
    expect(ok.body).toContain(`Incident ${incident.number} is acknowledged.`);
    const details = await h.json(`/api/phoenix/v1/incidents/${incident.id}`);
    expect(details).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice' });

    const gibberish = { ...reply, Body: 'hello?' };
    const unclear = await send(
      gibberish,
      twilioSignature(TWILIO_TOKEN, `${EXTERNAL}${path}`, gibberish),
    );
    expect(unclear.statusCode).toBe(200);
    expect(unclear.body).toMatch(/ACK/);
  });

  it('acts on a signed Slack button click, naming the person by their Slack id', async () => {
    const { h, incident } = await withIncident();
    const payload = JSON.stringify({
      type: 'block_actions',
      user: { id: 'U0001' },
      actions: [{ action_id: 'phoenix_acknowledge', value: incident.id }],
    });
    const body = new URLSearchParams({ payload }).toString();
    const click = (timestamp: number, secret = SLACK_SECRET) =>
      h.inject({
        method: 'POST',
        url: '/api/phoenix/v1/integrations/slack/interactions',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
        },
        payload: body,
      });
    const now = Math.floor(h.clock.now() / 1000);
    expect((await click(now, 'not-the-secret')).statusCode).toBe(401);
    expect((await click(now - 600)).statusCode).toBe(401); // outside the replay window
    expect(await status(h, incident.id)).toBe('new');

    const accepted = await click(now);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().text).toBe(`Incident ${incident.number} is acknowledged.`);
    expect((await h.json(`/api/phoenix/v1/incidents/${incident.id}`)).acknowledgedBy).toBe('alice');
  });

  it('acts on a signed PagerDuty webhook v3 event', async () => {
    const { h, incident } = await withIncident();
    const body = JSON.stringify({
      event: {
        id: '01ABC',
        event_type: 'incident.resolved',
        resource_type: 'incident',
        occurred_at: '2024-06-01T00:05:00Z',
        agent: { id: 'PUSER1', summary: 'Alice', type: 'user_reference' },
        data: { id: 'Q1', type: 'incident', incident_key: incident.id },
      },
    });
    const post = (signature?: string) =>
      h.inject({
        method: 'POST',
        url: '/api/phoenix/v1/integrations/pagerduty/webhook',
        headers: {
          'content-type': 'application/json',
          ...(signature ? { 'x-pagerduty-signature': signature } : {}),
        },
        payload: body,
      });
    expect((await post()).statusCode).toBe(401);
    expect((await post('v1=00ff')).statusCode).toBe(401);
    expect(await status(h, incident.id)).toBe('new');

    const signature = `v1=${createHmac('sha256', PD_SECRET).update(body).digest('hex')}`;
    const accepted = await post(signature);
    expect(accepted.statusCode).toBe(200);
    expect(await status(h, incident.id)).toBe('resolved');
    expect((await h.json(`/api/phoenix/v1/incidents/${incident.id}`)).resolvedBy).toBe(
      'pagerduty:Alice',
    );
  });

  it('shows a signed mail link on GET and acts only on POST', async () => {
    const { h, incident } = await withIncident();
    const token = createAckToken({
      secret: ACK_SECRET,
      incidentId: incident.id,
      action: 'acknowledge',
      expiresAt: h.clock.now() + 3_600_000,
    });
    const url = '/api/phoenix/v1/integrations/email/ack';
    const shown = await h.get(`${url}?token=${encodeURIComponent(token)}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain(`Acknowledge incident ${incident.number}?`);
    expect(await status(h, incident.id)).toBe('new');

    const tampered = await h.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${encodeURIComponent(token.slice(0, -2) + 'xx')}`,
    });
    expect(tampered.statusCode).toBe(401);
    expect(await status(h, incident.id)).toBe('new');

    const done = await h.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${encodeURIComponent(token)}`,
    });
    expect(done.statusCode).toBe(200);
    expect(await status(h, incident.id)).toBe('acknowledged');

    await h.clock.advance(2 * 3_600_000);
    const expired = await h.get(`${url}?token=${encodeURIComponent(token)}`);
    expect(expired.statusCode).toBe(401);
  });
});
