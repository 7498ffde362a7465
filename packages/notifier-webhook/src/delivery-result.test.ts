import { describe, expect, it } from 'vitest';
import { resultFromResponse } from './delivery-result.js';

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
