// Inbound SMS replies (`ACK 1234`) posted by Twilio to the server's webhook: the request signature
// check, the reply grammar and the TwiML answer. The server checks the signature, then that the
// sender was paged for that incident, then acts.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Form parameters of Twilio's request; a repeated key has several values. */
export type TwilioParams = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyTwilioSignatureOptions {
  /** The account's auth token (the primary one; during a rotation, check the secondary too). */
  authToken: string;
  /**
   * The full URL Twilio requested, as configured on the number, with its query string: behind a
   * proxy, the public `https://…` URL, not the one the server saw.
   */
  url: string;
  /** The POST form parameters (`application/x-www-form-urlencoded` body), decoded. */
  params: TwilioParams;
  /** The `X-Twilio-Signature` header. */
  signature: string | readonly string[] | undefined;
}

/**
 * Twilio's signature: HMAC-SHA1, keyed with the auth token, over the URL followed by every POST
 * parameter name and value, names sorted (a repeated name's values sorted), base64-encoded.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (value === undefined) continue;
    const values = typeof value === 'string' ? [value] : [...new Set(value)].sort();
    for (const item of values) data += name + item;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

const URL_PREFIX = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i;

/** The URL without its port, and with the scheme's default port: Twilio may sign either form. */
function portVariants(url: string): string[] {
  const match = URL_PREFIX.exec(url);
  if (!match) return [url];
  const [prefix, scheme, authority] = match as unknown as [string, string, string];
  const at = authority.lastIndexOf('@');
  const userInfo = authority.slice(0, at + 1);
  const hostPort = authority.slice(at + 1);
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
  const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
  const rest = url.slice(prefix.length);
  const defaultPort = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  const withoutPort = scheme + userInfo + host + rest;
  const withPort = colon === -1 ? scheme + userInfo + host + defaultPort + rest : url;
  return [...new Set([url, withoutPort, withPort])];
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Whether `signature` is Twilio's for this request. Compared in constant time; the URL is tried as
 * given, without its port and with the default port, as Twilio's SDKs do. A missing or repeated
 * header is invalid.
 */
export function verifyTwilioSignature(options: VerifyTwilioSignatureOptions): boolean {
  const { authToken, url, params, signature } = options;
  if (typeof signature !== 'string' || signature === '' || !authToken) return false;
  let valid = false;
  // Every variant is computed, so the time taken does not tell which one matched.
  for (const candidate of portVariants(url)) {
    if (safeEqual(signature, twilioSignature(authToken, candidate, params))) valid = true;
  }
  return valid;
}

/** What a reply asks for. */
export interface SmsReply {
  action: 'acknowledge' | 'resolve';
  /** The incident number, e.g. 1234. */
  number: number;
}

const replyMarker = Symbol.for('phoenix-alerting.sms-reply-error');

/** A reply that is not `ACK <number>` or `RESOLVE <number>`; its message can be texted back. */
export class SmsReplyError extends Error {
  readonly [replyMarker] = true;
  constructor(message: string) {
    super(message);
    this.name = 'SmsReplyError';
  }
  static isInstance(error: unknown): error is SmsReplyError {
    return typeof error === 'object' && error !== null && replyMarker in error;
  }
}

const ACTIONS: Readonly<Record<string, SmsReply['action']>> = {
  ACK: 'acknowledge',
  ACKNOWLEDGE: 'acknowledge',
  A: 'acknowledge',
  RESOLVE: 'resolve',
  RESOLVED: 'resolve',
  RES: 'resolve',
  R: 'resolve',
};

const REPLY = /^([A-Za-z]+)[\s:]*#?\s*(\d{1,9})[\s.!]*$/;
const USAGE = 'Reply ACK <number> or RESOLVE <number>, e.g. ACK 1234.';

/**
 * Reads a reply: `ACK 1234`, `ack #1234`, `Acknowledge 1234`, `A 1234`, `RESOLVE 1234`, `R 1234`
 * (case-insensitive, `#` and `:` optional, trailing `.`/`!` ignored). Anything else throws an
 * {@link SmsReplyError} saying what is expected, fit to text back.
 */
export function parseSmsReply(body: string): SmsReply {
  const text = body.normalize('NFKC').trim();
  const match = REPLY.exec(text);
  const action = match ? ACTIONS[match[1]!.toUpperCase()] : undefined;
  if (!match || !action) {
    const words = text.split(/\s+/).filter(Boolean);
    if (words.length > 0 && ACTIONS[words[0]!.toUpperCase()] && words.length === 1)
      throw new SmsReplyError(`Which incident? ${USAGE}`);
    if (text === '') throw new SmsReplyError(`Empty reply. ${USAGE}`);
    throw new SmsReplyError(`Not understood. ${USAGE}`);
  }
  const number = Number(match[2]);
  if (!Number.isSafeInteger(number) || number <= 0)
    throw new SmsReplyError(`No incident number ${match[2]}. ${USAGE}`);
  return { action, number };
}

/** Whether XML 1.0 allows the character (tab, line feed and carriage return are the only controls). */
function isXmlChar(char: string): boolean {
  const code = char.codePointAt(0)!;
  if (code < 0x20) return code === 0x09 || code === 0x0a || code === 0x0d;
  return code !== 0xfffe && code !== 0xffff && !(code >= 0xd800 && code <= 0xdfff);
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The TwiML answer to an inbound message: `<Response><Message>text</Message></Response>`, text
 * escaped; without `text`, an empty `<Response/>` (no reply is sent). Serve it as `text/xml`.
 */
export function smsReplyResponse(text?: string): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>';
  // XML 1.0 has no place for most control characters: drop them rather than emit invalid TwiML.
  const clean = text && Array.from(text).filter(isXmlChar).join('');
  if (!clean) return `${head}<Response/>`;
  return `${head}<Response><Message>${escapeXml(clean)}</Message></Response>`;
}
