// Bot-token mode through @slack/web-api's WebClient: `chat.postMessage` for a new incident or
// group, `chat.update` of the same message afterwards, and thread replies for the timeline. The
// client's own retries and rate-limit queueing are off: the pipeline owns retries.
import { deliveryFailure, parseRetryAfter } from '@phoenix-alerting/core';
import type { DeliveryResult } from '@phoenix-alerting/core';
import { WebAPIHTTPError, WebAPIPlatformError, WebClient } from '@slack/web-api';
import type { FetchFunction, Logger as SlackLogger } from '@slack/web-api';
import { LogLevel } from '@slack/web-api';
import { fetch } from 'undici';
import { failureFromSlackError, failureFromStatus } from './delivery-result.js';
import type { HttpTransport } from './http-transport.js';

/** WebClient logs request bodies and URLs at debug level: nothing of it reaches our logs. */
const quietLogger: SlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/** The last HTTP answer a call got, kept to classify the error WebClient throws for it. */
interface Seen {
  status?: number;
  retryAfter?: string | null;
  date?: string | null;
}

/** The outcome of one Web API call: its result, or the DeliveryResult of its failure. */
export type CallOutcome<T> =
  { ok: true; value: T } | { ok: false; result: Extract<DeliveryResult, { ok: false }> };

export interface ApiCaller {
  call<T extends Record<string, unknown>>(
    method: string,
    args: Record<string, unknown>,
  ): Promise<CallOutcome<T>>;
}

export interface ApiCallerOptions {
  token: string;
  slackApiUrl: string;
  transport: HttpTransport;
  userAgent: string;
  signal: AbortSignal;
  now: () => number;
  secrets: readonly string[];
}

/** A WebClient for one attempt: its requests carry the attempt's abort signal. */
export function createApiCaller(options: ApiCallerOptions): ApiCaller {
  const seen: Seen = {};
  const boundFetch: FetchFunction = async (url, init) => {
    const response = await fetch(url, {
      method: init?.method ?? 'POST',
      headers: { ...init?.headers, 'user-agent': options.userAgent },
      body: init?.body as string | undefined,
      redirect: 'error',
      signal: options.signal,
      dispatcher: options.transport.dispatcher,
    });
    seen.status = response.status;
    seen.retryAfter = response.headers.get('retry-after');
    seen.date = response.headers.get('date');
    return response as unknown as Awaited<ReturnType<FetchFunction>>;
  };
  const client = new WebClient(options.token, {
    slackApiUrl: options.slackApiUrl,
    logger: quietLogger,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 0,
    fetch: boundFetch,
  });
  const { secrets } = options;
  return {
    async call<T extends Record<string, unknown>>(method: string, args: Record<string, unknown>) {
      seen.status = undefined;
      try {
        const value = (await client.apiCall(method, args)) as unknown as T;
        return { ok: true, value } as const;
      } catch (error) {
        if (options.signal.aborted) throw error;
        return { ok: false, result: classify(error, seen, options.now(), secrets) } as const;
      }
    },
  };
}

function classify(
  error: unknown,
  seen: Seen,
  now: number,
  secrets: readonly string[],
): Extract<DeliveryResult, { ok: false }> {
  if (seen.status === 429) {
    const retryAfterMs = parseRetryAfter(seen.retryAfter, now, seen.date);
    return failureFromStatus(429, '', retryAfterMs, secrets);
  }
  if (error instanceof WebAPIHTTPError) {
    const body = typeof error.body === 'string' ? error.body : '';
    return failureFromStatus(error.statusCode, body, undefined, secrets);
  }
  if (error instanceof WebAPIPlatformError) {
    const code = String(error.data.error);
    // WebClient reports an unparseable body as its text in `error`: Slack's codes are snake_case.
    if (!/^[a-z0-9_]+$/.test(code))
      return deliveryFailure(
        'server',
        true,
        'slack: could not parse the Web API response',
        secrets,
        {
          statusCode: seen.status ?? 200,
        },
      );
    return failureFromSlackError(code, seen.status ?? 200, secrets);
  }
  throw error;
}
