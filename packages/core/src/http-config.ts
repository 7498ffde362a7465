// Prometheus' `http_config` (prometheus/common config.HTTPClientConfig, as Alertmanager 0.25 uses
// it): the same keys, the same defaults and the same cross-checks, with Prometheus' wording, and
// what every HTTP notifier derives from it without depending on an HTTP library: file paths, TLS
// files and connection options, the Authorization header and the secrets to keep out of messages.
// Scalars are typed as Alertmanager's YAML library types them (the yaml* schemas).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { yamlBoolean, yamlOptional, yamlString } from './yaml-schemas.js';

const text = () => yamlOptional(yamlString());
// A Go bool with a default: absent keeps it, null is false (yaml.v2 sets the zero value).
const flag = () => yamlBoolean().optional();

/** Prometheus' TLS version names, as Node's `minVersion`/`maxVersion` spell them. */
export const tlsVersions = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
} as const;

export type TlsVersionName = keyof typeof tlsVersions;

/** `tls_config`: how the HTTPS connection is verified and which client certificate it shows. */
export interface TlsConfig {
  /** PEM file of the CA certificates that verify the server (default: Node's bundled roots). */
  ca_file?: string;
  /** PEM file of the client certificate, for mutual TLS; needs `key_file`. */
  cert_file?: string;
  /** PEM file of the client certificate's private key; needs `cert_file`. */
  key_file?: string;
  /** Name checked against the server certificate and sent as SNI (default: the URL's host). */
  server_name?: string;
  /** Accept any server certificate. Default false. */
  insecure_skip_verify: boolean;
  min_version?: TlsVersionName;
  max_version?: TlsVersionName;
}

/** `http_config` after defaulting: legacy `bearer_token(_file)` is folded into `authorization`. */
export interface HttpClientConfig {
  /** `Authorization: <type> <credentials>`; `type` defaults to `Bearer`. */
  authorization?: { type: string; credentials?: string; credentials_file?: string };
  /** `Authorization: Basic base64(username:password)`. */
  basic_auth?: { username: string; password?: string; password_file?: string };
  tls_config: TlsConfig;
  /** HTTP(S) proxy, e.g. `http://user:pass@proxy:3128`; HTTPS targets are tunnelled (CONNECT). */
  proxy_url?: string;
  /** Follow 3xx redirects. Default true. */
  follow_redirects: boolean;
  /** Accepted for compatibility; requests use HTTP/1.1, as Alertmanager's notifiers do. */
  enable_http2: boolean;
}

const tlsVersionSchema = z.enum(Object.keys(tlsVersions) as [TlsVersionName, ...TlsVersionName[]], {
  error: (issue) => `unknown TLS version: ${String(issue.input)}`,
});

/** `tls_config` (prometheus/common TLSConfig), with its cross-checks and defaults. */
export const tlsConfigSchema: z.ZodType<TlsConfig, unknown> = z
  .strictObject({
    ca_file: text(),
    cert_file: text(),
    key_file: text(),
    server_name: text(),
    insecure_skip_verify: flag(),
    min_version: yamlOptional(tlsVersionSchema),
    max_version: yamlOptional(tlsVersionSchema),
  })
  .transform((tls, context): TlsConfig => {
    if (tls.cert_file && !tls.key_file) {
      context.addIssue({
        code: 'custom',
        message:
          'exactly one of key or key_file must be configured when a client certificate is configured',
        path: ['key_file'],
      });
    } else if (tls.key_file && !tls.cert_file) {
      context.addIssue({
        code: 'custom',
        message:
          'exactly one of cert or cert_file must be configured when a client key is configured',
        path: ['cert_file'],
      });
    }
    const order = Object.keys(tlsVersions);
    if (
      tls.min_version &&
      tls.max_version &&
      order.indexOf(tls.max_version) < order.indexOf(tls.min_version)
    ) {
      context.addIssue({
        code: 'custom',
        message:
          'tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified',
        path: ['max_version'],
      });
    }
    return dropUndefined({ ...tls, insecure_skip_verify: tls.insecure_skip_verify ?? false });
  });

/**
 * An http(s) URL with a host, `what` naming it in errors (`invalid webhook URL`). The value itself
 * never appears in an error: it may hold a token.
 */
export function httpUrlSchema(what: string) {
  return yamlString().superRefine((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({ code: 'custom', message: `invalid ${what}` });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      context.addIssue({
        code: 'custom',
        message: `unsupported scheme ${JSON.stringify(url.protocol.slice(0, -1))} for ${what}`,
      });
    } else if (url.host === '') {
      context.addIssue({ code: 'custom', message: `missing host for ${what}` });
    }
  });
}

