// A loopback stand-in for Twilio's Messages API (REST 2010-04-01), validating requests as the real
// one does: the route, HTTP basic auth with the account SID and auth token, a form-encoded body
// with To, From or MessagingServiceSid, and Body; errors are Twilio's JSON (`code`, `message`,
// `more_info`, `status`) with the codes its reference documents. Tests can script other answers
// (429 with Retry-After, 5xx, a hung or malformed answer).
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
}

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
  rawBody: string;
}

/** A scripted answer: a response, or `hang` (never answers until closed). */
export type FakeAnswer =
  { status: number; headers?: Record<string, string>; body?: string } | 'hang' | 'validate';

export interface FakeTwilio {
  /** `http://127.0.0.1:<port>`: the `api_url` to configure. */
  url: string;
  accountSid: string;
  authToken: string;
  /** Every request received, valid or not. */
  requests: FakeRequest[];
  /** Messages accepted (201). */
  messages: FakeMessage[];
  /**
   * Scripts the answers: each call of `answer` decides the next request's answer; `validate`
   * (the default) answers like the real API.
   */
  answerWith(answer: (request: FakeRequest) => FakeAnswer): void;
  close(): Promise<void>;
}

const ERROR_DOCS = 'https://www.twilio.com/docs/errors/';

export function twilioError(status: number, code: number, message: string) {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, message, more_info: `${ERROR_DOCS}${code}`, status }),
  };
}

const E164 = /^\+[1-9][0-9]{1,14}$/;
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

export async function startFakeTwilio(
  options: { accountSid?: string; authToken?: string } = {},
): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${'0123456789abcdef'.repeat(2)}`;
  const authToken = options.authToken ?? 'fake-auth-token-7c1e0a';
  const requests: FakeRequest[] = [];
  const messages: FakeMessage[] = [];
  const hanging = new Set<ServerResponse>();
  let script: (request: FakeRequest) => FakeAnswer = () => 'validate';
  let counter = 0;

  function validate(request: FakeRequest) {
    const match = MESSAGES_PATH.exec(request.path);
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      return twilioError(401, 20003, 'Authenticate');
    }
    if (request.method !== 'POST' || !match) {
      return twilioError(404, 20404, `The requested resource ${request.path} was not found`);
    }
    if (match[1] !== accountSid) return twilioError(403, 20003, 'Authenticate');
    if (!request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      // The real API reads no form from another content type: the first field it misses is To.
      return twilioError(400, 21604, "A 'To' phone number is required.");
    }
    const { form } = request;
    const to = form.get('To');
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    const body = form.get('Body');
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to))
      return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from && !service) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (from && !E164.test(from))
      return twilioError(400, 21212, `The 'From' number ${from} is not a valid phone number.`);
    if (!body) return twilioError(400, 21602, 'Message body is required.');
    if (body.length > 1600)
      return twilioError(
        400,
        21617,
        'The concatenated message body exceeds the 1600 character limit.',
      );
    const sid = `SM${(++counter).toString(16).padStart(32, '0')}`;
    const message: FakeMessage = {
      sid,
      to,
      from: from ?? null,
      messagingServiceSid: service ?? null,
      body,
      statusCallback: form.get('StatusCallback'),
    };
    messages.push(message);
    const now = rfc2822(new Date());
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`;
    return {
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        account_sid: accountSid,
        api_version: '2010-04-01',
        body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: from ?? null,
        messaging_service_sid: service ?? null,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid,
        status: service ? 'accepted' : 'queued',
        subresource_uris: { media: uri.replace('.json', '/Media.json') },
        to,
        uri,
      }),
    };
  }

  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const request: FakeRequest = {
        method: incoming.method ?? '',
        path: (incoming.url ?? '').split('?')[0]!,
        headers: incoming.headers,
        form: new URLSearchParams(rawBody),
        rawBody,
      };
      requests.push(request);
      const answer = script(request);
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      const result = answer === 'validate' ? validate(request) : answer;
      response.writeHead(result.status, result.headers ?? {});
      response.end(result.body ?? '');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    messages,
    answerWith(next) {
      script = next;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
