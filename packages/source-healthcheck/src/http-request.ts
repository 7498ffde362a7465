// One HTTP(S) request with node:http, not fetch: only the socket shows the peer certificate.
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Clock } from '@phoenix-alerting/core';
import type { HttpRequestConfig } from './options.js';

export interface HttpResponse {
  status: number;
  /** The body as UTF-8, at most `maxBodyBytes` of it. */
  body: string;
  /** Time from sending the request to the end of the body (ms, on the source's clock). */
  latencyMs: number;
  /** When the server's certificate expires (ms since epoch), for HTTPS. */
  certificateExpiresAt?: number;
}

/** The URL without credentials, query or fragment, for messages and logs. */
export function safeUrl(text: string): string {
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Sends the request; rejects with a message free of secrets (no headers, no credentials). */
export async function sendHttpRequest(
  config: HttpRequestConfig,
  clock: Clock,
  signal: AbortSignal,
  maxBodyBytes: number,
): Promise<HttpResponse> {
  const url = new URL(config.url);
  const tls = config.tls ?? {};
  const ca =
    tls.ca ?? (tls.caFile ? await readFile(tls.caFile, { encoding: 'utf8', signal }) : undefined);
  const method = config.method?.toUpperCase() ?? 'GET';
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const startedAt = clock.now();
  return new Promise<HttpResponse>((resolve, reject) => {
    const fail = (reason: string) =>
      reject(new Error(`${method} ${safeUrl(config.url)}: ${reason}`));
    // Also mid-body, where not every Node version reports the abort on the response.
    signal.addEventListener('abort', () => fail('aborted'), { once: true });
    const request = send(url, {
      method,
      headers: config.headers,
      signal,
      // A fresh connection per run: each run sees the server's current certificate, and no
      // keep-alive socket outlives the check.
      agent: false,
      ...(url.protocol === 'https:' && {
        ca,
        rejectUnauthorized: !tls.insecureSkipVerify,
        servername: tls.serverName,
      }),
    });
    request.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.name === 'AbortError' ? 'aborted' : error.message),
    );
    request.once('response', (response: IncomingMessage) => {
      const socket = response.socket as TLSSocket | null;
      let certificateExpiresAt: number | undefined;
      if (socket && typeof socket.getPeerCertificate === 'function') {
        const validTo = socket.getPeerCertificate().valid_to;
        if (validTo) certificateExpiresAt = Date.parse(validTo);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        response.removeAllListeners('data');
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          latencyMs: clock.now() - startedAt,
          ...(certificateExpiresAt !== undefined && { certificateExpiresAt }),
        });
      };
      response.on('data', (chunk: Buffer) => {
        if (size >= maxBodyBytes) return;
        chunks.push(chunk.subarray(0, maxBodyBytes - size));
        size += chunk.length;
        if (size >= maxBodyBytes) {
          done();
          request.destroy();
        }
      });
      response.once('end', done);
      response.once('error', (error) => fail(error.message));
    });
    request.end(config.body);
  });
}
