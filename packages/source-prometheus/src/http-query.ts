// HTTP for query backends: one request with a deadline on the injected clock, retried with
// exponential backoff when the failure is retryable (network, timeout, 429, 5xx), keeping the last
// error. Shared by the Prometheus, Loki and Tempo backends.
import { PhoenixError } from '@phoenix-alerting/core';
import type { Clock } from '@phoenix-alerting/core';

/** A query that failed. Messages never contain credentials. */
export class QueryError extends PhoenixError {
  /** HTTP status, when the server answered. */
  readonly statusCode: number | undefined;
  /** Whether another attempt may succeed. */
  readonly retryable: boolean;
  /** The API's `errorType` (`bad_data`, `timeout`, `execution`…), or 'timeout'/'network'. */
  readonly errorType: string;

  constructor(
    message: string,
    details: { statusCode?: number; retryable: boolean; errorType: string; cause?: unknown },
  ) {
    super('ERR_PLUGIN_FAILED', message, { cause: details.cause });
    this.name = 'QueryError';
    this.statusCode = details.statusCode;
    this.retryable = details.retryable;
    this.errorType = details.errorType;
  }
}

/** Connection settings of a query API. */
export interface HttpClientOptions {
  /** Base URL of the API, e.g. `http://prometheus:9090`. */
  url: string;
  /** Extra request headers (e.g. `X-Scope-OrgID`). */
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer …`. */
  bearerToken?: string;
  /** Sent as `Authorization: Basic …`. */
  basicAuth?: { username: string; password: string };
  /** Deadline of one attempt, in ms. Default 30 000. */
  timeoutMs?: number;
  /** Further attempts after a retryable failure. Default 2. */
  retries?: number;
  /** Wait before the first retry, doubled for each further one, in ms. Default 500. */
  retryBackoffMs?: number;
}

export interface HttpClient {
  /** Sends one request (retried as configured) and returns the status and the parsed JSON body. */
  request(
    path: string,
    params: Record<string, string>,
    options: { method: 'GET' | 'POST'; signal: AbortSignal },
  ): Promise<{ status: number; body: unknown }>;
}

/** Builds a client that keeps time with `clock`. */
export function createHttpClient(options: HttpClientOptions, clock: Clock): HttpClient {
  const base = new URL(options.url);
  // Credentials in the URL go into the Authorization header and out of every message.
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (base.username || base.password) {
    const user = decodeURIComponent(base.username);
    const password = decodeURIComponent(base.password);
    headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    base.username = '';
    base.password = '';
  }
  if (options.basicAuth) {
    const { username, password } = options.basicAuth;
    headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  if (options.bearerToken) headers.Authorization = `Bearer ${options.bearerToken}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 2;
  const backoffMs = options.retryBackoffMs ?? 500;
  const prefix = base.pathname.replace(/\/+$/, '');

  async function attempt(
    path: string,
    params: Record<string, string>,
    method: 'GET' | 'POST',
    signal: AbortSignal,
  ): Promise<{ status: number; body: unknown }> {
    const url = new URL(base);
    url.pathname = prefix + path;
    const form = new URLSearchParams(params);
    const controller = new AbortController();
    const timeout = new QueryError(`${method} ${url.pathname}: timed out after ${timeoutMs} ms`, {
      retryable: true,
      errorType: 'timeout',
    });
    const timer = clock.setTimeout(() => controller.abort(timeout), timeoutMs);
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (method === 'GET') url.search = form.toString();
      const response = await fetch(url, {
        method,
        headers:
          method === 'POST'
            ? { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }
            : headers,
        body: method === 'POST' ? form.toString() : undefined,
        signal: controller.signal,
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (body === undefined && !response.ok) {
        throw new QueryError(
          `${method} ${url.pathname}: HTTP ${response.status}: ${text.slice(0, 200).trim()}`,
          {
            statusCode: response.status,
            retryable: response.status === 429 || response.status >= 500,
            errorType: 'http',
          },
        );
      }
      if (body === undefined) {
        throw new QueryError(`${method} ${url.pathname}: the answer is not JSON`, {
          statusCode: response.status,
          retryable: false,
          errorType: 'bad_response',
        });
      }
      return { status: response.status, body };
    } catch (error) {
      if (controller.signal.aborted) {
        const reason: unknown = controller.signal.reason;
        throw reason instanceof Error ? reason : new Error(String(reason));
      }
      if (error instanceof QueryError) throw error;
      throw new QueryError(`${method} ${url.pathname}: ${(error as Error).message}`, {
        retryable: true,
        errorType: 'network',
        cause: error,
      });
    } finally {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  return {
    async request(path, params, { method, signal }) {
      let last: unknown;
      for (let attemptIndex = 0; attemptIndex <= retries; attemptIndex++) {
        if (attemptIndex > 0) await clock.sleep(backoffMs * 2 ** (attemptIndex - 1), signal);
        try {
          const result = await attempt(path, params, method, signal);
          if (result.status === 429 || result.status >= 500) {
            last = result;
            if (attemptIndex < retries) continue;
          }
          return result;
        } catch (error) {
          last = error;
          if (signal.aborted || !(error instanceof QueryError) || !error.retryable) throw error;
        }
      }
      if (last instanceof Error) throw last;
      return last as { status: number; body: unknown };
    },
  };
}
