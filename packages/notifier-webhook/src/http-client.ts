// The HTTP client of an `http_config`, as prometheus/common builds it: auth headers whose files are
// read at every request, TLS files checked up front and reloaded when they change (Alertmanager
// 0.25), an optional proxy, and redirects followed or not. One undici 7 dispatcher per integration;
// the `http_config` itself (schema, files, header, secrets) is core's.
import {
  httpConfigSecrets,
  readHttpAuthorization,
  readTlsMaterial,
  RequestSetupError,
  rereadTlsMaterial,
  tlsConnectionOptions,
  tlsFiles,
} from '@phoenix-alerting/core';
import type { HttpClientConfig, TlsMaterial } from '@phoenix-alerting/core';
import { Agent, interceptors, ProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';

/** What a request needs from the `http_config`, freshly read. */
export interface PreparedRequest {
  /** Follows redirects itself when `follow_redirects` is on. */
  dispatcher: Dispatcher;
  /** `authorization`, when configured. */
  headers: Record<string, string>;
  /** Secrets read for this request (file contents), to keep out of messages. */
  secrets: string[];
}

export interface HttpClient {
  /** Reads credential files and reloads changed TLS files; throws `RequestSetupError`. */
  prepare(): Promise<PreparedRequest>;
  /** Secrets known from the configuration itself: passwords, credentials, proxy credentials. */
  readonly secrets: readonly string[];
  /** Closes the connections once in-flight requests are done. Idempotent. */
  close(): Promise<void>;
}

/** Fetch's limit (Go's client stops after 10). */
const MAX_REDIRECTS = 20;

export function createHttpClient(
  config: HttpClientConfig,
  options: { configDir?: string | undefined } = {},
): HttpClient {
  const files = tlsFiles(config.tls_config, options.configDir);
  const fileKeys = Object.keys(files) as (keyof TlsMaterial)[];
  // Like prometheus/common, fail at creation on unreadable or unusable TLS files.
  let material = readTlsMaterial(files, 'webhook notifier http_config');

  const createDispatcher = (tlsMaterial: TlsMaterial): Dispatcher => {
    const connect = tlsConnectionOptions(config.tls_config, tlsMaterial);
    const agent = config.proxy_url
      ? new ProxyAgent({ uri: config.proxy_url, requestTls: connect })
      : new Agent({ connect });
    // As fetch did: up to 20 redirects, 301/302 POSTs and 303s re-sent as GETs without a body,
    // credentials dropped on a change of origin.
    return config.follow_redirects
      ? agent.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }))
      : agent;
  };
  let dispatcher = createDispatcher(material);
  let closing: Promise<void> | undefined;
  const retired = new Set<Promise<void>>();

  const retire = (old: Dispatcher) => {
    // close() lets in-flight requests finish on the old connections.
    const done = old.close().catch(() => undefined);
    retired.add(done);
    void done.then(() => retired.delete(done));
  };

  async function reloadTls(): Promise<void> {
    if (fileKeys.length === 0) return;
    const fresh = await rereadTlsMaterial(files);
    if (fileKeys.every((key) => fresh[key] === material[key])) return;
    const old = dispatcher;
    material = fresh;
    dispatcher = createDispatcher(fresh);
    retire(old);
  }

  return {
    secrets: httpConfigSecrets(config),

    async prepare() {
      if (closing) throw new RequestSetupError('the HTTP client is closed');
      await reloadTls();
      const { header, secrets } = await readHttpAuthorization(config, options.configDir);
      const headers: Record<string, string> = header ? { authorization: header } : {};
      return { dispatcher, headers, secrets };
    },

    close() {
      closing ??= (async () => {
        await Promise.all([dispatcher.close().catch(() => undefined), ...retired]);
      })();
      return closing;
    },
  };
}
