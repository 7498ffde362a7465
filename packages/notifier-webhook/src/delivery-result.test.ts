import { describe, expect, it } from 'vitest';
import {
  describeRequestError,
  parseRetryAfter,
  resultFromResponse,
  scrub,
} from './delivery-result.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-01-01T00:00:00Z');

  it('reads delay-seconds and HTTP dates, never below zero', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 23:59:00 GMT', now)).toBe(0);
  });

  it("measures a date from the server's Date header when there is one", () => {
    expect(
      parseRetryAfter('Mon, 01 Jan 2024 00:01:00 GMT', now, 'Mon, 01 Jan 2024 00:00:50 GMT'),
    ).toBe(10_000);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:01:00 GMT', now, 'garbage')).toBe(60_000);
  });

  it('ignores what it cannot read', () => {
    for (const value of [undefined, null, '', '1.5', '-3', 'soon']) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});

describe('scrub', () => {
  it('removes every secret, longest first', () => {
    expect(scrub('token abc and abcdef', ['abc', 'abcdef', ''])).toBe(
      'token <redacted> and <redacted>',
    );
  });
});

describe('resultFromResponse', () => {
  it('keeps retryAfterMs only on retryable failures', () => {
    expect(resultFromResponse('x', { status: 400, retryAfterMs: 5, body: '' }, [])).toEqual({
      ok: false,
      retryable: false,
      reason: 'client',
      statusCode: 400,
      message: 'x: unexpected status code 400',
    });
    expect(resultFromResponse('x', { status: 429, retryAfterMs: 5, body: '' }, [])).toMatchObject({
      retryAfterMs: 5,
    });
  });
});

describe('describeRequestError', () => {
  it('names the cause rather than "fetch failed"', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
    });
    expect(describeRequestError(new TypeError('fetch failed', { cause: refused }))).toBe(
      'connect ECONNREFUSED 127.0.0.1:9',
    );
    const both = new AggregateError([new Error('connect ECONNREFUSED ::1:9'), refused]);
    expect(describeRequestError(new TypeError('fetch failed', { cause: both }))).toBe(
      'connect ECONNREFUSED ::1:9; connect ECONNREFUSED 127.0.0.1:9',
    );
  });
});
