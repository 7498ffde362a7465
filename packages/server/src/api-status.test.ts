import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseAlertmanagerConfig } from '@phoenix-alerting/core';
import { parse } from 'yaml';
import { apiTime, definitions, expectShape } from './openapi-shapes.js';
import { T0, startServer } from './test-harness.js';
import type { Harness } from './test-harness.js';

let harness: Harness;
afterEach(async () => {
  await harness?.server.stop();
});

const withSecrets = `# a comment that might say anything: hunter2
global:
  smtp_auth_password: smtp-pass-1
  slack_api_url: https://hooks.slack.com/services/T000/B000/slack-secret-2
route:
  receiver: hooks
receivers:
  - name: hooks
    webhook_configs:
      - url: http://127.0.0.1:5001/token-3
        http_config:
          basic_auth: { username: admin, password: pass-5 }
      - url: http://127.0.0.1:5001/
        http_config:
          authorization: { credentials: cred-4 }
  - name: console
    console_configs: [{}]
  - name: pager
    pagerduty_configs:
      - service_key: pd-key-6
        url: https://events.pagerduty.com/v2/enqueue
    slack_configs:
      - api_url: https://hooks.slack.com/services/slack-url-7
        channel: '#alerts'
server:
  auth:
    bearer_token: api-token-8
`;

describe('GET /api/v2/status', () => {
  it('has the openapi shape: cluster disabled, version info, uptime', async () => {
    harness = await startServer();
    const status = await harness.json('/api/v2/status');
    expectShape(status, definitions.alertmanagerStatus);
    expectShape(status.cluster, definitions.clusterStatus);
    expectShape(status.versionInfo, definitions.versionInfo);
    expectShape(status.config, definitions.alertmanagerConfig);
    expect(status.cluster).toEqual({ peers: [], status: 'disabled' });
    expect(status.uptime).toMatch(apiTime);
    expect(status.uptime).toBe(T0);
    expect(status.versionInfo.goVersion).toBe(`node ${process.version}`);
    // The Alertmanager release whose API this is, so that amtool does not warn; Phoenix's own
    // version is in the revision.
    expect(status.versionInfo.version).toBe('0.25.0');
    expect(status.versionInfo.revision).toMatch(/^phoenix-alerting@\d+\.\d+\.\d+/);
  });

  it('shows config.original exactly as Alertmanager 0.25 does', async () => {
    const fixtures = new URL('./__fixtures__/', import.meta.url);
    harness = await startServer({
      configText: readFileSync(new URL('alertmanager-input.yml', fixtures), 'utf8'),
    });
    const { config } = await harness.json('/api/v2/status');
    expect(config.original).toBe(
      readFileSync(new URL('alertmanager-0.25-original.yml', fixtures), 'utf8'),
    );
  });

  it('masks every secret as <secret> and leaves out what Alertmanager cannot load', async () => {
    harness = await startServer({ configText: withSecrets });
    const { config } = await harness.json('/api/v2/status');
    for (const secret of [
      'smtp-pass-1',
      'slack-secret-2',
      'cred-4',
      'pass-5',
      'pd-key-6',
      'slack-url-7',
      'api-token-8',
    ])
      expect(config.original).not.toContain(secret);
    const shown = parse(config.original);
    expect(shown.global.smtp_auth_password).toBe('<secret>');
    expect(shown.global.slack_api_url).toBe('<secret>');
    // Alertmanager 0.25 shows webhook URLs.
    expect(shown.receivers[0].webhook_configs[0].url).toBe('http://127.0.0.1:5001/token-3');
    expect(shown.receivers[0].webhook_configs[0].http_config.basic_auth).toEqual({
      username: 'admin',
      password: '<secret>',
    });
    expect(shown.receivers[0].webhook_configs[1].http_config.authorization).toEqual({
      type: 'Bearer',
      credentials: '<secret>',
    });
    expect(shown.receivers[2].pagerduty_configs[0]).toMatchObject({
      service_key: '<secret>',
      url: 'https://events.pagerduty.com/v2/enqueue',
    });
    expect(shown.receivers[2].slack_configs[0]).toMatchObject({
      api_url: '<secret>',
      channel: '#alerts',
    });
    // Phoenix's sections and integrations are not Alertmanager's: amtool could not load them.
    expect(shown.server).toBeUndefined();
    expect(shown.receivers[1]).toEqual({ name: 'console' });
    // What is shown loads again (amtool config routes does exactly that).
    expect(() => parseAlertmanagerConfig(config.original)).not.toThrow();
  });
});

describe('GET /api/v2/receivers', () => {
  it('lists the configured receivers, in order', async () => {
    harness = await startServer();
    const receivers = await harness.json('/api/v2/receivers');
    for (const receiver of receivers) expectShape(receiver, definitions.receiver);
    expect(receivers).toEqual([
      { name: 'default' },
      { name: 'pagerduty-critical' },
      { name: 'pagerduty-warning' },
    ]);
  });
});

describe('management endpoints', () => {
  it('answers /-/healthy and /-/ready with OK, GET and HEAD', async () => {
    harness = await startServer();
    for (const url of ['/-/healthy', '/-/ready']) {
      const response = await harness.get(url);
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('OK');
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect((await harness.inject({ method: 'HEAD', url })).statusCode).toBe(200);
    }
  });

  it('answers other methods with 405, as Alertmanager', async () => {
    harness = await startServer();
    const response = await harness.get('/-/reload');
    expect(response.statusCode).toBe(405);
    expect(response.body).toBe('Method Not Allowed\n');
    expect((await harness.inject({ method: 'DELETE', url: '/-/healthy' })).statusCode).toBe(405);
  });

  it('is not ready once stopping', async () => {
    harness = await startServer();
    expect(harness.server.ready).toBe(true);
    await harness.server.stop();
    expect(harness.server.ready).toBe(false);
  });

  it('marks API responses as not cacheable', async () => {
    harness = await startServer();
    expect((await harness.get('/api/v2/alerts')).headers['cache-control']).toBe('no-store');
  });
});
