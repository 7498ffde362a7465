// A loopback PagerDuty Events API that validates events as the real one documents it
// (developer.pagerduty.com, "Send an Alert Event" v2 and the v1 "Trigger Events"): required
// fields, 32-character integration keys, event actions and severities, 202 with the dedup key,
// 400 `invalid event` with its errors; and, on request, 429, 500, a hang or a slow answer.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** An event the fake received and accepted or refused. */
export interface ReceivedEvent {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body. */
  body: string;
  /** The parsed body, when it was JSON. */
  event?: Record<string, any>;
  /** The status the fake answered. */
  status: number;
}

/** A scripted answer for the next event(s), instead of validating. */
export type FakeAnswer =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { hang: true }
  | { delayMs: number };

export interface FakePagerDuty {
  /** `http(s)://127.0.0.1:<port>`; events go to `${url}/v2/enqueue` (v1: `/generic/2010-04-15/create_event.json`). */
  url: string;
  /** `127.0.0.1:<port>`: what @pagerduty/pdjs takes as its `server`. */
  host: string;
  /** Every request, in order. */
  events: ReceivedEvent[];
  /** Answers the next request with `answer` (queued; validation resumes after). */
  enqueue(...answers: FakeAnswer[]): void;
  /** Resolves with the next request received. */
  nextEvent(): Promise<ReceivedEvent>;
  close(): Promise<void>;
}

const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];

/** The Events API v2 checks, with the API's wording where it documents one. */
export function validateEventV2(event: Record<string, any>): string[] {
  const errors: string[] = [];
  const key = event.routing_key;
  if (typeof key !== 'string' || key === '') errors.push("'routing_key' is missing or blank");
  else if (key.length !== 32) {
    errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
  }
  const action = event.event_action;
  if (typeof action !== 'string' || action === '')
    errors.push("'event_action' is missing or blank");
  else if (!ACTIONS.includes(action)) {
    errors.push("'event_action' must be one of trigger, acknowledge or resolve");
  }
  const dedup = event.dedup_key;
  if (dedup !== undefined && (typeof dedup !== 'string' || dedup.length > 255)) {
    errors.push("'dedup_key' must be a string of at most 255 characters");
  }
  if ((action === 'acknowledge' || action === 'resolve') && !dedup) {
    errors.push("'dedup_key' is required for acknowledge and resolve events");
  }
  if (action === 'trigger') {
    const payload = event.payload;
    if (typeof payload !== 'object' || payload === null) errors.push("'payload' is missing");
    else {
      if (typeof payload.summary !== 'string' || payload.summary === '') {
        errors.push("'payload.summary' is missing or blank");
      } else if ([...payload.summary].length > 1024) {
        errors.push("'payload.summary' is longer than 1024 characters");
      }
      if (typeof payload.source !== 'string' || payload.source === '') {
        errors.push("'payload.source' is missing or blank");
      }
      if (!SEVERITIES.includes(payload.severity)) {
        errors.push("'payload.severity' must be one of critical, error, warning or info");
      }
      if (payload.timestamp !== undefined && Number.isNaN(Date.parse(payload.timestamp))) {
        errors.push("'payload.timestamp' must be an ISO 8601 date");
      }
      if (payload.custom_details !== undefined && typeof payload.custom_details !== 'object') {
        errors.push("'payload.custom_details' must be an object");
      }
    }
  }
  for (const [index, image] of (Array.isArray(event.images) ? event.images : []).entries()) {
    if (typeof image?.src !== 'string' || image.src === '')
      errors.push(`'images[${index}].src' is missing`);
  }
  for (const [index, link] of (Array.isArray(event.links) ? event.links : []).entries()) {
    if (typeof link?.href !== 'string' || link.href === '')
      errors.push(`'links[${index}].href' is missing`);
  }
  return errors;
}

/** The Events API v1 checks. */
export function validateEventV1(event: Record<string, any>): string[] {
  const errors: string[] = [];
  const key = event.service_key;
  if (typeof key !== 'string' || key === '') errors.push('Service key is missing');
  else if (key.length !== 32)
    errors.push('Service key is the wrong length (should be 32 characters)');
  if (!ACTIONS.includes(event.event_type)) {
    errors.push('Event type must be one of trigger, acknowledge or resolve');
  }
  if (
    event.event_type === 'trigger' &&
    (typeof event.description !== 'string' || !event.description)
  ) {
    errors.push('Description is missing');
  }
  if (event.event_type !== 'trigger' && !event.incident_key) {
    errors.push('Incident key is required for acknowledge and resolve events');
  }
  return errors;
}

/** Starts the fake on 127.0.0.1 (https when `tls` is given). */
export async function startFakePagerDuty(
  options: { tls?: { key: string; cert: string } } = {},
): Promise<FakePagerDuty> {
  const events: ReceivedEvent[] = [];
  const script: FakeAnswer[] = [];
  const waiting: ((event: ReceivedEvent) => void)[] = [];
  const hanging = new Set<ServerResponse>();

  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (request.url ?? '').split('?')[0] ?? '';
      const received: ReceivedEvent = { path, headers: request.headers, body, status: 0 };
      const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        received.status = status;
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(json));
      };
      events.push(received);
      try {
        received.event = JSON.parse(body) as Record<string, any>;
      } catch {
        // answered below
      }
      waiting.shift()?.(received);

      const answer = script.shift();
      if (answer && 'hang' in answer) {
        hanging.add(response);
        return;
      }
      if (answer && 'status' in answer) {
        received.status = answer.status;
        response.writeHead(answer.status, answer.headers ?? {});
        response.end(answer.body ?? '');
        return;
      }
      const respond = () => {
        if (request.method !== 'POST')
          return reply(405, { status: 'error', message: 'Method Not Allowed' });
        const v1 = path === '/generic/2010-04-15/create_event.json';
        if (!v1 && path !== '/v2/enqueue')
          return reply(404, { status: 'error', message: 'Not Found' });
        if (!received.event || typeof received.event !== 'object') {
          return reply(400, {
            status: 'invalid event',
            message: 'Event object is invalid',
            errors: ['Invalid JSON'],
          });
        }
        const errors = v1 ? validateEventV1(received.event) : validateEventV2(received.event);
        if (errors.length > 0) {
          return reply(400, {
            status: 'invalid event',
            message: 'Event object is invalid',
            errors,
          });
        }
        if (v1) {
          const key = received.event.incident_key || randomBytes(16).toString('hex');
          return reply(200, { status: 'success', message: 'Event processed', incident_key: key });
        }
        const key = received.event.dedup_key || randomBytes(16).toString('hex');
        return reply(202, { status: 'success', message: 'Event processed', dedup_key: key });
      };
      if (answer && 'delayMs' in answer) setTimeout(respond, answer.delayMs);
      else respond();
    });
  };

  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    events,
    enqueue(...answers) {
      script.push(...answers);
    },
    nextEvent: () => new Promise((resolve) => waiting.push(resolve)),
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
