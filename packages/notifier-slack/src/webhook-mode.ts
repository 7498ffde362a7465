// One POST of Alertmanager's JSON to an incoming webhook (or any URL answering like one).
import type { DeliveryResult } from '@phoenix-alerting/core';
import { fetch } from 'undici';
import {
  failure,
  failureFromSlackError,
  failureFromStatus,
  parseRetryAfter,
  readResponseText,
} from './delivery-result.js';
import type { HttpTransport } from './http-config.js';

/** The parts of a URL that give access: the whole, its path and query, and token-like segments. */
export function urlSecrets(text: string): string[] {
  const secrets = [text];
  try {
    const url = new URL(text);
    secrets.push(url.href);
    if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
    const rest = `${url.pathname}${url.search}`;
    if (rest.length > 1) secrets.push(rest);
    if (url.search.length > 1) secrets.push(url.search.slice(1));
    // hooks.slack.com/services/T…/B…/<secret>: the last segment alone is the credential.
    const last = url.pathname.split('/').filter(Boolean).pop();
    if (last && last.length >= 8) secrets.push(last);
  } catch {
    // not a URL: the text itself is the secret
  }
  return secrets;
}

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
      return failure('server', true, 'slack: could not parse the JSON response', secrets, {
        statusCode: response.status,
      });
    }
    if (data.ok !== true)
      return failureFromSlackError(String(data.error ?? 'unknown'), response.status, secrets);
    return { ok: true, statusCode: response.status };
  }
  const body = text.trim();
  if (body !== '' && body !== 'ok')
    return failure(
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
