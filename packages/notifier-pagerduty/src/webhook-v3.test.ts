import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePagerDutyWebhook, verifyPagerDutySignature } from './webhook-v3.js';

// The shape of a webhook v3 delivery, from PagerDuty's "Webhooks v3 overview" example payloads.
const acknowledged = JSON.stringify({
  event: {
    id: '01DEN4HPBQAAAG05V5QQYBRZMF',
    event_type: 'incident.acknowledged',
    resource_type: 'incident',
    occurred_at: '2024-01-01T00:05:00.000Z',
    agent: {
      html_url: 'https://acme.pagerduty.com/users/PLH1HKV',
      id: 'PLH1HKV',
      self: 'https://api.pagerduty.com/users/PLH1HKV',
      summary: 'Tenex Engineer',
      type: 'user_reference',
    },
    client: null,
    data: {
      id: 'PGR0VU2',
      type: 'incident',
      self: 'https://api.pagerduty.com/incidents/PGR0VU2',
      html_url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
      number: 2,
      status: 'acknowledged',
      incident_key: 'inc-01HZX3',
      created_at: '2024-01-01T00:00:00Z',
      title: '[#1234] Database down',
      urgency: 'high',
    },
  },
});

const sign = (secret: string, body: string) =>
  `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('verifyPagerDutySignature', () => {
  it('accepts the HMAC-SHA256 of the raw body', () => {
    const headers = { 'x-pagerduty-signature': sign('s3cret', acknowledged) };
    expect(verifyPagerDutySignature({ secret: 's3cret', rawBody: acknowledged, headers })).toBe(
      true,
    );
    expect(
      verifyPagerDutySignature({
        secret: 's3cret',
        rawBody: Buffer.from(acknowledged),
        headers: { 'X-PagerDuty-Signature': headers['x-pagerduty-signature'] },
      }),
    ).toBe(true);
  });

  it('accepts any of several signatures and secrets (rotation)', () => {
    const headers = {
      'x-pagerduty-signature': `${sign('old', acknowledged)}, ${sign('new', acknowledged)}`,
    };
    expect(verifyPagerDutySignature({ secret: 'new', rawBody: acknowledged, headers })).toBe(true);
    expect(
      verifyPagerDutySignature({ secrets: ['other', 'old'], rawBody: acknowledged, headers }),
    ).toBe(true);
    expect(verifyPagerDutySignature({ secrets: ['other'], rawBody: acknowledged, headers })).toBe(
      false,
    );
  });

  it('rejects a tampered body, a wrong secret, a missing or malformed header', () => {
    const headers = { 'x-pagerduty-signature': sign('s3cret', acknowledged) };
    const tampered = acknowledged.replace('acknowledged', 'resolved');
    expect(verifyPagerDutySignature({ secret: 's3cret', rawBody: tampered, headers })).toBe(false);
    expect(verifyPagerDutySignature({ secret: 'wrong', rawBody: acknowledged, headers })).toBe(
      false,
    );
    expect(verifyPagerDutySignature({ secret: 's3cret', rawBody: acknowledged, headers: {} })).toBe(
      false,
    );
    for (const value of [
      'v1=zz',
      'v0=' + sign('s3cret', acknowledged).slice(3),
      sign('s3cret', acknowledged).slice(0, 40),
    ]) {
      expect(
        verifyPagerDutySignature({
          secret: 's3cret',
          rawBody: acknowledged,
          headers: { 'x-pagerduty-signature': value },
        }),
      ).toBe(false);
    }
  });

  it('needs a secret', () => {
    expect(() => verifyPagerDutySignature({ rawBody: '{}', headers: {} })).toThrow(
      /needs a secret/,
    );
  });
});

describe('parsePagerDutyWebhook', () => {
  it('reads an acknowledgement: the dedup key Phoenix sent and who acknowledged', () => {
    expect(parsePagerDutyWebhook(acknowledged)).toEqual({
      event: 'acknowledged',
      eventType: 'incident.acknowledged',
      dedupKey: 'inc-01HZX3',
      incidentKey: 'inc-01HZX3',
      pagerdutyIncidentId: 'PGR0VU2',
      agent: { id: 'PLH1HKV', name: 'Tenex Engineer', type: 'user_reference' },
      occurredAt: '2024-01-01T00:05:00.000Z',
    });
  });

  it('reads a resolution', () => {
    const body = acknowledged.replace('"incident.acknowledged"', '"incident.resolved"');
    expect(parsePagerDutyWebhook(body)).toMatchObject({
      event: 'resolved',
      dedupKey: 'inc-01HZX3',
    });
  });

  it('ignores events Phoenix does not act on, and refuses what is not a v3 delivery', () => {
    const annotated = acknowledged.replace('"incident.acknowledged"', '"incident.annotated"');
    expect(parsePagerDutyWebhook(annotated)).toBeUndefined();
    expect(() => parsePagerDutyWebhook('{"messages":[]}')).toThrow(/event_type/);
    expect(() => parsePagerDutyWebhook('not json')).toThrow(SyntaxError);
  });
});