/** `http_config` of a receiver integration, with Prometheus' defaults and cross-checks. */
export const httpConfigSchema: z.ZodType<HttpClientConfig, unknown> = z
  .strictObject({
    authorization: yamlOptional(
      z.strictObject({
        type: text(),
        credentials: text(),
        credentials_file: text(),
      }),
    ),
    basic_auth: yamlOptional(
      z.strictObject({
        username: text(),
        password: text(),
        password_file: text(),
      }),
    ),
    // Never supported: listed so the error says so instead of "unrecognized key".
    oauth2: z.unknown().optional(),
    bearer_token: text(),
    bearer_token_file: text(),
    tls_config: yamlOptional(tlsConfigSchema),
    proxy_url: yamlOptional(httpUrlSchema('proxy URL')),
    follow_redirects: flag(),
    enable_http2: flag(),
  })
  .transform((config, context): HttpClientConfig => {
    const issue = (message: string, path: string[] = []) =>
      context.addIssue({ code: 'custom', message, path });
    const { bearer_token, bearer_token_file, basic_auth } = config;
    const bearer = Boolean(bearer_token) || Boolean(bearer_token_file);
    if (config.oauth2 !== undefined && config.oauth2 !== null) {
      issue('oauth2 is not supported by Phoenix; use authorization or basic_auth', ['oauth2']);
    }
    if (bearer_token && bearer_token_file) {
      issue('at most one of bearer_token & bearer_token_file must be configured');
    }
    if (basic_auth && bearer) {
      issue(
        'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
      );
    }
    if (basic_auth?.password && basic_auth.password_file) {
      issue('at most one of basic_auth password & password_file must be configured', [
        'basic_auth',
      ]);
    }
    let authorization: HttpClientConfig['authorization'];
    if (config.authorization) {
      const { credentials, credentials_file } = config.authorization;
      if (bearer) issue('authorization is not compatible with bearer_token & bearer_token_file');
      if (credentials && credentials_file) {
        issue('at most one of authorization credentials & credentials_file must be configured', [
          'authorization',
        ]);
      }
      const type = config.authorization.type?.trim() || 'Bearer';
      if (type.toLowerCase() === 'basic') {
        issue('authorization type cannot be set to "basic", use "basic_auth" instead', [
          'authorization',
          'type',
        ]);
      }
      if (basic_auth) issue('at most one of basic_auth, oauth2 & authorization must be configured');
      authorization = { type, credentials, credentials_file };
    } else if (bearer_token) {
      authorization = { type: 'Bearer', credentials: bearer_token };
    } else if (bearer_token_file) {
      authorization = { type: 'Bearer', credentials_file: bearer_token_file };
    }
    return {
      ...(authorization && { authorization: dropUndefined(authorization) }),
      ...(basic_auth && {
        basic_auth: dropUndefined({ ...basic_auth, username: basic_auth.username ?? '' }),
      }),
      tls_config: config.tls_config ?? { insecure_skip_verify: false },
      ...(config.proxy_url && { proxy_url: config.proxy_url }),
      follow_redirects: config.follow_redirects ?? true,
      enable_http2: config.enable_http2 ?? true,
    };
  });

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A file named in a configuration: absolute as it is, relative to `configDir` (default: cwd). */
export function resolveConfigFile(file: string, configDir?: string): string {
  return isAbsolute(file) ? file : resolve(configDir ?? process.cwd(), file);
}

/**
 * A failure to prepare a request (an unreadable credentials or TLS file): no request was sent.
 * The file may be fixed before the next attempt, so notifiers report it as retryable.
 */
export class RequestSetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RequestSetupError';
  }
}

/** PEM texts of a `tls_config` (CA bundle, client certificate and key), or their file paths. */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

const tlsFileKeys = { ca: 'ca_file', cert: 'cert_file', key: 'key_file' } as const;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The absolute paths of the files a `tls_config` names. */
export function tlsFiles(tls: TlsConfig, configDir?: string): TlsMaterial {
  const files: TlsMaterial = {};
  for (const [key, option] of Object.entries(tlsFileKeys) as [keyof TlsMaterial, string][]) {
    const file = tls[option as 'ca_file' | 'cert_file' | 'key_file'];
    if (file) files[key] = resolveConfigFile(file, configDir);
  }
  return files;
}

/**
 * Checks PEM material as prometheus/common does: the CA bundle must hold at least one certificate
 * Go's `AppendCertsFromPEM` can parse, and the client certificate must match its key. Throws an
 * Error in Prometheus' wording, naming the files.
 */
