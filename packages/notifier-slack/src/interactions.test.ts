import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ACKNOWLEDGE_ACTION_ID, RESOLVE_ACTION_ID } from './blocks.js';
import { parseSlackInteraction, SlackRequestError, verifySlackRequest } from './interactions.js';

// The example of Slack's "Verifying requests from Slack" guide.
const guide = {
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const at = Number(guide.timestamp) * 1000;

function errorOf(call: () => unknown): SlackRequestError {
  try {
    call();
  } catch (error) {
    if (SlackRequestError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('verifySlackRequest', () => {
  const headers = {
    'x-slack-signature': guide.signature,
    'x-slack-request-timestamp': guide.timestamp,
  };

  it("accepts the example of Slack's documentation, from node:http headers or fetch Headers", () => {
    expect(() =>
      verifySlackRequest({ ...guide, rawBody: guide.body, headers, now: at + 1_000 }),
    ).not.toThrow();
    expect(() =>
      verifySlackRequest({
        ...guide,
        rawBody: Buffer.from(guide.body),
        headers: new Headers(headers),
        now: at,
      }),
    ).not.toThrow();
  });

  it('refuses a changed body, a wrong secret and a forged signature with 401', () => {
    for (const [rawBody, signingSecret, signature] of [
      [`${guide.body}&x=1`, guide.signingSecret, guide.signature],
      [guide.body, 'another-secret', guide.signature],
      [guide.body, guide.signingSecret, `v0=${'0'.repeat(64)}`],
      [guide.body, guide.signingSecret, 'v0=short'],
    ]) {
      const error = errorOf(() =>
        verifySlackRequest({
          signingSecret: signingSecret!,
          rawBody: rawBody!,
          headers: { ...headers, 'x-slack-signature': signature },
          now: at,
        }),
      );
      expect(error).toMatchObject({ reason: 'bad-signature', statusCode: 401 });
      expect(error.message).not.toContain(guide.signingSecret);
    }
  });

  it('refuses unsigned requests and timestamps outside the five-minute window', () => {
    expect(
      errorOf(() => verifySlackRequest({ ...guide, rawBody: guide.body, headers: {}, now: at })),
    ).toMatchObject({
      reason: 'missing-signature',
      statusCode: 401,
    });
    expect(() =>
      verifySlackRequest({ ...guide, rawBody: guide.body, headers, now: at + 300_000 }),
    ).not.toThrow();
    for (const now of [at + 300_001, at - 300_001])
      expect(
        errorOf(() => verifySlackRequest({ ...guide, rawBody: guide.body, headers, now })),
      ).toMatchObject({
        reason: 'stale-timestamp',
        statusCode: 401,
      });
  });

  it('signs and verifies a fresh interaction end to end', () => {
    const secret = 's1gning-secret';
    const body = 'payload=%7B%7D';
    const timestamp = '1700000000';
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    expect(() =>
      verifySlackRequest({
        signingSecret: secret,
        rawBody: body,
        headers: { 'X-Slack-Signature': signature, 'X-Slack-Request-Timestamp': timestamp },
        now: 1_700_000_010_000,
      }),
    ).not.toThrow();
  });
});

describe('parseSlackInteraction', () => {
  const form = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const click = (action_id: string, value = 'inc-1') => ({
    type: 'block_actions',
    user: { id: 'U0ALICE', username: 'alice' },
    response_url: 'https://hooks.slack.com/actions/T0/1/abc',
    actions: [{ type: 'button', action_id, block_id: 'incident:inc-1', value, action_ts: '1.2' }],
  });

  it('reads Acknowledge and Resolve clicks', () => {
    expect(parseSlackInteraction(form(click(ACKNOWLEDGE_ACTION_ID)))).toEqual({
      action: 'acknowledge',
      incidentId: 'inc-1',
      userId: 'U0ALICE',
      responseUrl: 'https://hooks.slack.com/actions/T0/1/abc',
    });
    expect(
      parseSlackInteraction(Buffer.from(form(click(RESOLVE_ACTION_ID, 'inc-9')))),
    ).toMatchObject({
      action: 'resolve',
      incidentId: 'inc-9',
    });
  });

  it.each([
    ['no payload field', 'x=1', 'malformed-payload'],
    ['payload not JSON', 'payload=%7B', 'malformed-payload'],
    [
      'another payload type',
      form({ type: 'view_submission', user: { id: 'U1' } }),
      'malformed-payload',
    ],
    ['no user', form({ ...click(ACKNOWLEDGE_ACTION_ID), user: {} }), 'malformed-payload'],
    ['another button', form(click('other_action')), 'unknown-action'],
    ['no incident id', form(click(RESOLVE_ACTION_ID, '')), 'malformed-payload'],
  ])('refuses %s with 400', (_name, body, reason) => {
    expect(errorOf(() => parseSlackInteraction(body))).toMatchObject({ reason, statusCode: 400 });
  });
});
