// Prometheus' `http_config` (prometheus/common config.HTTPClientConfig, as Alertmanager 0.25 uses
// it), the same schema as @phoenix-alerting/notifier-webhook's: notifiers do not import each other,
// so it is repeated here until it moves to a shared package.
import { yamlBoolean, yamlString } from '@phoenix-alerting/core';
import { z } from 'zod';

/** Alertmanager reads an absent key and `key:` (YAML null) alike. */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

const text = () => optional(yamlString());
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
  /** `Authorization: <type> <credentials>`. */
  authorization?: { type: string; credentials?: string; credentials_file?: string };
  /** `Authorization: Basic base64(username:password)`. */
  basic_auth?: { username: string; password?: string; password_file?: string };
  tls_config: TlsConfig;
  /** HTTP(S) proxy, e.g. `http://user:pass@proxy:3128`; HTTPS targets are tunnelled (CONNECT). */
  proxy_url?: string;
  /** Follow 3xx redirects (at most 20). Default true. */
  follow_redirects: boolean;
  /** Accepted for compatibility; requests use HTTP/1.1, as Alertmanager's webhook does. */
  enable_http2: boolean;
}

const tlsVersionSchema = z.enum(Object.keys(tlsVersions) as [TlsVersionName, ...TlsVersionName[]], {
  error: (issue) => `unknown TLS version: ${String(issue.input)}`,
});

const tlsConfigSchema = z
  .strictObject({
    ca_file: text(),
    cert_file: text(),
    key_file: text(),
    server_name: text(),
    insecure_skip_verify: flag(),
    min_version: optional(tlsVersionSchema),
    max_version: optional(tlsVersionSchema),
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

/** An http(s) URL with a host; the value itself never appears in an error (it may hold a token). */
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

/** `http_config` of a receiver integration. */
export const httpConfigSchema: z.ZodType<HttpClientConfig, unknown> = z
  .strictObject({
    authorization: optional(
      z.strictObject({
        type: text(),
        credentials: text(),
        credentials_file: text(),
      }),
    ),
    basic_auth: optional(
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
    tls_config: optional(tlsConfigSchema),
    proxy_url: optional(httpUrlSchema('proxy URL')),
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
