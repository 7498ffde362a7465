// One HTTP(S) POST per call over node:http(s), with the `http_config`'s TLS settings, credentials
// and proxy (a CONNECT tunnel for https, absolute-form requests for http), keep-alive connections,
// and the caller's abort signal. No retries: the pipeline owns them.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isAbsolute, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '@phoenix-alerting/core';
import { tlsVersions } from './http-config.js';
import type { HttpClientConfig } from './http-config.js';

/** A failure before any byte was sent (unreadable credentials file): retryable. */
export class RequestSetupError extends Error {
  override name = 'RequestSetupError';
}

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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function tlsOptions(config: HttpClientConfig, configDir: string, subject: string) {
  const tls = config.tls_config;
  const read = (file: string | undefined, key: string): string | undefined => {
    if (!file) return undefined;
    const path = isAbsolute(file) ? file : resolve(configDir, file);
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError(
        [
          {
            path: `http_config.tls_config.${key}`,
            message: `unable to read ${path}: ${errorText(error)}`,
          },
        ],
        { subject },
      );
    }
  };
  const options: ConnectionOptions = {
    rejectUnauthorized: !tls.insecure_skip_verify,
  };
  const ca = read(tls.ca_file, 'ca_file');
  const cert = read(tls.cert_file, 'cert_file');
  const key = read(tls.key_file, 'key_file');
  if (ca !== undefined) options.ca = ca;
  if (cert !== undefined) options.cert = cert;
  if (key !== undefined) options.key = key;
  if (tls.server_name) options.servername = tls.server_name;
  if (tls.min_version) options.minVersion = tlsVersions[tls.min_version];
  if (tls.max_version) options.maxVersion = tlsVersions[tls.max_version];
  return options;
}

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
  const configDir = options.configDir ?? process.cwd();
  const tls = tlsOptions(config, configDir, options.subject);
  const proxy = config.proxy_url ? new URL(config.proxy_url) : undefined;
  const httpsAgent = proxy
    ? new TunnelAgent(proxy, { ...tls, keepAlive: true })
    : new HttpsAgent({ ...tls, keepAlive: true });
  const httpAgent = new HttpAgent({ keepAlive: true });
  // Grows with what credentials files held, so that a rotated secret is still kept out.
  const secrets = new Set<string>();
  if (config.authorization?.credentials) secrets.add(config.authorization.credentials);
  if (config.basic_auth?.password) secrets.add(config.basic_auth.password);
  if (proxy?.password) secrets.add(proxy.password).add(decodeURIComponent(proxy.password));

  async function authorization(): Promise<Record<string, string>> {
    const readSecret = async (file: string, what: string) => {
      try {
        const value = (
          await readFile(isAbsolute(file) ? file : resolve(configDir, file), 'utf8')
        ).trim();
        return value;
      } catch (error) {
        throw new RequestSetupError(`unable to read ${what}: ${errorText(error)}`);
      }
    };
    const { authorization: auth, basic_auth } = config;
    if (auth) {
      const credentials = auth.credentials_file
        ? await readSecret(auth.credentials_file, 'authorization credentials')
        : (auth.credentials ?? '');
      return { authorization: `${auth.type} ${credentials}` };
    }
    if (basic_auth) {
      const password = basic_auth.password_file
        ? await readSecret(basic_auth.password_file, 'basic auth password')
        : (basic_auth.password ?? '');
      const token = Buffer.from(`${basic_auth.username}:${password}`).toString('base64');
      return { authorization: `Basic ${token}` };
    }
    return {};
  }

  return {
    get secrets() {
      return [...secrets];
    },
    async post(url, body, { headers, signal }) {
      const auth = await authorization();
      if (auth.authorization) {
        secrets.add(auth.authorization);
        secrets.add(auth.authorization.slice(auth.authorization.indexOf(' ') + 1));
      }
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
              ...auth,
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
