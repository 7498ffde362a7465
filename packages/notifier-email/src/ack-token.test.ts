import { describe, expect, it } from 'vitest';
import { AckTokenError, createAckToken, verifyAckToken } from './ack-token.js';

const secret = 'ack-secret-0123456789abcdef';
const now = Date.UTC(2024, 0, 1);

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AckTokenError);
    return (error as AckTokenError).code;
  }
  throw new Error('no error');
}

describe('ack tokens', () => {
  it('round-trips the incident, the action and the expiry', () => {
    const token = createAckToken({
      secret,
      incidentId: 'inc-42',
      action: 'resolve',
      expiresAt: now + 60_000,
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyAckToken({ secret, token, now })).toEqual({
      incidentId: 'inc-42',
      action: 'resolve',
      expiresAt: now + 60_000,
    });
  });

  it('refuses an expired token', () => {
    const token = createAckToken({
      secret,
      incidentId: 'inc-42',
      action: 'acknowledge',
      expiresAt: now + 60_000,
    });
    expect(verifyAckToken({ secret, token, now: now + 59_999 }).action).toBe('acknowledge');
    expect(codeOf(() => verifyAckToken({ secret, token, now: now + 60_000 }))).toBe(
      'ERR_ACK_TOKEN_EXPIRED',
    );
  });

  it('refuses a tampered token or one signed with another secret', () => {
    const token = createAckToken({
      secret,
      incidentId: 'inc-42',
      action: 'acknowledge',
      expiresAt: now + 60_000,
    });
    const [payload, signature] = token.split('.') as [string, string];
    // Same signature, but a payload that resolves another incident, or expires later.
    const forged = Buffer.from(
      JSON.stringify({ i: 'inc-43', a: 'resolve', e: now + 1e12 }),
    ).toString('base64url');
    expect(codeOf(() => verifyAckToken({ secret, token: `${forged}.${signature}`, now }))).toBe(
      'ERR_ACK_TOKEN_SIGNATURE',
    );
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    expect(codeOf(() => verifyAckToken({ secret, token: `${payload}.${flipped}`, now }))).toBe(
      'ERR_ACK_TOKEN_SIGNATURE',
    );
    expect(codeOf(() => verifyAckToken({ secret: 'another-secret-0123456789', token, now }))).toBe(
      'ERR_ACK_TOKEN_SIGNATURE',
    );
  });

  it('refuses malformed tokens', () => {
    for (const token of [
      '',
      'abc',
      'a.b.c',
      'a b.c',
      `${Buffer.from('{').toString('base64url')}.`,
    ]) {
      expect(codeOf(() => verifyAckToken({ secret, token, now }))).toBe('ERR_ACK_TOKEN_MALFORMED');
    }
  });

  it('needs a real secret and a known action', () => {
    expect(() =>
      createAckToken({ secret: 'short', incidentId: 'x', action: 'resolve', expiresAt: now }),
    ).toThrow(/16 characters/);
    expect(() =>
      createAckToken({ secret, incidentId: 'x', action: 'delete' as 'resolve', expiresAt: now }),
    ).toThrow(/unknown action/);
  });
});
