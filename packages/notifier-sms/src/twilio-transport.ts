// The HTTP client handed to the twilio SDK (its `httpClient` option). The SDK builds the request
// (URL, form fields, basic auth, headers) and parses the answer (JSON, RestException); this client
// only moves bytes, because the SDK's own RequestClient (axios) cannot do three things a notifier
// needs: be aborted by the pipeline's signal, time out on the pipeline's Clock, and show the
// `Retry-After` of a 429 (RestException keeps status and body, not headers). It also sends to
// `api_url`: the SDK's `region`/`edge` options only rewrite `api.twilio.com` to
// `api.<edge>.<region>.twilio.com`, so they cannot reach a test server or a proxy.
import type { Clock } from '@phoenix-alerting/core';
import type twilio from 'twilio';

/** What the SDK passes to `httpClient.request` (twilio/lib/base/RequestClient). */
interface SdkRequest {
  method: string;
  uri: string;
  username?: string;
  password?: string;
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

/** What the SDK expects back. */
interface SdkResponse {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
}

/** The last answer seen, for what the SDK drops. */
export interface TransportResponse {
  statusCode: number;
  headers: Headers;
  /** The instant the answer arrived, on the transport's clock. */
  receivedAt: number;
}

/** Why a request ended without an answer. */
export class TransportAbort extends Error {
  constructor(
    readonly kind: 'timeout' | 'canceled',
    message: string,
  ) {
    super(message);
    this.name = 'TransportAbort';
  }
}

export interface TwilioTransportOptions {
  /** Replaces the scheme and host of the SDK's URLs, e.g. `http://127.0.0.1:4010`. */
  apiUrl: string;
  signal: AbortSignal;
  clock: Clock;
  /** Per request, in ms; 0 for none. */
  timeoutMs: number;
}

/** Response bytes read at most: enough for Twilio's error JSON. */
const MAX_RESPONSE_CHARS = 64 * 1024;

/** Form encoding as the SDK's own client does it (`qs` with repeated keys for arrays). */
function formBody(data: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) form.append(key, String(item));
  }
  return form.toString();
}

function rebase(uri: string, apiUrl: string, params: Record<string, unknown> | undefined): string {
  const source = new URL(uri);
  const target = new URL(apiUrl);
  const basePath = target.pathname.replace(/\/+$/, '');
  target.pathname = `${basePath}${source.pathname}`;
  target.search = source.search;
  if (params) {
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value])
        target.searchParams.append(key, String(item));
    }
  }
  return target.href;
}

/**
 * A transport for one delivery attempt: give it to `twilio(sid, token, { httpClient })`.
 * `lastResponse` holds the answer to the last request.
 */
export class TwilioTransport {
  lastResponse: TransportResponse | undefined;

  constructor(private readonly options: TwilioTransportOptions) {}

  /** Typed as the SDK's client: the SDK only ever calls `request` on it. */
  asHttpClient(): twilio.RequestClient {
    return this as unknown as twilio.RequestClient;
  }

  async request(request: SdkRequest): Promise<SdkResponse> {
    const { signal, clock, timeoutMs } = this.options;
    if (signal.aborted) throw new TransportAbort('canceled', 'request canceled');
    const headers: Record<string, string> = { ...request.headers };
    if (request.username && request.password) {
      const credentials = `${request.username}:${request.password}`;
      headers.Authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const method = request.method.toUpperCase();
    const body =
      request.data && (method === 'POST' || method === 'PUT') ? formBody(request.data) : undefined;

    const controller = new AbortController();
    let abortKind: TransportAbort['kind'] | undefined;
    const onAbort = () => {
      abortKind ??= 'canceled';
      controller.abort();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const timer =
      timeoutMs > 0
        ? clock.setTimeout(() => {
            abortKind ??= 'timeout';
            controller.abort();
          }, timeoutMs)
        : undefined;
    try {
      const response = await fetch(rebase(request.uri, this.options.apiUrl, request.params), {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
        signal: controller.signal,
      });
      const text = await response.text();
      this.lastResponse = {
        statusCode: response.status,
        headers: response.headers,
        receivedAt: clock.now(),
      };
      const flatHeaders: Record<string, string> = {};
      response.headers.forEach((value, key) => (flatHeaders[key] = value));
      return {
        statusCode: response.status,
        body: text.length > MAX_RESPONSE_CHARS ? text.slice(0, MAX_RESPONSE_CHARS) : text,
        headers: flatHeaders,
      };
    } catch (error) {
      if (abortKind === 'timeout') throw new TransportAbort('timeout', 'request timed out');
      if (abortKind === 'canceled' || signal.aborted)
        throw new TransportAbort('canceled', 'request canceled');
      throw error;
    } finally {
      if (timer !== undefined) clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }
}
