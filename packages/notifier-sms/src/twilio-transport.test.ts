import { systemClock } from '@phoenix-alerting/core';
import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTwilio } from './__fixtures__/fake-twilio.js';
import type { FakeTwilio } from './__fixtures__/fake-twilio.js';
import { TransportAbort, TwilioTransport } from './twilio-transport.js';

let fake: FakeTwilio;
beforeEach(async () => {
  fake = await startFakeTwilio();
});
afterEach(() => fake.close());

function clientFor(apiUrl: string, signal = new AbortController().signal) {
  const transport = new TwilioTransport({ apiUrl, signal, clock: systemClock, timeoutMs: 0 });
  const client = twilio(fake.accountSid, fake.authToken, { httpClient: transport.asHttpClient() });
  return { transport, client };
}

describe('TwilioTransport', () => {
  it('sends what the SDK builds to api_url, keeping a path prefix (a proxy)', async () => {
    fake.answerWith((request) =>
      request.path.startsWith('/twilio/')
        ? {
            status: 201,
            headers: { 'content-type': 'application/json' },
            body: '{"sid":"SM1","status":"queued"}',
          }
        : { status: 404 },
    );
    const { client, transport } = clientFor(`${fake.url}/twilio/`);
    const message = await client.messages.create({
      to: '+15550100',
      from: '+15550001',
      body: 'hi',
    });
    expect(message.sid).toBe('SM1');
    expect(transport.lastResponse?.statusCode).toBe(201);
    const [request] = fake.requests;
    expect(request!.path).toBe(`/twilio/2010-04-01/Accounts/${fake.accountSid}/Messages.json`);
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request!.headers.accept).toBe('application/json');
    expect(request!.rawBody).toBe('To=%2B15550100&From=%2B15550001&Body=hi');
  });

  it('repeats a key for each value of a list, as the SDK does', async () => {
    const { client } = clientFor(fake.url);
    await client.messages.create({
      to: '+15550100',
      from: '+15550001',
      body: 'see',
      mediaUrl: ['https://a.example.com/1.png', 'https://a.example.com/2.png'],
    });
    expect(fake.requests[0]!.form.getAll('MediaUrl')).toEqual([
      'https://a.example.com/1.png',
      'https://a.example.com/2.png',
    ]);
  });

  it('surfaces Twilio error JSON as the SDK does, and keeps the headers it drops', async () => {
    fake.answerWith(() => ({
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '12' },
      body: JSON.stringify({
        code: 20429,
        message: 'Too Many Requests',
        more_info: 'https://www.twilio.com/docs/errors/20429',
        status: 429,
      }),
    }));
    const { client, transport } = clientFor(fake.url);
    const error = await client.messages
      .create({ to: '+15550100', from: '+15550001', body: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      status: 429,
      code: 20429,
      moreInfo: 'https://www.twilio.com/docs/errors/20429',
    });
    expect(transport.lastResponse?.headers.get('retry-after')).toBe('12');
  });

  it('is aborted by the signal', async () => {
    fake.answerWith(() => 'hang');
    const controller = new AbortController();
    const { client } = clientFor(fake.url, controller.signal);
    const pending = client.messages
      .create({ to: '+15550100', from: '+15550001', body: 'x' })
      .catch((caught: unknown) => caught);
    while (fake.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(TransportAbort);
    expect((error as TransportAbort).kind).toBe('canceled');
  });
});
