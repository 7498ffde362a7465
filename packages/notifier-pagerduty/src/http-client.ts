// One HTTP(S) POST per call over node:http(s), with the `http_config`'s TLS settings, credentials
// and proxy (a CONNECT tunnel for https, absolute-form requests for http), keep-alive connections,
// and the caller's abort signal. No retries: the pipeline owns them.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import {
  httpConfigSecrets,
  readHttpAuthorization,
  readTlsMaterial,
  tlsConnectionOptions,
  tlsFiles,
} from '@phoenix-alerting/core';
import type { HttpClientConfig } from '@phoenix-alerting/core';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** At most {@link MAX_RESPONSE_CHARS} characters of the body. */
  body: string;
}

export interface PostOptions {
  headers: OutgoingHttpHeaders;
  signal: AbortSignal;
}

export interface HttpClient {
  post(url: string, body: string, options: PostOptions): Promise<HttpResponse>;
  /** Secrets held by the configuration (credentials, proxy password). */
  readonly secrets: readonly string[];
  close(): void;
}

const MAX_RESPONSE_CHARS = 64 * 1024;

/** An https agent whose connections go through an HTTP proxy's CONNECT tunnel. */
class TunnelAgent extends HttpsAgent {
  constructor(
    private readonly proxy: URL,
    options: ConstructorParameters<typeof HttpsAgent>[0],
  ) {
    super(options);
  }

  override createConnection(
    options: ConnectionOptions & { host?: string; port?: number },
    callback?: (error: Error | null, stream: Duplex) => void,
  ): undefined {
    const done = (error: Error | null, stream?: Duplex) => callback?.(error, stream as Duplex);
    const target = `${options.host}:${options.port ?? 443}`;
    const connectRequest = (this.proxy.protocol === 'https:' ? httpsRequest : httpRequest)({
      host: this.proxy.hostname,
      port: this.proxy.port,
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...proxyAuthorization(this.proxy) },
    });
    connectRequest.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        done(new Error(`proxy CONNECT answered ${response.statusCode}`));
        return;
      }
      const secure = tlsConnect({
        ...options,
        socket,
        servername: options.servername ?? options.host,
      });
      secure.once('secureConnect', () => done(null, secure));
      secure.once('error', (error) => done(error));
    });
    connectRequest.once('error', (error) => done(error));
    connectRequest.end();
    return undefined;
  }
}

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {};
  const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(user).toString('base64')}` };
}

/** Creates the client of an `http_config`; unreadable TLS files are a `ConfigError`. */
export function createHttpClient(
  config: HttpClientConfig,
  options: { configDir?: string | undefined; subject: string },
): HttpClient {
  const files = tlsFiles(config.tls_config, options.configDir);
  const tls = tlsConnectionOptions(config.tls_config, readTlsMaterial(files, options.subject));
  const proxy = config.proxy_url ? new URL(config.proxy_url) : undefined;
  const httpsAgent = proxy
    ? new TunnelAgent(proxy, { ...tls, keepAlive: true })
    : new HttpsAgent({ ...tls, keepAlive: true });
  const httpAgent = new HttpAgent({ keepAlive: true });
  // Grows with what credentials files held, so that a rotated secret is still kept out.
  const secrets = new Set<string>(httpConfigSecrets(config));

  return {
    get secrets() {
      return [...secrets];
    },
    async post(url, body, { headers, signal }) {
      const auth = await readHttpAuthorization(config, options.configDir);
      for (const secret of auth.secrets) secrets.add(secret);
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      // Plain http through a proxy: absolute-form request line to the proxy itself.
      const viaProxy = !secure && proxy !== undefined;
      const send = secure ? httpsRequest : httpRequest;
      return new Promise<HttpResponse>((resolvePromise, reject) => {
        const request = send(
          viaProxy ? new URL(proxy.href) : target,
          {
            method: 'POST',
            ...(viaProxy && { path: target.href }),
            headers: {
              ...headers,
              ...(auth.header && { authorization: auth.header }),
              ...(viaProxy && proxyAuthorization(proxy)),
              'content-length': Buffer.byteLength(body),
            },
            agent: secure ? httpsAgent : httpAgent,
            signal,
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              if (text.length < MAX_RESPONSE_CHARS) text += chunk;
            });
            response.on('end', () =>
              resolvePromise({
                status: response.statusCode ?? 0,
                headers: response.headers,
                body: text.slice(0, MAX_RESPONSE_CHARS),
              }),
            );
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    },
    close() {
      httpsAgent.destroy();
      httpAgent.destroy();
    },
  };
}
