import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import {
  parseSmsReply,
  smsReplyResponse,
  SmsReplyError,
  twilioSignature,
  verifyTwilioSignature,
} from './inbound.js';
import type { TwilioParams } from './inbound.js';

// The example of Twilio's "Webhooks security" documentation (api-snippets
// security/signature_validation), in its two published versions.
const docs = {
  authToken: '12345',
  url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
};
const docsVectors: { params: Record<string, string>; signature: string }[] = [
  {
    params: {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675310',
      Digits: '1234',
      From: '+14158675310',
      To: '+18005551212',
    },
    signature: 'GvWf1cFY/Q7PnoempGyD5oXAezc=',
  },
  {
    params: {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    },
    signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
  },
];

/** An inbound SMS as Twilio posts it to the messaging webhook. */
const inboundSms: TwilioParams = {
  ToCountry: 'US',
  SmsMessageSid: 'SM0123456789abcdef0123456789abcdef',
  NumMedia: '0',
  Body: 'ack #1234 — on it 👍',
  From: '+15550200',
  To: '+15550001',
  MessageSid: 'SM0123456789abcdef0123456789abcdef',
  AccountSid: `AC${'0'.repeat(32)}`,
  NumSegments: '1',
  ApiVersion: '2010-04-01',
};

describe('verifyTwilioSignature', () => {
  it.each(docsVectors)("accepts the documentation's example ($signature)", (vector) => {
    expect(twilioSignature(docs.authToken, docs.url, vector.params)).toBe(vector.signature);
    expect(
      verifyTwilioSignature({ ...docs, params: vector.params, signature: vector.signature }),
    ).toBe(true);
    expect(twilio.validateRequest(docs.authToken, vector.signature, docs.url, vector.params)).toBe(
      true,
    );
  });

  it("agrees with the SDK's validateRequest on signatures the SDK computes", () => {
    const authToken = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
    const cases: { url: string; params: TwilioParams }[] = [
      {
        url: 'https://phoenix.example.com/api/phoenix/v1/integrations/twilio/sms',
        params: inboundSms,
      },
      {
        url: 'https://phoenix.example.com:8443/hook?x=1&y=%20z',
        params: { Body: 'RESOLVE 7', From: '+4915110000000' },
      },
      { url: 'http://127.0.0.1:9093/hook', params: {} },
      // A repeated field: its values are sorted.
      {
        url: 'https://phoenix.example.com/hook',
        params: { MediaUrl: ['https://b', 'https://a'], Body: '' },
      },
    ];
    for (const { url, params } of cases) {
      const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
      expect(twilioSignature(authToken, url, params)).toBe(signature);
      expect(verifyTwilioSignature({ authToken, url, params, signature })).toBe(true);
      expect(twilio.validateRequest(authToken, signature, url, params)).toBe(true);
    }
  });

  it('accepts a signature over the URL with or without its default port, as the SDK does', () => {
    const authToken = 'token';
    const signed = twilioSignature(authToken, 'https://phoenix.example.com:443/hook', inboundSms);
    const seen = 'https://phoenix.example.com/hook';
    expect(
      verifyTwilioSignature({ authToken, url: seen, params: inboundSms, signature: signed }),
    ).toBe(true);
    expect(twilio.validateRequest(authToken, signed, seen, inboundSms)).toBe(true);
    const signedWithout = twilioSignature(authToken, seen, inboundSms);
    expect(
      verifyTwilioSignature({
        authToken,
        url: 'https://phoenix.example.com:443/hook',
        params: inboundSms,
        signature: signedWithout,
      }),
    ).toBe(true);
  });

  it('rejects a wrong token, a changed parameter or URL, and a missing or repeated header', () => {
    const authToken = 'right-token';
    const url = 'https://phoenix.example.com/hook';
    const signature = twilioSignature(authToken, url, inboundSms);
    const check = (changes: Partial<Parameters<typeof verifyTwilioSignature>[0]>) =>
      verifyTwilioSignature({ authToken, url, params: inboundSms, signature, ...changes });
    expect(check({})).toBe(true);
    expect(check({ authToken: 'wrong-token' })).toBe(false);
    expect(check({ params: { ...inboundSms, Body: 'RESOLVE 1234' } })).toBe(false);
    expect(check({ params: { ...inboundSms, From: '+15550666' } })).toBe(false);
    expect(check({ url: `${url}?x=1` })).toBe(false);
    expect(check({ url: 'https://evil.example.com/hook' })).toBe(false);
    expect(check({ signature: undefined })).toBe(false);
    expect(check({ signature: '' })).toBe(false);
    expect(check({ signature: [signature, signature] })).toBe(false);
    expect(check({ signature: signature.slice(0, -1) })).toBe(false);
    expect(check({ authToken: '' })).toBe(false);
  });
});

describe('parseSmsReply', () => {
  it.each([
    ['ACK 1234', 'acknowledge', 1234],
    ['ack #1234', 'acknowledge', 1234],
    ['Ack1234', 'acknowledge', 1234],
    ['  acknowledge 42. ', 'acknowledge', 42],
    ['A 7', 'acknowledge', 7],
    ['ACK: #9', 'acknowledge', 9],
    ['RESOLVE 1234', 'resolve', 1234],
    ['resolved #1234!', 'resolve', 1234],
    ['R 1234', 'resolve', 1234],
    ['res 5', 'resolve', 5],
    // Full-width digits and letters from some phone keyboards.
    ['ＡＣＫ １２３４', 'acknowledge', 1234],
  ] as const)('reads %j', (body, action, number) => {
    expect(parseSmsReply(body)).toEqual({ action, number });
  });

  it.each([
    ['', 'Empty reply.'],
    ['ACK', 'Which incident?'],
    ['resolve', 'Which incident?'],
    ['hello', 'Not understood.'],
    ['ACK 12 34', 'Not understood.'],
    ['STOP', 'Not understood.'],
    ['ACK 1234 and RESOLVE 5', 'Not understood.'],
    ['ACK 0', 'No incident number 0.'],
    ['ACK -3', 'Not understood.'],
  ])('refuses %j', (body, start) => {
    let caught: unknown;
    try {
      parseSmsReply(body);
    } catch (error) {
      caught = error;
    }
    expect(SmsReplyError.isInstance(caught)).toBe(true);
    expect((caught as Error).message.startsWith(start)).toBe(true);
    expect((caught as Error).message).toContain('Reply ACK <number> or RESOLVE <number>');
  });
});

describe('smsReplyResponse', () => {
  it('answers with one escaped TwiML message', () => {
    expect(smsReplyResponse('Incident #12 <db> acknowledged by "alice" & \'bob\'')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>' +
        'Incident #12 &#60;db&#62; acknowledged by &#34;alice&#34; &#38; &#39;bob&#39;' +
        '</Message></Response>',
    );
  });

  it('answers with an empty response when there is nothing to say', () => {
    expect(smsReplyResponse()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(smsReplyResponse('\u0000')).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  it("says what the SDK's TwiML builder says, once parsed", () => {
    const text = 'ACK #5 <ok> & done';
    const sdk = new twilio.twiml.MessagingResponse();
    sdk.message(text);
    const decode = (xml: string) =>
      /<Message>(.*)<\/Message>/s
        .exec(xml)![1]!
        .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&');
    expect(decode(smsReplyResponse(text))).toBe(decode(sdk.toString()));
    expect(decode(smsReplyResponse(text))).toBe(text);
  });
});
