// A Slack on 127.0.0.1 for tests: the Web API methods the notifier calls (chat.postMessage,
// chat.update), checked the way Slack checks them (bearer token, form or JSON bodies, required
// arguments, channel ids, existing messages; errors as `200 {"ok":false,"error":…}`), and an
// incoming webhook (JSON body, `ok` text answer, 400/404 text errors). Tests can script answers:
// 429 with Retry-After, 5xx, malformed bodies, slow answers, hanging.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlackRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  /** The arguments, from a form or a JSON body (form values that hold JSON are parsed). */
  body: Record<string, unknown>;
  /** ms since epoch (real time), for rate measurements. */
  receivedAt: number;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  attachments?: unknown[];
  blocks?: unknown[];
  /** How many times `chat.update` changed it. */
  updates: number;
  metadata?: unknown;
}

export type FakeSlackScript =
  | { status?: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | 'hang'
  /** Handles the request as usual (a post is posted), then never answers: a lost answer. */
  | 'accept-then-hang';

export interface FakeSlack {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Web API base, for `slackApiUrl`. */
  apiUrl: string;
  /** An incoming-webhook URL this fake accepts. */
  webhookUrl: string;
  requests: FakeSlackRequest[];
  /** Web API messages and webhook posts, in order. */
  messages: FakeSlackMessage[];
  /** Channel id of a channel name (`#alerts` → `C…`). */
  channelId(name: string): string;
  /** The next answers, in order, instead of the normal ones. */
  script(...answers: FakeSlackScript[]): void;
  close(): Promise<void>;
}

export interface FakeSlackOptions {
  /** The bot token accepted. Default `xoxb-test-token`. */
  token?: string;
  /** Channel names that exist. Default: any name starting with `#`. */
  channels?: readonly string[];
  /** The secret part of the webhook path. Default `hook-s3cret-0123`. */
  webhookSecret?: string;
}

function parseBody(raw: string, contentType: string): Record<string, unknown> | undefined {
  if (contentType.startsWith('application/json')) {
    try {
      const value = JSON.parse(raw) as unknown;
      return typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const body: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(raw)) body[key] = value;
    return body;
  }
  return undefined;
}

/** Form values of structured arguments are JSON strings. */
function structured(value: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof value !== 'string') return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(value) as unknown };
  } catch {
    return { ok: false };
  }
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const token = options.token ?? 'xoxb-test-token';
  const webhookSecret = options.webhookSecret ?? 'hook-s3cret-0123';
  const webhookPath = `/services/T000/B000/${webhookSecret}`;
  const requests: FakeSlackRequest[] = [];
  const messages: FakeSlackMessage[] = [];
  const scripted: FakeSlackScript[] = [];
  const hanging = new Set<ServerResponse>();
  let tsCounter = 0;
  const channelId = (name: string) =>
    name.startsWith('C')
      ? name
      : `C${Buffer.from(name).toString('hex').slice(0, 10).toUpperCase()}`;
  const channelExists = (name: string) =>
    options.channels
      ? options.channels.some((known) => known === name || channelId(known) === name)
      : /^#|^C/.test(name);
  // Real seconds, so that `conversations.history`'s `oldest` works as on Slack.
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`;

  function api(method: string, request: FakeSlackRequest): { status: number; body: unknown } {
    const auth = request.headers.authorization;
    if (!auth) return { status: 200, body: { ok: false, error: 'not_authed' } };
    if (auth !== `Bearer ${token}`)
      return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    const args = request.body;
    const channel = typeof args.channel === 'string' ? args.channel : '';
    if (!channel) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
    if (!channelExists(channel))
      return { status: 200, body: { ok: false, error: 'channel_not_found' } };
    if (method === 'conversations.history') {
      // Takes a channel id; newest first; metadata only when asked for.
      if (!channel.startsWith('C'))
        return { status: 200, body: { ok: false, error: 'channel_not_found' } };
      const oldest = Number(args.oldest ?? 0);
      const withMetadata =
        args.include_all_metadata === 'true' || args.include_all_metadata === true;
      const found = messages
        .filter(
          (message) =>
            message.channel === channel && !message.thread_ts && Number(message.ts) >= oldest,
        )
        .reverse()
        .map((message) => ({
          type: 'message',
          ts: message.ts,
          text: message.text,
          ...(withMetadata && message.metadata !== undefined && { metadata: message.metadata }),
        }));
      return { status: 200, body: { ok: true, messages: found, has_more: false } };
    }
    const attachments = structured(args.attachments);
    if (!attachments.ok) return { status: 200, body: { ok: false, error: 'invalid_attachments' } };
    const blocks = structured(args.blocks);
    if (!blocks.ok) return { status: 200, body: { ok: false, error: 'invalid_blocks' } };
    const text = typeof args.text === 'string' ? args.text : undefined;
    if (!text && attachments.value === undefined && blocks.value === undefined)
      return { status: 200, body: { ok: false, error: 'no_text' } };
    const id = channelId(channel);
    if (method === 'chat.postMessage') {
      const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
      if (
        threadTs &&
        !messages.some((message) => message.channel === id && message.ts === threadTs)
      )
        return { status: 200, body: { ok: false, error: 'thread_not_found' } };
      const message: FakeSlackMessage = {
        channel: id,
        ts: nextTs(),
        ...(threadTs && { thread_ts: threadTs }),
        ...(text !== undefined && { text }),
        ...(Array.isArray(attachments.value) && { attachments: attachments.value }),
        ...(Array.isArray(blocks.value) && { blocks: blocks.value }),
        ...(args.metadata !== undefined && {
          metadata: (structured(args.metadata) as { value?: unknown }).value,
        }),
        updates: 0,
      };
      messages.push(message);
      return {
        status: 200,
        body: { ok: true, channel: id, ts: message.ts, message: { text, ts: message.ts } },
      };
    }
    if (method === 'chat.update') {
      // chat.update takes a channel id, not a name.
      if (!channel.startsWith('C'))
        return { status: 200, body: { ok: false, error: 'channel_not_found' } };
      const message = messages.find(
        (candidate) => candidate.channel === id && candidate.ts === args.ts,
      );
      if (!message) return { status: 200, body: { ok: false, error: 'message_not_found' } };
      if (text !== undefined) message.text = text;
      if (Array.isArray(attachments.value)) message.attachments = attachments.value;
      if (Array.isArray(blocks.value)) message.blocks = blocks.value;
      message.updates++;
      return { status: 200, body: { ok: true, channel: id, ts: message.ts, text } };
    }
    return { status: 200, body: { ok: false, error: 'unknown_method' } };
  }

  function webhook(request: FakeSlackRequest): { status: number; body: string } {
    if (request.path !== webhookPath) return { status: 404, body: 'no_service' };
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
      return { status: 400, body: 'invalid_payload' };
    const body = parseBody(request.raw, 'application/json');
    if (!body) return { status: 400, body: 'invalid_payload' };
    if (!body.text && !Array.isArray(body.attachments) && !Array.isArray(body.blocks))
      return { status: 400, body: 'no_text' };
    messages.push({
      channel: typeof body.channel === 'string' ? body.channel : '',
      ts: nextTs(),
      ...(typeof body.text === 'string' && { text: body.text }),
      ...(Array.isArray(body.attachments) && { attachments: body.attachments }),
      updates: 0,
    });
    return { status: 200, body: 'ok' };
  }

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (incoming.url ?? '').split('?')[0]!;
      const contentType = String(incoming.headers['content-type'] ?? '');
      const request: FakeSlackRequest = {
        method: incoming.method ?? '',
        path,
        headers: incoming.headers,
        raw,
        body: parseBody(raw, contentType) ?? {},
        receivedAt: Date.now(),
      };
      requests.push(request);
      const answer = scripted.shift();
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      if (answer === 'accept-then-hang') {
        if (path.startsWith('/api/')) api(path.slice('/api/'.length), request);
        else webhook(request);
        hanging.add(response);
        return;
      }
      const send = (status: number, headers: Record<string, string>, body: string) => {
        const write = () => {
          response.writeHead(status, headers);
          response.end(body);
        };
        if (answer?.delayMs) setTimeout(write, answer.delayMs);
        else write();
      };
      if (answer && (answer.status !== undefined || answer.body !== undefined)) {
        send(answer.status ?? 200, answer.headers ?? {}, answer.body ?? '');
        return;
      }
      if (request.method !== 'POST') {
        send(405, { 'content-type': 'text/plain' }, 'method_not_allowed');
        return;
      }
      if (path.startsWith('/api/')) {
        const result = api(path.slice('/api/'.length), request);
        send(
          result.status,
          { 'content-type': 'application/json; charset=utf-8' },
          JSON.stringify(result.body),
        );
        return;
      }
      const result = webhook(request);
      send(result.status, { 'content-type': 'text/html' }, result.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    webhookUrl: `${url}${webhookPath}`,
    requests,
    messages,
    channelId,
    script: (...answers) => scripted.push(...answers),
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
