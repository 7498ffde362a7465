// One POST of Alertmanager's JSON to an incoming webhook (or any URL answering like one).
import {
  deliveryFailure,
  parseRetryAfter,
  readResponseText,
  urlSecrets,
} from '@phoenix-alerting/core';
import type { DeliveryResult } from '@phoenix-alerting/core';
import { fetch } from 'undici';
import { failureFromSlackError, failureFromStatus } from './delivery-result.js';
import type { HttpTransport } from './http-transport.js';

export interface PostOptions {
  url: string;
  body: string;
  transport: HttpTransport;
  userAgent: string;
  signal: AbortSignal;
  now: () => number;
  /** Secrets known so far; the URL's and the credentials' are added. */
  secrets: string[];
}

/**
 * Posts and maps the answer: 2xx with `ok` (or an empty body) delivered; a JSON body's `ok:false`
 * mapped like the Web API's errors; other text bodies are client errors, as in Alertmanager.
 * Throws when the request fails without a response (the caller maps it).
 */
export async function postWebhook(options: PostOptions): Promise<DeliveryResult> {
  const { transport, secrets } = options;
  const auth = await transport.authorization();
  secrets.push(...auth.secrets, ...urlSecrets(options.url));
  const response = await fetch(options.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': options.userAgent,
      ...(auth.header && { authorization: auth.header }),
    },
    body: options.body,
    redirect: transport.followRedirects ? 'follow' : 'manual',
    signal: options.signal,
    dispatcher: transport.dispatcher,
  });
  const text = await readResponseText(response.body);
  if (response.status < 200 || response.status > 299) {
    const retryAfterMs =
      response.status === 429 || response.status === 503
        ? parseRetryAfter(
            response.headers.get('retry-after'),
            options.now(),
            response.headers.get('date'),
          )
        : undefined;
    return failureFromStatus(response.status, text, retryAfterMs, secrets);
  }
  if ((response.headers.get('content-type') ?? '').startsWith('application/json')) {
    let data: { ok?: unknown; error?: unknown };
    try {
      data = JSON.parse(text) as typeof data;
    } catch {
      return deliveryFailure('server', true, 'slack: could not parse the JSON response', secrets, {
        statusCode: response.status,
      });
    }
    if (data.ok !== true)
      return failureFromSlackError(String(data.error ?? 'unknown'), response.status, secrets);
    return { ok: true, statusCode: response.status };
  }
  const body = text.trim();
  if (body !== '' && body !== 'ok')
    return deliveryFailure(
      'client',
      false,
      `slack: received an error response from Slack: ${body.slice(0, 512)}`,
      secrets,
      {
        statusCode: response.status,
      },
    );
  return { ok: true, statusCode: response.status };
}
