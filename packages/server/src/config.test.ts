import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ConfigError } from '@phoenix-alerting/core';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { maskValue } from './mask-secrets.js';
import { createServer } from './server.js';
import { parseServerSettings } from './settings.js';
import { startServer } from './test-harness.js';
import type { Harness } from './test-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.server.stop();
  harness = undefined;
});

const base = 'route: { receiver: x }\nreceivers: [{ name: x }]\n';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the server: section', () => {
  it('has defaults', () => {
    expect(parseServerSettings(base)).toEqual({
      maxRequestBytes: 10 * 1024 * 1024,
      maxAlertsPerRequest: 10_000,
      bearerToken: undefined,
      externalURL: undefined,
      integrations: {},
    });
  });

  it('reads the integrations secrets inline or from files, and names a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phoenix-settings-'));
    writeFileSync(join(dir, 'pd'), 'pd-secret\n');
    const file = join(dir, 'phoenix.yml');
    const settings = parseServerSettings(
      `${base}server:\n  integrations:\n    slack_signing_secret: s1\n    pagerduty_webhook_secret_file: pd\n    ack_link_secret: 0123456789abcdef\n`,
      { file },
    );
    expect(settings.integrations).toEqual({
      slackSigningSecret: 's1',
      pagerdutyWebhookSecret: 'pd-secret',
      ackLinkSecret: '0123456789abcdef',
    });
    expect(() =>
      parseServerSettings(`${base}server:\n  integrations:\n    ack_link_secret: short\n`),
    ).toThrow(/server\.integrations\.ack_link_secret: must be at least 16 characters/);
  });

  it('reads sizes with units, and ${VAR} from the environment', () => {
    const settings = parseServerSettings(
      `${base}server:\n  max_request_bytes: 2MiB\n  auth: { bearer_token: "\${TOKEN}" }\n  external_url: https://alerts.example.com\n`,
      { env: { TOKEN: 'from-env' } },
    );
    expect(settings).toMatchObject({
      maxRequestBytes: 2 * 1024 * 1024,
      bearerToken: 'from-env',
      externalURL: 'https://alerts.example.com',
    });
  });

  it('reports every problem with its YAML path and line', () => {
    const error = configError(() =>
      parseServerSettings(
        `${base}server:\n  max_request_bytes: lots\n  listen: ':9093'\n  auth: { bearer_token: a, bearer_token_file: b }\n`,
        { file: 'phoenix.yml' },
      ),
    );
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(['server.max_request_bytes', 'server.listen', 'server.auth']),
    );
    expect(error.message).toContain(
      'phoenix.yml: server.max_request_bytes: expected a positive size',
    );
    expect(error.message).toContain('server.listen: unknown key "listen"');
    expect(error.message).toContain('at most one of bearer_token & bearer_token_file');
    expect(error.message).toMatch(/line \d+/);
  });

  it('names an unreadable bearer_token_file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phoenix-settings-'));
    const error = configError(() =>
      parseServerSettings(`${base}server:\n  auth: { bearer_token_file: missing }\n`, {
        file: join(dir, 'phoenix.yml'),
      }),
    );
    expect(error.issues[0]).toMatchObject({
      path: 'server.auth.bearer_token_file',
      message: expect.stringContaining('ENOENT'),
    });
  });
});

describe('createServer', () => {
  it('throws one ConfigError for a bad configuration, naming file and paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phoenix-config-'));
    const file = join(dir, 'bad.yml');
    writeFileSync(
      file,
      'route: { receiver: missing }\nreceivers:\n  - name: x\n    webhook_configs: [{ url: "ftp://nope" }]\n',
    );
    const error = configError(() => createServer({ configFile: file, dataDir: ':memory:' }));
    expect(error.message).toContain(`${file}: route.receiver`);
  });

  it('validates receivers with their notifier and reports the path', () => {
    const error = configError(() =>
      createServer({
        configText:
          'route: { receiver: x }\nreceivers:\n  - name: x\n    webhook_configs: [{ url: "ftp://nope", max_alerts: -1 }]\n    console_configs: [{ format: yaml }]\n',
        dataDir: ':memory:',
      }),
    );
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'receivers[0].webhook_configs[0].url',
        'receivers[0].webhook_configs[0].max_alerts',
        'receivers[0].console_configs[0].format',
      ]),
    );
  });

  it('warns once, naming receiver and type, for integrations it cannot send', async () => {
    let logged = '';
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          logged += chunk.toString();
          callback();
        },
      }),
    );
    harness = await startServer({
      configText: `route: { receiver: pager }
receivers:
  - name: pager
    opsgenie_configs: [{ api_key: abc }]
    webhook_configs: [{ url: 'http://127.0.0.1:5001/' }]
`,
      logger,
    });
    expect(logged).toContain(
      'receiver \\"pager\\": opsgenie_configs not yet supported by this server',
    );
    expect(logged).not.toContain('abc');
    expect((await harness.get('/-/ready')).statusCode).toBe(200);
  });

  it('needs exactly one of configFile and configText', () => {
    expect(() => createServer({ dataDir: ':memory:' })).toThrow(/exactly one of configFile/);
  });
});

describe('maskValue', () => {
  it("masks Alertmanager's secrets by key, Slack's api_url only in slack_configs", () => {
    expect(
      maskValue({
        webhook_configs: [{ url: 'http://h/t0k3n' }],
        opsgenie_configs: [{ api_url: 'https://api.opsgenie.com/', api_key: 'k' }],
        slack_configs: [{ api_url: 'https://hooks.slack.com/s' }],
        email_configs: [{ auth_password: '' }],
      }),
    ).toEqual({
      webhook_configs: [{ url: 'http://h/t0k3n' }], // shown by Alertmanager 0.25 too
      opsgenie_configs: [{ api_url: 'https://api.opsgenie.com/', api_key: '<secret>' }],
      slack_configs: [{ api_url: '<secret>' }],
      email_configs: [{ auth_password: '' }], // nothing to hide
    });
  });
});
