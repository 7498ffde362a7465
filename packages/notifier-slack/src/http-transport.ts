// The undici side of a slack_configs `http_config` (core's `httpConfigSchema`): a dispatcher with
// its TLS settings and proxy, and the Authorization header of each attempt.
import {
  readHttpAuthorization,
  readTlsMaterial,
  tlsConnectionOptions,
  tlsFiles,
} from '@phoenix-alerting/core';
import type { HttpClientConfig } from '@phoenix-alerting/core';
import { Agent, ProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';

/** What requests through an `http_config` need: a dispatcher, and a header for each attempt. */
export interface HttpTransport {
  dispatcher: Dispatcher;
  followRedirects: boolean;
  /** Reads `*_file` credentials anew for each attempt, as Prometheus does. */
  authorization(): Promise<{ header?: string; secrets: string[] }>;
  close(): Promise<void>;
}

/** Builds the transport; TLS files are read and checked once, here (a `ConfigError` if bad). */
export function createHttpTransport(
  config: HttpClientConfig | undefined,
  configDir: string | undefined,
): HttpTransport {
  const tls = config?.tls_config ?? { insecure_skip_verify: false };
  const material = readTlsMaterial(tlsFiles(tls, configDir), 'slack notifier http_config');
  const connect = tlsConnectionOptions(tls, material);
  const dispatcher: Dispatcher = config?.proxy_url
    ? new ProxyAgent({ uri: config.proxy_url, requestTls: connect })
    : new Agent({ connect });
  return {
    dispatcher,
    followRedirects: config?.follow_redirects ?? true,
    authorization: async () =>
      config ? readHttpAuthorization(config, configDir) : { secrets: [] },
    close: () => dispatcher.close(),
  };
}