export function checkTlsMaterial(material: TlsMaterial, files: TlsMaterial): void {
  if (material.ca !== undefined) {
    let valid = 0;
    for (const block of material.ca.match(PEM_CERTIFICATE) ?? []) {
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

/**
 * Reads and checks the TLS files of a `tls_config` at start-up, as prometheus/common does. An
 * unreadable or unusable file is a `ConfigError` at `<at>[.<key>]` (default
 * `http_config.tls_config`), for `subject` (e.g. `webhook notifier http_config`).
 */
export function readTlsMaterial(
  files: TlsMaterial,
  subject: string,
  at = 'http_config.tls_config',
): TlsMaterial {
  const material: TlsMaterial = {};
  for (const key of Object.keys(files) as (keyof TlsMaterial)[]) {
    try {
      material[key] = readFileSync(files[key]!, 'utf8');
    } catch (error) {
      throw new ConfigError(
        [
          {
            path: `${at}.${tlsFileKeys[key]}`,
            message: `unable to read ${files[key]}: ${errorText(error)}`,
          },
        ],
        { subject, cause: error },
      );
    }
  }
  try {
    checkTlsMaterial(material, files);
  } catch (error) {
    throw new ConfigError([{ path: at, message: errorText(error) }], {
      subject,
      cause: error,
    });
  }
  return material;
}

/**
 * Reads the TLS files again, for a client that picks up renewed certificates (Alertmanager 0.25);
 * an unreadable or unusable file is a {@link RequestSetupError}.
 */
export async function rereadTlsMaterial(files: TlsMaterial): Promise<TlsMaterial> {
  const material: TlsMaterial = {};
  for (const key of Object.keys(files) as (keyof TlsMaterial)[]) {
    try {
      material[key] = await readFile(files[key]!, 'utf8');
    } catch (error) {
      throw new RequestSetupError(`unable to read ${tlsFileKeys[key]}: ${errorText(error)}`, {
        cause: error,
      });
    }
  }
  try {
    checkTlsMaterial(material, files);
  } catch (error) {
    throw new RequestSetupError(errorText(error), { cause: error });
  }
  return material;
}

/** Node's TLS connection options for a `tls_config` and its PEM material. */
export function tlsConnectionOptions(tls: TlsConfig, material: TlsMaterial): ConnectionOptions {
  return {
    ...material,
    ...(tls.server_name && { servername: tls.server_name }),
    rejectUnauthorized: !tls.insecure_skip_verify,
    ...(tls.min_version && { minVersion: tlsVersions[tls.min_version] }),
    ...(tls.max_version && { maxVersion: tlsVersions[tls.max_version] }),
  };
}

/**
 * The parts of a URL that may be secret, to keep out of messages: the whole URL, its password,
 * its path and query (webhook URLs often carry their token in the path), and a long last path
 * segment (hooks.slack.com/services/T…/B…/<secret>). A bare `/` is no secret; text that is not
 * a URL is a secret as a whole.
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
    const last = url.pathname.split('/').filter(Boolean).pop();
    if (last && last.length >= 8) secrets.push(last);
  } catch {
    // not a URL: the text itself is the secret
  }
  return secrets;
}

/** The secrets an `http_config` holds inline: credentials, password, the proxy URL's secrets. */
export function httpConfigSecrets(config: HttpClientConfig): string[] {
  const secrets: string[] = [];
  if (config.authorization?.credentials) secrets.push(config.authorization.credentials);
  if (config.basic_auth?.password) secrets.push(config.basic_auth.password);
  if (config.proxy_url) secrets.push(...urlSecrets(config.proxy_url));
  return secrets;
}

/**
 * The `Authorization` header of one request, its `*_file` credentials read anew as Prometheus does
 * (so a rotated secret is picked up), and the secrets it holds (header value, credentials, file
 * contents) to keep out of messages. No header without `authorization` or `basic_auth`.
 * An unreadable file is a {@link RequestSetupError}.
 */
export async function readHttpAuthorization(
  config: HttpClientConfig,
  configDir?: string,
): Promise<{ header?: string; secrets: string[] }> {
  const read = async (file: string, what: string) => {
    try {
      return (await readFile(resolveConfigFile(file, configDir), 'utf8')).trim();
    } catch (error) {
      throw new RequestSetupError(`unable to read ${what}: ${errorText(error)}`, { cause: error });
    }
  };
  let header: string | undefined;
  const secrets: string[] = [];
  const { authorization, basic_auth } = config;
  if (authorization) {
    let credentials = authorization.credentials ?? '';
    if (authorization.credentials_file) {
      credentials = await read(authorization.credentials_file, 'authorization credentials');
      secrets.push(credentials);
    }
    // Prometheus sends the header even with empty credentials (`Bearer `).
    header = `${authorization.type} ${credentials}`;
  } else if (basic_auth) {
    let password = basic_auth.password ?? '';
    if (basic_auth.password_file) {
      password = await read(basic_auth.password_file, 'basic auth password');
      secrets.push(password);
    }
    header = `Basic ${Buffer.from(`${basic_auth.username}:${password}`).toString('base64')}`;
  }
  if (header === undefined) return { secrets };
  secrets.push(header, header.slice(header.indexOf(' ') + 1));
  return { header, secrets: secrets.filter(Boolean) };
}
