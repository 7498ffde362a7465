import { describe, expect, it } from 'vitest';
import {
  bodyExcerpt,
  deliveryFailure,
  describeRequestError,
  failureFromHttpStatus,
  parseRetryAfter,
  scrubSecrets,
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

describe('scrubSecrets', () => {
  it('removes every secret, longest first', () => {
    expect(scrubSecrets('token abc and abcdef', ['abc', 'abcdef', ''])).toBe(
      'token <redacted> and <redacted>',
    );
  });
});

describe('bodyExcerpt', () => {
  it('puts the body on one line and cuts it', () => {
    expect(bodyExcerpt('  a\n\tb  ')).toBe('a b');
    expect(bodyExcerpt('x'.repeat(600))).toBe(`${'x'.repeat(512)}…`);
    expect(bodyExcerpt('abcdef', 3)).toBe('abc…');
  });
});

describe('deliveryFailure', () => {
  it('scrubs the message and sets only the defined extras', () => {
    expect(deliveryFailure('network', true, 'to https://h/secret', ['/secret'])).toEqual({
      ok: false,
      retryable: true,
      reason: 'network',
      message: 'to https://h<redacted>',
    });
    expect(
      deliveryFailure('server', true, 'm', [], { statusCode: 502, retryAfterMs: undefined }),
    ).toEqual({ ok: false, retryable: true, reason: 'server', message: 'm', statusCode: 502 });
  });
});

describe('failureFromHttpStatus', () => {
  it('retries 429 and 5xx with their Retry-After, not 4xx', () => {
    const table: [number, string, boolean][] = [
      [429, 'rate-limited', true],
      [500, 'server', true],
      [503, 'server', true],
      [401, 'auth', false],
      [403, 'auth', false],
      [400, 'client', false],
      [404, 'client', false],
      [600, 'client', false],
    ];
    for (const [status, reason, retryable] of table) {
      const result = failureFromHttpStatus(status, `x ${status} key`, ['key'], 5);
      expect(result).toEqual({
        ok: false,
        retryable,
        reason,
        statusCode: status,
        message: `x ${status} <redacted>`,
        ...(retryable && { retryAfterMs: 5 }),
      });
    }
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
    expect(describeRequestError('plain')).toBe('plain');
  });
});
