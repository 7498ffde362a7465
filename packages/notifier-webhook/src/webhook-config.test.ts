import { ConfigError } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { webhookConfigSchema } from './webhook-config.js';
import { createWebhookNotifier } from './webhook-notifier.js';

function issues(input: unknown): string[] {
  const result = webhookConfigSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('webhookConfigSchema', () => {
  it("fills in Alertmanager's defaults and Phoenix's 10s timeout", () => {
    expect(webhookConfigSchema.parse({ url: 'http://example.com/hook' })).toEqual({
      send_resolved: true,
      url: 'http://example.com/hook',
      max_alerts: 0,
      http_config: {
        tls_config: { insecure_skip_verify: false },
        follow_redirects: true,
        enable_http2: true,
      },
      timeout: 10_000,
    });
  });

  it('reads every documented setting', () => {
    const config = webhookConfigSchema.parse({
      url_file: '/etc/phoenix/url',
      send_resolved: false,
      max_alerts: 5,
      timeout: '1m30s',
      http_config: {
        authorization: { type: ' Token ', credentials_file: 'token' },
        tls_config: {
          ca_file: 'ca.pem',
          cert_file: 'c.pem',
          key_file: 'k.pem',
          server_name: 'hooks.internal',
          insecure_skip_verify: true,
          min_version: 'TLS12',
          max_version: 'TLS13',
        },
        proxy_url: 'http://proxy:3128',
        follow_redirects: false,
        enable_http2: false,
      },
    });
    expect(config).toEqual({
      send_resolved: false,
      url_file: '/etc/phoenix/url',
      max_alerts: 5,
      timeout: 90_000,
      http_config: {
        authorization: { type: 'Token', credentials_file: 'token' },
        tls_config: {
          ca_file: 'ca.pem',
          cert_file: 'c.pem',
          key_file: 'k.pem',
          server_name: 'hooks.internal',
          insecure_skip_verify: true,
          min_version: 'TLS12',
          max_version: 'TLS13',
        },
        proxy_url: 'http://proxy:3128',
        follow_redirects: false,
        enable_http2: false,
      },
    });
  });

  it('treats YAML nulls as absent', () => {
    expect(
      webhookConfigSchema.parse({ url: 'http://x/', max_alerts: null, http_config: null }),
    ).toMatchObject({ max_alerts: 0, http_config: { follow_redirects: true } });
  });

  // As Alertmanager 0.25 reads them (its YAML library types each scalar by its Go field), the way
  // core's parseAlertmanagerConfig passes integration settings on: as their source text.
  it("types settings read as text as Alertmanager's YAML library does", () => {
    const config = webhookConfigSchema.parse({
      url: 'http://x/',
      send_resolved: 'no',
      max_alerts: '0x10',
      http_config: {
        follow_redirects: 'off',
        enable_http2: 'Yes',
        tls_config: { insecure_skip_verify: 'y' },
      },
    });
    expect(config).toMatchObject({
      send_resolved: false,
      max_alerts: 16,
      http_config: {
        follow_redirects: false,
        enable_http2: true,
        tls_config: { insecure_skip_verify: true },
      },
    });
    expect(webhookConfigSchema.parse({ url: 'http://x/', max_alerts: '1.9' }).max_alerts).toBe(1);
    expect(webhookConfigSchema.parse({ url: 'http://x/', max_alerts: '1_000' }).max_alerts).toBe(
      1000,
    );
    // Null is Go's zero value, which overrides a default of true.
    expect(
      webhookConfigSchema.parse({
        url: 'http://x/',
        send_resolved: null,
        http_config: { follow_redirects: null },
      }),
    ).toMatchObject({ send_resolved: false, http_config: { follow_redirects: false } });
  });

  it('folds the legacy bearer_token(_file) into authorization, type Bearer', () => {
    const inline = webhookConfigSchema.parse({
      url: 'http://x/',
      http_config: { bearer_token: 't' },
    });
    expect(inline.http_config.authorization).toEqual({ type: 'Bearer', credentials: 't' });
    const file = webhookConfigSchema.parse({
      url: 'http://x/',
      http_config: { bearer_token_file: '/t' },
    });
    expect(file.http_config.authorization).toEqual({ type: 'Bearer', credentials_file: '/t' });
    const typed = webhookConfigSchema.parse({
      url: 'http://x/',
      http_config: { authorization: { credentials: 'c' } },
    });
    expect(typed.http_config.authorization).toEqual({ type: 'Bearer', credentials: 'c' });
  });

  it.each([
    [{}, ': one of url or url_file must be configured'],
    [{ url: 'http://x/', url_file: '/u' }, ': at most one of url & url_file must be configured'],
    [{ url: 'ftp://x/' }, 'url: unsupported scheme "ftp" for webhook URL'],
    [{ url: 'not a url' }, 'url: invalid webhook URL'],
    [{ url: 'http://x/', max_alerts: -1 }, 'max_alerts: max_alerts must not be negative'],
    [{ url: 'http://x/', max_alerts: 1.5 }, 'max_alerts: max_alerts must be a whole number'],
    [{ url: 'http://x/', timeout: '10' }, 'timeout: expected a duration such as 30s'],
    [{ url: 'http://x/', send_resolved: 'maybe' }, 'send_resolved: Invalid input'],
    [{ url: 'http://x/', max_alerts: '-1' }, 'max_alerts: max_alerts must not be negative'],
    [{ url: 'http://x/', max_alerts: 'many' }, 'max_alerts: max_alerts must be a whole number'],
    [{ url: 'http://x/', headers: {} }, ': Unrecognized key: "headers"'],
    [
      { url: 'http://x/', http_config: { bearer_token: 'a', bearer_token_file: 'b' } },
      'http_config: at most one of bearer_token & bearer_token_file must be configured',
    ],
    [
      { url: 'http://x/', http_config: { bearer_token: 'a', basic_auth: { username: 'u' } } },
      'http_config: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
    ],
    [
      { url: 'http://x/', http_config: { basic_auth: { password: 'a', password_file: 'b' } } },
      'http_config.basic_auth: at most one of basic_auth password & password_file must be configured',
    ],
    [
      { url: 'http://x/', http_config: { authorization: {}, bearer_token: 'a' } },
      'http_config: authorization is not compatible with bearer_token & bearer_token_file',
    ],
    [
      {
        url: 'http://x/',
        http_config: { authorization: { credentials: 'a', credentials_file: 'b' } },
      },
      'http_config.authorization: at most one of authorization credentials & credentials_file must be configured',
    ],
    [
      { url: 'http://x/', http_config: { authorization: { type: 'Basic' } } },
      'http_config.authorization.type: authorization type cannot be set to "basic", use "basic_auth" instead',
    ],
    [
      { url: 'http://x/', http_config: { authorization: {}, basic_auth: { username: 'u' } } },
      'http_config: at most one of basic_auth, oauth2 & authorization must be configured',
    ],
    [
      { url: 'http://x/', http_config: { oauth2: { client_id: 'x' } } },
      'http_config.oauth2: oauth2 is not supported by Phoenix',
    ],
    [
      { url: 'http://x/', http_config: { tls_config: { cert_file: 'c' } } },
      'http_config.tls_config.key_file: exactly one of key or key_file must be configured when a client certificate is configured',
    ],
    [
      { url: 'http://x/', http_config: { tls_config: { key_file: 'k' } } },
      'http_config.tls_config.cert_file: exactly one of cert or cert_file must be configured when a client key is configured',
    ],
    [
      { url: 'http://x/', http_config: { tls_config: { min_version: 'TLS14' } } },
      'http_config.tls_config.min_version: unknown TLS version: TLS14',
    ],
    [
      {
        url: 'http://x/',
        http_config: { tls_config: { min_version: 'TLS13', max_version: 'TLS12' } },
      },
      'http_config.tls_config.max_version: tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified',
    ],
    [
      { url: 'http://x/', http_config: { proxy_url: 'socks5://p:1080' } },
      'http_config.proxy_url: unsupported scheme "socks5" for proxy URL',
    ],
  ])('rejects %j', (input, expected) => {
    expect(issues(input).join('\n')).toContain(expected);
  });

  it('never quotes a rejected URL, which may hold a token', () => {
    const text = issues({ url: 'ftp://user:pw-s3cret@x/token-s3cret' }).join('\n');
    expect(text).not.toContain('s3cret');
  });
});

describe('createWebhookNotifier configuration errors', () => {
  it('throws one ConfigError naming the notifier and every bad path', () => {
    let error: unknown;
    try {
      createWebhookNotifier({
        url: 'http://x/',
        url_file: '/u',
        max_alerts: -2,
        http_config: { bearer_token: 'a', bearer_token_file: 'b' },
      } as never);
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    const configError = error as ConfigError;
    expect(configError.message).toMatch(/^invalid webhook notifier config:/);
    expect(configError.issues.map((issue) => issue.path)).toEqual([
      'max_alerts',
      'http_config',
      '',
    ]);
  });

  it('reports unusable TLS files when created, as Alertmanager does at load', () => {
    expect(() =>
      createWebhookNotifier({
        url: 'https://x/',
        http_config: { tls_config: { ca_file: '/nonexistent/ca.pem' } },
      }),
    ).toThrow(/http_config\.tls_config\.ca_file: unable to read \/nonexistent\/ca\.pem/);
  });
});
