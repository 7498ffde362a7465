// Signed, expiring links that acknowledge or resolve an incident from an email: the token carries
// the incident id, the action and the expiry, and an HMAC-SHA256 over them with a server secret,
// so a link cannot be forged, altered or used after it expires.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an email link may do. */
export type AckAction = 'acknowledge' | 'resolve';

export interface AckTokenClaims {
  incidentId: string;
  action: AckAction;
  /** Ms since epoch after which the token is refused. */
  expiresAt: number;
}

export type AckTokenErrorCode =
  'ERR_ACK_TOKEN_MALFORMED' | 'ERR_ACK_TOKEN_SIGNATURE' | 'ERR_ACK_TOKEN_EXPIRED';

/** A token that is malformed, altered, signed with another secret, or expired. */
export class AckTokenError extends Error {
  override name = 'AckTokenError';
  constructor(
    readonly code: AckTokenErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const ACTIONS: readonly AckAction[] = ['acknowledge', 'resolve'];

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`phoenix-ack-v1.${payload}`).digest();
}

function checkSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new TypeError('the ack token secret must be a string of at least 16 characters');
  }
}

/** A URL-safe token for `action` on `incidentId`, valid until `expiresAt`. */
export function createAckToken(options: { secret: string } & AckTokenClaims): string {
  checkSecret(options.secret);
  if (!ACTIONS.includes(options.action))
    throw new TypeError(`unknown action ${String(options.action)}`);
  if (!Number.isFinite(options.expiresAt)) throw new TypeError('expiresAt must be a time in ms');
  const payload = Buffer.from(
    JSON.stringify({ i: options.incidentId, a: options.action, e: Math.floor(options.expiresAt) }),
  ).toString('base64url');
  return `${payload}.${sign(options.secret, payload).toString('base64url')}`;
}

/**
 * The claims of a valid token; throws an {@link AckTokenError} for a malformed, altered or expired
 * one. The signature is compared in constant time, before anything in the token is trusted.
 */
export function verifyAckToken(options: {
  secret: string;
  token: string;
  now: number;
}): AckTokenClaims {
  checkSecret(options.secret);
  const parts = typeof options.token === 'string' ? options.token.split('.') : [];
  const [payload, signature] = parts;
  if (
    parts.length !== 2 ||
    !payload ||
    !signature ||
    !/^[A-Za-z0-9_-]+$/.test(payload + signature)
  ) {
    throw new AckTokenError('ERR_ACK_TOKEN_MALFORMED', 'malformed ack token');
  }
  const expected = sign(options.secret, payload);
  const offered = Buffer.from(signature, 'base64url');
  if (offered.length !== expected.length || !timingSafeEqual(offered, expected)) {
    throw new AckTokenError('ERR_ACK_TOKEN_SIGNATURE', 'ack token signature does not match');
  }
  let claims: { i?: unknown; a?: unknown; e?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw new AckTokenError('ERR_ACK_TOKEN_MALFORMED', 'malformed ack token');
  }
  if (
    typeof claims.i !== 'string' ||
    !ACTIONS.includes(claims.a as AckAction) ||
    typeof claims.e !== 'number'
  ) {
    throw new AckTokenError('ERR_ACK_TOKEN_MALFORMED', 'malformed ack token');
  }
  if (options.now >= claims.e) {
    throw new AckTokenError('ERR_ACK_TOKEN_EXPIRED', 'ack token expired');
  }
  return { incidentId: claims.i, action: claims.a as AckAction, expiresAt: claims.e };
}
