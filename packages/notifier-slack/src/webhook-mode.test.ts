import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Notification } from '@phoenix-alerting/core';
import { buildAlerts, buildNotification } from '@phoenix-alerting/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack } from './fake-slack.js';
import type { FakeSlack } from './fake-slack.js';
import { createSlackNotifier } from './slack-notifier.js';

const T0 = Date.UTC(2024, 0, 1);
const key = { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'k1' };

function highCpu(overrides: Partial<Notification> = {}): Notification {
  return buildNotification(
    buildAlerts(2, {
      labels: { alertname: 'HighCPU', severity: 'critical' },
      annotations: { summary: 'CPU above 90%' },
      now: T0,
    }),
    { groupLabels: { alertname: 'HighCPU' }, groupKey: '{}:{alertname="HighCPU"}', ...overrides },
  );
}

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack();
});
afterEach(() => slack.close());

describe('incoming-webhook mode (Alertmanager slack_configs)', () => {
  it("posts exactly Alertmanager 0.25's JSON with the default templates", async () => {
    const notifier = createSlackNotifier(
      { api_url: slack.webhookUrl, channel: '#alerts' },
      { externalURL: 'http://am.example:9093' },
    );
    expect(await notifier.notify(highCpu(), key)).toEqual({ ok: true, statusCode: 200 });
    const [request] = slack.requests;
    // Go's json.Encoder: struct field order, omitempty, `&` escaped, a trailing newline.
    expect(request!.raw).toBe(
      '{"channel":"#alerts","username":"Alertmanager","attachments":[{"title":"[FIRING:2] HighCPU (critical)",' +
        '"title_link":"http://am.example:9093/#/alerts?receiver=default","text":"",' +
        '"fallback":"[FIRING:2] HighCPU (critical) | http://am.example:9093/#/alerts?receiver=default",' +
        '"callback_id":"","footer":"","color":"danger","mrkdwn_in":["fallback","pretext","text"]}]}\n',
    );
    expect(request!.headers['content-type']).toBe('application/json');
    expect(notifier.sendResolved).toBe(false);
    expect(notifier.rateLimit).toMatchObject({ limit: 1, intervalMs: 1_000 });
    expect(notifier.rateLimit.key(highCpu())).toBe('#alerts');
    await notifier.stop();
  });

  it('renders every templated field, fields with short_fields, and actions', async () => {
    const notifier = createSlackNotifier({
      api_url: slack.webhookUrl,
      send_resolved: true,
      channel: '#{{ .CommonLabels.severity }}',
      username: 'phoenix',
      color: '#{{ len .Alerts }}00',
      title: '{{ .CommonLabels.alertname }}',
      title_link: 'https://x/{{ .GroupLabels.alertname }}',
      pretext: 'pre <&>',
      text: '{{ range .Alerts }}{{ .Annotations.summary }};{{ end }}',
      fields: [
        { title: 'sev', value: '{{ .CommonLabels.severity }}' },
        { title: 'n', value: '{{ len .Alerts }}', short: false },
      ],
      short_fields: true,
      footer: 'f',
      fallback: 'fb',
      callback_id: 'cb',
      icon_emoji: ':fire:',
      icon_url: 'https://i/x.png',
      image_url: 'https://i/img.png',
      thumb_url: 'https://i/t.png',
      link_names: true,
      mrkdwn_in: ['text'],
      actions: [
        {
          type: 'button',
          text: 'Runbook',
          url: 'https://r/{{ .CommonLabels.alertname }}',
          name: 'dropped',
        },
        { type: 'button', text: 'Ack', name: 'ack', value: 'v', confirm: { text: 'sure?' } },
      ],
    });
    expect((await notifier.notify(highCpu(), key)).ok).toBe(true);
    expect(JSON.parse(slack.requests[0]!.raw)).toEqual({
      channel: '#critical',
      username: 'phoenix',
      icon_emoji: ':fire:',
      icon_url: 'https://i/x.png',
      link_names: true,
      attachments: [
        {
          title: 'HighCPU',
          title_link: 'https://x/HighCPU',
          pretext: 'pre <&>',
          text: 'CPU above 90%;CPU above 90%;',
          fallback: 'fb',
          callback_id: 'cb',
          fields: [
            { title: 'sev', value: 'critical', short: true },
            { title: 'n', value: '2', short: false },
          ],
          actions: [
            { type: 'button', text: 'Runbook', url: 'https://r/HighCPU' },
            { type: 'button', text: 'Ack', name: 'ack', value: 'v', confirm: { text: 'sure?' } },
          ],
          image_url: 'https://i/img.png',
          thumb_url: 'https://i/t.png',
          footer: 'f',
          color: '#200',
          mrkdwn_in: ['text'],
        },
      ],
    });
    expect(slack.requests[0]!.raw).toContain('"pretext":"pre \\u003c\\u0026\\u003e"');
    expect(notifier.sendResolved).toBe(true);
  });

  it('reads api_url_file at each attempt and falls back to global.slack_api_url', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slack-'));
    await writeFile(join(dir, 'url'), `${slack.webhookUrl}\n`);
    const fromFile = createSlackNotifier({ api_url_file: 'url' }, { configDir: dir });
    expect((await fromFile.notify(highCpu(), key)).ok).toBe(true);
    const fromGlobal = createSlackNotifier({}, { global: { slack_api_url: slack.webhookUrl } });
    expect((await fromGlobal.notify(highCpu(), key)).ok).toBe(true);
    expect(slack.messages.length).toBe(2);
    // global's URL file wins over the slack section's webhook_url; the entry's over both.
    await writeFile(join(dir, 'global-url'), `${slack.url}/services/T000/B000/wrong-from-global`);
    const globalFile = createSlackNotifier(
      {},
      {
        configDir: dir,
        global: { slack_api_url_file: 'global-url' },
        section: { webhook_url: slack.webhookUrl },
      },
    );
    expect(await globalFile.notify(highCpu(), key)).toMatchObject({ ok: false, statusCode: 404 });
    const fromSection = createSlackNotifier({}, { section: { webhook_url: slack.webhookUrl } });
    expect((await fromSection.notify(highCpu(), key)).ok).toBe(true);
    expect(() =>
      createSlackNotifier({
        api_url: slack.webhookUrl,
        http_config: { tls_config: { ca_file: join(dir, 'no-ca.pem') } },
      }),
    ).toThrow(/http_config\.tls_config\.ca_file: unable to read /);
    const missing = createSlackNotifier({ api_url_file: join(dir, 'absent') });
    expect(await missing.notify(highCpu(), key)).toMatchObject({
      ok: false,
      retryable: false,
      reason: 'client',
    });
  });

  it('maps webhook errors: 404 no_service and 400 invalid_payload are not retried', async () => {
    const wrong = createSlackNotifier({
      api_url: `${slack.url}/services/T000/B000/wrong-secret-path`,
    });
    const result = await wrong.notify(highCpu(), key);
    expect(result).toMatchObject({
      ok: false,
      retryable: false,
      reason: 'client',
      statusCode: 404,
    });
    expect(result.ok || result.message).not.toContain('wrong-secret-path');
    slack.script({ status: 400, body: 'invalid_payload' });
    const notifier = createSlackNotifier({ api_url: slack.webhookUrl });
    expect(await notifier.notify(highCpu(), key)).toMatchObject({
      ok: false,
      retryable: false,
      statusCode: 400,
    });
  });

  it('treats a 200 with an error text as a client error, and a JSON ok:false like the Web API', async () => {
    const notifier = createSlackNotifier({ api_url: slack.webhookUrl });
    slack.script({ status: 200, body: 'channel_is_archived' });
    expect(await notifier.notify(highCpu(), key)).toMatchObject({
      ok: false,
      retryable: false,
      reason: 'client',
    });
    slack.script({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":false,"error":"ratelimited"}',
    });
    expect(await notifier.notify(highCpu(), key)).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'rate-limited',
    });
    slack.script({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":' });
    expect(await notifier.notify(highCpu(), key)).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'server',
    });
  });

  it('fails a notification whose template does not execute, without retry', async () => {
    const notifier = createSlackNotifier({
      api_url: slack.webhookUrl,
      title: '{{ template "nope" . }}',
    });
    expect(await notifier.notify(highCpu(), key)).toMatchObject({
      ok: false,
      retryable: false,
      reason: 'client',
    });
    expect(slack.requests.length).toBe(0);
  });

  it('applies the slack section: channel and mention per severity', async () => {
    const notifier = createSlackNotifier(
      { text: '{{ .CommonAnnotations.summary }}' },
      {
        section: {
          webhook_url: slack.webhookUrl,
          default_channel: '#alerts',
          channels: { critical: '#alerts-critical', info: '#alerts-info' },
          mentions: { critical: '<!here>', warning: '' },
        },
      },
    );
    expect((await notifier.notify(highCpu(), key)).ok).toBe(true);
    const warning = buildNotification(
      buildAlerts(1, {
        labels: { alertname: 'Disk', severity: 'warning' },
        annotations: { summary: 'disk' },
      }),
    );
    expect((await notifier.notify(warning, key)).ok).toBe(true);
    expect(notifier.rateLimit.key(highCpu())).toBe('#alerts-critical');
    expect(notifier.rateLimit.key(warning)).toBe('#alerts');
    const [critical, other] = slack.requests.map(
      (request) => JSON.parse(request.raw) as { channel: string; attachments: { text: string }[] },
    );
    expect(critical).toMatchObject({
      channel: '#alerts-critical',
      attachments: [{ text: '<!here> CPU above 90%' }],
    });
    expect(other).toMatchObject({ channel: '#alerts', attachments: [{ text: 'disk' }] });
  });

  it('sends http_config credentials (read from files at each attempt) and keeps them out of errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slack-'));
    await writeFile(join(dir, 'token'), 'file-t0ken-s3cret\n');
    const notifier = createSlackNotifier(
      { api_url: slack.webhookUrl, http_config: { authorization: { credentials_file: 'token' } } },
      { configDir: dir },
    );
    expect((await notifier.notify(highCpu(), key)).ok).toBe(true);
    expect(slack.requests[0]!.headers.authorization).toBe('Bearer file-t0ken-s3cret');
    slack.script({ status: 500, body: 'echo: Bearer file-t0ken-s3cret' });
    const failed = await notifier.notify(highCpu(), key);
    expect(failed).toMatchObject({ ok: false, retryable: true, reason: 'server' });
    expect(failed.ok || failed.message).not.toContain('file-t0ken-s3cret');
    const basic = createSlackNotifier({
      api_url: slack.webhookUrl,
      http_config: { basic_auth: { username: 'u', password: 'p' } },
    });
    expect((await basic.notify(highCpu(), key)).ok).toBe(true);
    expect(slack.requests[2]!.headers.authorization).toBe(
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
  });
});
