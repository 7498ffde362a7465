// The HTTP client of an `http_config`, as prometheus/common builds it: auth headers whose files are
// read at every request, TLS files checked up front and reloaded when they change (Alertmanager
// 0.25), an optional proxy, and redirects followed or not. One undici 7 dispatcher per integration.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '@phoenix-alerting/core';
import { Agent, ProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import { tlsVersions } from './http-config.js';
import type { HttpClientConfig } from './http-config.js';

/** A failure to prepare a request (unreadable credentials or TLS files): no request was sent. */
export class RequestSetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RequestSetupError';
  }
}

/** What a request needs from the `http_config`, freshly read. */
export interface PreparedRequest {
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
  readonly followRedirects: boolean;
  /** Closes the connections once in-flight requests are done. Idempotent. */
  close(): Promise<void>;
}

interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Go's `AppendCertsFromPEM` must find at least one certificate; so must we. */
function checkTlsMaterial(material: TlsMaterial, files: TlsMaterial): void {
  if (material.ca !== undefined) {
    const blocks = material.ca.match(PEM_CERTIFICATE) ?? [];
    let valid = 0;
    for (const block of blocks) {
      try {
        new X509Certificate(block);
        valid++;
      } catch {
        // Go skips certificates it cannot parse.
      }
    }
    if (valid === 0) throw new Error(`unable to use specified CA cert ${files.ca}`);
  }
  if (material.cert !== undefined && material.key !== undefined) {
    try {
      createSecureContext({ cert: material.cert, key: material.key });
    } catch (error) {
      throw new Error(
        `unable to use specified client cert (${files.cert}) & key (${files.key}): ${errorText(error)}`,
      );
    }
  }
}

function tlsConnectOptions(config: HttpClientConfig, material: TlsMaterial): ConnectionOptions {
  const tls = config.tls_config;
  return {
    ...material,
    ...(tls.server_name && { servername: tls.server_name }),
    rejectUnauthorized: !tls.insecure_skip_verify,
    ...(tls.min_version && { minVersion: tlsVersions[tls.min_version] }),
    ...(tls.max_version && { maxVersion: tlsVersions[tls.max_version] }),
  };
}

/** The secrets an `http_config` holds inline. */
function configSecrets(config: HttpClientConfig): string[] {
  const secrets: string[] = [];
  if (config.authorization?.credentials) secrets.push(config.authorization.credentials);
  if (config.basic_auth?.password) secrets.push(config.basic_auth.password);
  if (config.proxy_url) secrets.push(...urlSecrets(config.proxy_url));
  return secrets;
}

/**
 * The parts of a URL that may be secret: the whole URL, its password, and its path and query
 * (Slack-style webhooks carry their token in the path). A bare `/` is no secret.
 */
export function urlSecrets(text: string): string[] {
  const secrets = [text];
  try {
    const url = new URL(text);
    secrets.push(url.href);
    if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
    const rest = `${url.pathname}${url.search}`;
    if (rest.length > 1) secrets.push(rest);
    if (url.search.length > 1) secrets.push(url.search.slice(1));
  } catch {
    // not a URL: the text itself is the secret
  }
  return secrets;
}

export function createHttpClient(
  config: HttpClientConfig,
  options: { configDir?: string | undefined } = {},
): HttpClient {
  const dir = options.configDir ?? process.cwd();
  const path = (file: string) => (isAbsolute(file) ? file : resolve(dir, file));
  const tls = config.tls_config;
  const files: TlsMaterial = {
    ...(tls.ca_file && { ca: path(tls.ca_file) }),
    ...(tls.cert_file && { cert: path(tls.cert_file) }),
    ...(tls.key_file && { key: path(tls.key_file) }),
  };
  const fileKeys = Object.keys(files) as (keyof TlsMaterial)[];

  // Like prometheus/common, fail at creation on unreadable or unusable TLS files.
  let material: TlsMaterial = {};
  const configPath = { ca: 'ca_file', cert: 'cert_file', key: 'key_file' } as const;
  for (const key of fileKeys) {
    try {
      material[key] = readFileSync(files[key]!, 'utf8');
    } catch (error) {
      throw new ConfigError(
        [
          {
            path: `http_config.tls_config.${configPath[key]}`,
            message: `unable to read ${files[key]}: ${errorText(error)}`,
          },
        ],
        { subject: 'webhook notifier http_config' },
      );
    }
  }
  try {
    checkTlsMaterial(material, files);
  } catch (error) {
    throw new ConfigError([{ path: 'http_config.tls_config', message: errorText(error) }], {
      subject: 'webhook notifier http_config',
    });
  }

  const createDispatcher = (tlsMaterial: TlsMaterial): Dispatcher => {
    const connect = tlsConnectOptions(config, tlsMaterial);
    return config.proxy_url
      ? new ProxyAgent({ uri: config.proxy_url, requestTls: connect })
      : new Agent({ connect });
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
    const fresh: TlsMaterial = {};
    for (const key of fileKeys) {
      try {
        fresh[key] = await readFile(files[key]!, 'utf8');
      } catch (error) {
        throw new RequestSetupError(`unable to read ${configPath[key]}: ${errorText(error)}`, {
          cause: error,
        });
      }
    }
    if (fileKeys.every((key) => fresh[key] === material[key])) return;
    try {
      checkTlsMaterial(fresh, files);
    } catch (error) {
      throw new RequestSetupError(errorText(error), { cause: error });
    }
    const old = dispatcher;
    material = fresh;
    dispatcher = createDispatcher(fresh);
    retire(old);
  }

  async function readSecretFile(file: string, what: string): Promise<string> {
    try {
      return (await readFile(path(file), 'utf8')).trim();
    } catch (error) {
      throw new RequestSetupError(`unable to read ${what}: ${errorText(error)}`, { cause: error });
    }
  }

  return {
    secrets: configSecrets(config),
    followRedirects: config.follow_redirects,

    async prepare() {
      if (closing) throw new RequestSetupError('the HTTP client is closed');
      await reloadTls();
      const headers: Record<string, string> = {};
      const secrets: string[] = [];
      const { authorization, basic_auth } = config;
      if (authorization) {
        let credentials = authorization.credentials ?? '';
        if (authorization.credentials_file) {
          credentials = await readSecretFile(
            authorization.credentials_file,
            'authorization credentials',
          );
          secrets.push(credentials);
        }
        headers.authorization = `${authorization.type} ${credentials}`;
      } else if (basic_auth) {
        let password = basic_auth.password ?? '';
        if (basic_auth.password_file) {
          password = await readSecretFile(basic_auth.password_file, 'basic auth password');
          secrets.push(password);
        }
        const token = Buffer.from(`${basic_auth.username}:${password}`).toString('base64');
        headers.authorization = `Basic ${token}`;
      }
      if (headers.authorization) {
        const value = headers.authorization;
        secrets.push(value, value.slice(value.indexOf(' ') + 1));
      }
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
