import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import {
  httpConfigSchema,
  httpConfigSecrets,
  readHttpAuthorization,
  readTlsMaterial,
  RequestSetupError,
  rereadTlsMaterial,
  tlsConnectionOptions,
  tlsFiles,
  urlSecrets,
} from './http-config.js';
import { createSelfSignedCertificate } from './testing/certificates.js';

const problems = (input: unknown) => {
  const result = httpConfigSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('httpConfigSchema', () => {
  it("applies Prometheus' defaults and folds bearer_token into authorization", () => {
    expect(httpConfigSchema.parse({})).toEqual({
      tls_config: { insecure_skip_verify: false },
      follow_redirects: true,
      enable_http2: true,
    });
    expect(httpConfigSchema.parse({ bearer_token: 's3cret', follow_redirects: 'no' })).toEqual({
      authorization: { type: 'Bearer', credentials: 's3cret' },
      tls_config: { insecure_skip_verify: false },
      follow_redirects: false,
      enable_http2: true,
    });
    expect(httpConfigSchema.parse({ authorization: { credentials_file: 'f' } })).toMatchObject({
      authorization: { type: 'Bearer', credentials_file: 'f' },
    });
  });

  it("rejects what Prometheus rejects, in Prometheus' words", () => {
    expect(problems({ bearer_token: 'a', bearer_token_file: 'b' })).toEqual([
      ': at most one of bearer_token & bearer_token_file must be configured',
    ]);
    expect(problems({ authorization: { type: 'Basic' } })).toEqual([
      'authorization.type: authorization type cannot be set to "basic", use "basic_auth" instead',
    ]);
    expect(problems({ tls_config: { cert_file: 'c' } })).toEqual([
      'tls_config.key_file: exactly one of key or key_file must be configured when a client certificate is configured',
    ]);
    expect(problems({ tls_config: { min_version: 'TLS13', max_version: 'TLS12' } })).toEqual([
      'tls_config.max_version: tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified',
    ]);
    expect(problems({ proxy_url: 'socks5://p:1080' })).toEqual([
      'proxy_url: unsupported scheme "socks5" for proxy URL',
    ]);
    expect(problems({ oauth2: { client_id: 'x' } })).toEqual([
      'oauth2: oauth2 is not supported by Phoenix; use authorization or basic_auth',
    ]);
  });
});

describe('readHttpAuthorization', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-http-config-'));
  writeFileSync(join(dir, 'token'), 'from-file\n');

  it('reads credential files relative to the config directory, each time', async () => {
    const config = httpConfigSchema.parse({ authorization: { credentials_file: 'token' } });
    expect(await readHttpAuthorization(config, dir)).toEqual({
      header: 'Bearer from-file',
      secrets: ['from-file', 'Bearer from-file', 'from-file'],
    });
    writeFileSync(join(dir, 'token'), 'rotated');
    expect((await readHttpAuthorization(config, dir)).header).toBe('Bearer rotated');
  });

  it('encodes basic auth and reports an unreadable file without its content', async () => {
    const basic = httpConfigSchema.parse({ basic_auth: { username: 'u', password: 'p' } });
    expect((await readHttpAuthorization(basic)).header).toBe(
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
    expect(await readHttpAuthorization(httpConfigSchema.parse({}))).toEqual({ secrets: [] });
    const missing = httpConfigSchema.parse({ basic_auth: { username: 'u', password_file: 'no' } });
    const error = await readHttpAuthorization(missing, dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestSetupError);
    expect((error as Error).message).toMatch(/^unable to read basic auth password: ENOENT/);
  });
});

describe('TLS files', () => {
  const certificate = createSelfSignedCertificate();

  it('reads and checks the files, and builds connection options', async () => {
    const tls = httpConfigSchema.parse({
      tls_config: {
        ca_file: certificate.certFile,
        server_name: 'localhost',
        min_version: 'TLS12',
      },
    }).tls_config;
    const files = tlsFiles(tls);
    expect(files).toEqual({ ca: certificate.certFile });
    const material = readTlsMaterial(files, 'test http_config');
    expect(material).toEqual({ ca: certificate.cert });
    expect(await rereadTlsMaterial(files)).toEqual(material);
    expect(tlsConnectionOptions(tls, material)).toEqual({
      ca: certificate.cert,
      servername: 'localhost',
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    });
  });

  it('fails on a missing file or a CA file without a certificate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phoenix-http-config-'));
    writeFileSync(join(dir, 'ca.pem'), 'not a certificate');
    const bad = tlsFiles(
      httpConfigSchema.parse({ tls_config: { ca_file: 'ca.pem' } }).tls_config,
      dir,
    );
    expect(() => readTlsMaterial(bad, 'test http_config')).toThrow(
      `unable to use specified CA cert ${join(dir, 'ca.pem')}`,
    );
    const missing = { ca: join(dir, 'missing.pem') };
    expect(() => readTlsMaterial(missing, 'test http_config')).toThrow(ConfigError);
    expect(() => readTlsMaterial(missing, 'test http_config')).toThrow(
      /http_config\.tls_config\.ca_file: unable to read/,
    );
  });
});

describe('httpConfigSecrets', () => {
  it('lists inline credentials and the proxy password', () => {
    const config = httpConfigSchema.parse({
      basic_auth: { username: 'u', password: 'pw' },
      proxy_url: 'http://user:p%40ss@proxy:3128',
    });
    expect(httpConfigSecrets(config)).toEqual([
      'pw',
      'http://user:p%40ss@proxy:3128',
      'http://user:p%40ss@proxy:3128/',
      'p%40ss',
      'p@ss',
    ]);
  });
});

describe('urlSecrets', () => {
  it('lists the URL, its password, path, query and a token-like last segment', () => {
    expect(urlSecrets('https://hooks.slack.com/services/T0/B0/abcdefgh12')).toEqual([
      'https://hooks.slack.com/services/T0/B0/abcdefgh12',
      'https://hooks.slack.com/services/T0/B0/abcdefgh12',
      '/services/T0/B0/abcdefgh12',
      'abcdefgh12',
    ]);
    expect(urlSecrets('http://h/?token=x')).toEqual([
      'http://h/?token=x',
      'http://h/?token=x',
      '/?token=x',
      'token=x',
    ]);
    expect(urlSecrets('not a url')).toEqual(['not a url']);
  });
});
