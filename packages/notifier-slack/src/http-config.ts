// Prometheus' `http_config` as Alertmanager 0.25's slack_configs take it: the same keys and
// cross-checks, turned into an undici dispatcher (TLS, proxy) and an Authorization header.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { yamlBoolean, yamlString } from '@phoenix-alerting/core';
import { Agent, ProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import { z } from 'zod';

/** Alertmanager reads an absent key and `key:` (YAML null) alike. */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

const text = () => optional(yamlString());
const flag = () => yamlBoolean().optional();

const tlsVersions = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
} as const;

/** An http(s) URL with a host; the value never appears in an error (it may hold a token). */
export function httpUrlSchema(what: string) {
  return yamlString().superRefine((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({ code: 'custom', message: `invalid ${what}` });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      context.addIssue({ code: 'custom', message: `unsupported scheme for ${what}` });
    else if (url.host === '')
      context.addIssue({ code: 'custom', message: `missing host for ${what}` });
  });
}

const tlsConfigSchema = z.strictObject({
  ca_file: text(),
  cert_file: text(),
  key_file: text(),
  server_name: text(),
  insecure_skip_verify: flag(),
  min_version: optional(z.enum(Object.keys(tlsVersions) as [keyof typeof tlsVersions])),
  max_version: optional(z.enum(Object.keys(tlsVersions) as [keyof typeof tlsVersions])),
});

/** `http_config` of a slack_configs entry, validated. */
export const slackHttpConfigSchema = z
  .strictObject({
    authorization: optional(
      z.strictObject({ type: text(), credentials: text(), credentials_file: text() }),
    ),
    basic_auth: optional(
      z.strictObject({ username: text(), password: text(), password_file: text() }),
    ),
    oauth2: z.unknown().optional(),
    bearer_token: text(),
    bearer_token_file: text(),
    tls_config: optional(tlsConfigSchema),
    proxy_url: optional(httpUrlSchema('proxy URL')),
    follow_redirects: flag(),
    enable_http2: flag(),
  })
  .superRefine((config, context) => {
    const issue = (message: string) => context.addIssue({ code: 'custom', message });
    const bearer = Boolean(config.bearer_token || config.bearer_token_file);
    if (config.oauth2 !== undefined && config.oauth2 !== null)
      issue('oauth2 is not supported by Phoenix; use authorization or basic_auth');
    if (config.bearer_token && config.bearer_token_file)
      issue('at most one of bearer_token & bearer_token_file must be configured');
    if (config.basic_auth && (bearer || config.authorization))
      issue(
        'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
      );
    if (config.authorization && bearer)
      issue('authorization is not compatible with bearer_token & bearer_token_file');
    if (config.authorization?.type?.toLowerCase() === 'basic')
      issue('authorization type cannot be set to "basic", use "basic_auth" instead');
    const tls = config.tls_config;
    if (tls && Boolean(tls.cert_file) !== Boolean(tls.key_file))
      issue('tls_config needs both cert_file and key_file for a client certificate');
  });

export type SlackHttpConfig = z.output<typeof slackHttpConfigSchema>;

/** What requests through an `http_config` need: a dispatcher, and a header for each attempt. */
export interface HttpTransport {
  dispatcher: Dispatcher;
  followRedirects: boolean;
  /** Reads `*_file` credentials anew for each attempt, as Prometheus does. */
  authorization(): Promise<{ header?: string; secrets: string[] }>;
  close(): Promise<void>;
}

/** Builds the transport; TLS files are read once, here (a bad path is a config error). */
export function createHttpTransport(
  config: SlackHttpConfig | undefined,
  configDir: string | undefined,
): HttpTransport {
  const path = (file: string) =>
    isAbsolute(file) ? file : resolve(configDir ?? process.cwd(), file);
  const tls = config?.tls_config;
  const connect: ConnectionOptions = {
    ...(tls?.ca_file && { ca: readFileSync(path(tls.ca_file)) }),
    ...(tls?.cert_file && { cert: readFileSync(path(tls.cert_file)) }),
    ...(tls?.key_file && { key: readFileSync(path(tls.key_file)) }),
    ...(tls?.server_name && { servername: tls.server_name }),
    ...(tls?.insecure_skip_verify && { rejectUnauthorized: false }),
    ...(tls?.min_version && { minVersion: tlsVersions[tls.min_version] }),
    ...(tls?.max_version && { maxVersion: tlsVersions[tls.max_version] }),
  };
  const dispatcher: Dispatcher = config?.proxy_url
    ? new ProxyAgent({ uri: config.proxy_url, requestTls: connect })
    : new Agent({ connect });
  const read = async (file: string) => (await readFile(path(file), 'utf8')).trim();
  return {
    dispatcher,
    followRedirects: config?.follow_redirects ?? true,
    async authorization() {
      if (!config) return { secrets: [] };
      if (config.basic_auth) {
        const { username = '', password, password_file } = config.basic_auth;
        const secret = password_file ? await read(password_file) : (password ?? '');
        const encoded = Buffer.from(`${username}:${secret}`).toString('base64');
        return { header: `Basic ${encoded}`, secrets: [secret, encoded].filter(Boolean) };
      }
      const type = config.authorization?.type?.trim() || 'Bearer';
      const file = config.authorization?.credentials_file ?? config.bearer_token_file;
      const inline = config.authorization?.credentials ?? config.bearer_token;
      const credentials = file ? await read(file) : inline;
      if (!credentials) return { secrets: [] };
      return { header: `${type} ${credentials}`, secrets: [credentials] };
    },
    close: () => dispatcher.close(),
  };
}
