import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createPipelineEvents } from '@phoenix-alerting/core';
import type { Notification, NotificationIncident, Store } from '@phoenix-alerting/core';
import {
  buildAlerts,
  buildNotification,
  createMemoryStore,
  FakeClock,
  flushMicrotasks,
} from '@phoenix-alerting/core/testing';
import { loadAlertmanagerTemplates } from '@phoenix-alerting/template';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTwilio, twilioError } from './__fixtures__/fake-twilio.js';
import type { FakeTwilio } from './__fixtures__/fake-twilio.js';
import { twilioSignature } from './inbound.js';
import { createSmsNotifier, TWILIO_LONG_CODE_RATE_LIMIT } from './sms-notifier.js';
import type { SmsNotifierOptions } from './sms-notifier.js';
import type { SmsConfigInput } from './sms-config.js';

let twilio: FakeTwilio;
beforeEach(async () => {
  twilio = await startFakeTwilio();
});
afterEach(() => twilio.close());

function configFor(overrides: Partial<SmsConfigInput> = {}): SmsConfigInput {
  return {
    account_sid: twilio.accountSid,
    auth_token: twilio.authToken,
    from: '+15550001',
    to: ['+15550100', '+15550101'],
    api_url: twilio.url,
    ...overrides,
  };
}

function captureLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: pino({ level: 'trace' }, sink), lines };
}

async function started(
  config: SmsConfigInput,
  options: SmsNotifierOptions & { store?: Store } = {},
) {
  const notifier = createSmsNotifier(config, options);
  const { logger, lines } = captureLogger();
  notifier.start({
    clock: options.clock ?? new FakeClock(Date.UTC(2024, 0, 1)),
    logger,
    store: options.store ?? createMemoryStore(),
    events: createPipelineEvents(),
  });
  return { notifier, lines };
}

const send = (
  notifier: ReturnType<typeof createSmsNotifier>,
  notification: Notification,
  options: { key?: string; attempt?: number; signal?: AbortSignal } = {},
) =>
  notifier.notify(notification, {
    signal: options.signal ?? new AbortController().signal,
    attempt: options.attempt ?? 1,
    idempotencyKey: options.key ?? 'key-1',
  });

const plain = () =>
  buildNotification(
    buildAlerts(2, {
      labels: { alertname: 'DiskFull', severity: 'critical' },
      annotations: { summary: 'Disk almost full' },
    }),
    { groupLabels: { alertname: 'DiskFull' } },
  );

function incidentPage(overrides: Partial<NotificationIncident> = {}): Notification {
  return {
    ...plain(),
    incident: {
      id: 'inc-1',
      number: 1234,
      title: 'Database primary down',
      severity: 'critical',
      status: 'new',
      event: 'triggered',
      level: 1,
      recipients: [
        { name: 'alice', phone: '+15550200' },
        { name: 'bob', email: 'bob@example.com' },
        { name: 'carol', phone: '+15550201' },
      ],
      url: 'https://phoenix.example.com/incidents/inc-1',
      ...overrides,
    },
  };
}

describe('createSmsNotifier', () => {
  it('sends one message per `to` number through the SDK, as Twilio expects it', async () => {
    const { notifier } = await started(
      configFor({ status_callback: 'https://phoenix.example.com/twilio/status' }),
      { externalURL: 'https://am.example.com' },
    );
    const result = await send(notifier, plain());
    expect(result).toEqual({ ok: true, statusCode: 201 });
    expect(twilio.messages.map((m) => m.to)).toEqual(['+15550100', '+15550101']);
    const [request] = twilio.requests;
    expect(request!.path).toBe(`/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`);
    expect(request!.headers['user-agent']).toMatch(/^twilio-node\/6\.\S+ .* Phoenix-Alerting\//);
    expect(twilio.messages[0]).toMatchObject({
      from: '+15550001',
      messagingServiceSid: null,
      statusCallback: 'https://phoenix.example.com/twilio/status',
      body: [
        '[FIRING:2] DiskFull (critical)',
        'Disk almost full',
        'https://am.example.com/#/alerts?receiver=default',
      ].join('\n'),
    });
  });

  it('sends from a Messaging Service when configured', async () => {
    const service = `MG${'9'.repeat(32)}`;
    const { notifier } = await started(
      configFor({ from: undefined, messaging_service_sid: service, to: '+15550100' }),
    );
    expect((await send(notifier, plain())).ok).toBe(true);
    expect(twilio.messages).toMatchObject([{ from: null, messagingServiceSid: service }]);
  });

  it('pages the people paged on their phones, with the reply instructions', async () => {
    const { notifier } = await started(configFor());
    expect((await send(notifier, incidentPage())).ok).toBe(true);
    expect(twilio.messages.map((m) => m.to)).toEqual(['+15550200', '+15550201']);
    expect(twilio.messages[0]!.body).toBe(
      [
        '[CRITICAL] #1234 Database primary down',
        'https://phoenix.example.com/incidents/inc-1',
        'Reply ACK 1234 or RESOLVE 1234',
      ].join('\n'),
    );
  });

  it('falls back to `to` when nobody paged has a phone, and fails without any number', async () => {
    const { notifier } = await started(configFor({ to: '+15550100' }));
    const page = incidentPage({ recipients: [{ name: 'bob', email: 'bob@example.com' }] });
    expect((await send(notifier, page)).ok).toBe(true);
    expect(twilio.messages.map((m) => m.to)).toEqual(['+15550100']);

    const { notifier: without } = await started(configFor({ to: undefined }));
    expect(await send(without, page)).toMatchObject({
      ok: false,
      retryable: false,
      reason: 'client',
      message: expect.stringContaining('none of the people paged has a phone number'),
    });
    expect(await send(without, plain())).toMatchObject({ ok: false, reason: 'client' });
  });

  it('sends the other recipients when Twilio rejects one number (21211), and reports it', async () => {
    twilio.answerWith((request) =>
      request.form.get('To') === '+15550100'
        ? twilioError(400, 21211, "The 'To' number +15550100 is not a valid phone number.")
        : 'validate',
    );
    const { notifier, lines } = await started(configFor());
    const result = await send(notifier, plain());
    expect(result).toMatchObject({
      ok: false,
      retryable: false,
      reason: 'client',
      statusCode: 400,
    });
    expect(!result.ok && result.message).toContain('Twilio error 21211 (HTTP 400)');
    expect(!result.ok && result.message).toContain('https://www.twilio.com/docs/errors/21211');
    expect(!result.ok && result.message).toContain('1 of 2 recipients sent, 1 rejected');
    // The number Twilio quotes is masked, as in the logs.
    expect(!result.ok && result.message).toContain("The 'To' number +1•••0100 is not");
    expect(lines.join('\n')).not.toContain('+15550100');
    expect(twilio.messages.map((m) => m.to)).toEqual(['+15550101']);
    expect(lines.join('\n')).toContain('sms: recipient rejected');
  });

  it('reports a wrong auth token as auth, without the token', async () => {
    const { notifier } = await started(configFor({ auth_token: 'wrong-token-123456' }));
    const result = await send(notifier, plain());
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'auth', statusCode: 401 });
    expect(!result.ok && result.message).toContain('Twilio error 20003');
    expect(!result.ok && result.message).not.toContain('wrong-token-123456');
    expect(twilio.requests).toHaveLength(1);
  });

  it('stops at a 429, and the retry sends only to the recipients not yet sent', async () => {
    let calls = 0;
    twilio.answerWith(() =>
      ++calls === 2
        ? { ...twilioError(429, 20429, 'Too Many Requests'), headers: { 'retry-after': '3' } }
        : 'validate',
    );
    const { notifier } = await started(configFor({ to: ['+15550100', '+15550101', '+15550102'] }));
    const first = await send(notifier, plain());
    expect(first).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'rate-limited',
      statusCode: 429,
      retryAfterMs: 3_000,
    });
    expect(!first.ok && first.message).toContain('1 of 3 recipients sent');
    expect(twilio.requests).toHaveLength(2);

    expect(await send(notifier, plain(), { attempt: 2 })).toEqual({ ok: true, statusCode: 201 });
    expect(twilio.messages.map((m) => m.to)).toEqual(['+15550100', '+15550101', '+15550102']);
    // Another notification (another key) goes to everyone again.
    expect((await send(notifier, plain(), { key: 'key-2' })).ok).toBe(true);
    expect(twilio.messages).toHaveLength(6);
  });

  it('retries 5xx; a restarted notifier over the same store still skips those sent', async () => {
    let calls = 0;
    twilio.answerWith(() =>
      ++calls === 2 ? twilioError(500, 20500, 'Internal Server Error') : 'validate',
    );
    const store = createMemoryStore();
    const { notifier } = await started(configFor(), { store });
    expect(await send(notifier, plain())).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'server',
      statusCode: 500,
    });
    await notifier.stop();
    expect(await send(notifier, plain())).toMatchObject({ ok: false, reason: 'canceled' });

    const { notifier: restarted } = await started(configFor(), { store });
    expect((await send(restarted, plain(), { attempt: 2 })).ok).toBe(true);
    expect(twilio.messages.map((m) => m.to)).toEqual(['+15550100', '+15550101']);
  });

  it('counts an accepted message with an unreadable answer as sent, never texting twice', async () => {
    twilio.answerWith(() => ({ status: 201, body: '{"sid": "SM' }));
    const { notifier, lines } = await started(configFor({ to: '+15550100' }));
    expect(await send(notifier, plain())).toEqual({ ok: true, statusCode: 201 });
    expect(lines.join('\n')).toContain('unreadable answer');
    twilio.answerWith(() => 'validate');
    expect(await send(notifier, plain(), { attempt: 2 })).toEqual({ ok: true, statusCode: 201 });
    expect(twilio.requests).toHaveLength(1);
  });

  it('times out on the clock it is given', async () => {
    twilio.answerWith(() => 'hang');
    const clock = new FakeClock(Date.UTC(2024, 0, 1));
    const { notifier } = await started(configFor({ timeout: '5s', to: '+15550100' }), { clock });
    const pending = send(notifier, plain());
    while (twilio.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(4_999);
    await flushMicrotasks(5);
    let settled = false;
    void pending.then(() => (settled = true));
    await flushMicrotasks(5);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect(await pending).toMatchObject({ ok: false, retryable: true, reason: 'timeout' });
  });

  it('reads auth_token_file at each delivery, relative to configDir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-token-'));
    writeFileSync(join(dir, 'token'), `${twilio.authToken}\n`);
    const { notifier } = await started(
      configFor({ auth_token: undefined, auth_token_file: 'token', to: '+15550100' }),
      { configDir: dir },
    );
    expect((await send(notifier, plain())).ok).toBe(true);
    const { notifier: missing } = await started(
      configFor({ auth_token: undefined, auth_token_file: 'nope', to: '+15550100' }),
      { configDir: dir },
    );
    expect(await send(missing, plain())).toMatchObject({
      ok: false,
      retryable: true,
      message: 'sms: unable to read auth_token_file (ENOENT)',
    });
  });

  it('renders a custom text template and cuts it to max_segments, keeping the link', async () => {
    const { notifier } = await started(
      configFor({
        to: '+15550100',
        max_segments: 1,
        text: '{{ range .Alerts }}{{ .Labels.instance }} is {{ .Annotations.summary }}. {{ end }}',
      }),
      { externalURL: 'https://am.example.com' },
    );
    const many = buildNotification(
      buildAlerts(20, { labels: { alertname: 'DiskFull' }, annotations: { summary: 'full' } }),
    );
    expect((await send(notifier, many)).ok).toBe(true);
    const body = twilio.messages[0]!.body;
    expect(body.length).toBeLessThanOrEqual(160);
    expect(body).toMatch(
      /^host-0 is full\. host-1 is full\. .*\.\.\.\nhttps:\/\/am\.example\.com\/#\/alerts\?receiver=default$/s,
    );
  });

  it('falls back to sms.default.text when the text template fails, and says so', async () => {
    const { notifier, lines } = await started(
      configFor({ to: '+15550100', text: '{{ template "nope" . }}' }),
    );
    expect((await send(notifier, plain())).ok).toBe(true);
    expect(twilio.messages[0]!.body).toBe('[FIRING:2] DiskFull (critical)\nDisk almost full');
    expect(lines.join('\n')).toContain('text template failed');
  });

  it('uses templates it is given, where sms.default.text may be redefined', async () => {
    const templates = loadAlertmanagerTemplates({
      texts: ['{{ define "sms.default.text" }}ALERT {{ .CommonLabels.alertname }}{{ end }}'],
    });
    const { notifier } = await started(configFor({ to: '+15550100' }), { templates });
    expect((await send(notifier, plain())).ok).toBe(true);
    expect(twilio.messages[0]!.body).toBe('ALERT DiskFull');
  });

  it('fails as a client error, sending nothing, when even sms.default.text cannot render', async () => {
    const templates = loadAlertmanagerTemplates({
      texts: ['{{ define "sms.default.text" }}{{ template "missing" . }}{{ end }}'],
    });
    const { notifier } = await started(configFor(), { templates });
    expect(await send(notifier, plain())).toMatchObject({
      ok: false,
      retryable: false,
      reason: 'client',
      message: expect.stringContaining('sms: cannot render the message'),
    });
    expect(twilio.requests).toHaveLength(0);
  });

  it('verifies inbound requests with its own token and account', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-verify-'));
    writeFileSync(join(dir, 'token'), 'token-from-file\n');
    const notifier = createSmsNotifier(
      configFor({ auth_token: undefined, auth_token_file: join(dir, 'token') }),
    );
    const url = 'https://phoenix.example.com/api/phoenix/v1/integrations/twilio/sms';
    const params = { AccountSid: twilio.accountSid, From: '+15550200', Body: 'ACK 1234' };
    const signature = twilioSignature('token-from-file', url, params);
    expect(await notifier.verifyRequest({ url, params, signature })).toBe(true);
    expect(await notifier.verifyRequest({ url, params, signature: 'bm9wZQ==' })).toBe(false);
    const otherAccount = { ...params, AccountSid: `AC${'f'.repeat(32)}` };
    const signedOther = twilioSignature('token-from-file', url, otherAccount);
    expect(
      await notifier.verifyRequest({ url, params: otherAccount, signature: signedOther }),
    ).toBe(false);
  });

  it('declares Twilio long-code rate limit and send_resolved by default', () => {
    const notifier = createSmsNotifier(configFor());
    expect(notifier.rateLimit).toEqual(TWILIO_LONG_CODE_RATE_LIMIT);
    expect(notifier.sendResolved).toBe(true);
    expect(createSmsNotifier(configFor({ send_resolved: 'no' })).sendResolved).toBe(false);
    expect(
      createSmsNotifier(configFor(), { rateLimit: { limit: 10, intervalMs: 1_000 } }).rateLimit,
    ).toEqual({ limit: 10, intervalMs: 1_000 });
  });

  it('never logs the token or full phone numbers', async () => {
    let calls = 0;
    twilio.answerWith(() => (++calls === 1 ? 'validate' : twilioError(500, 20500, 'boom')));
    const { notifier, lines } = await started(configFor());
    await send(notifier, plain());
    const text = lines.join('\n');
    expect(text).toContain('+1•••0100');
    expect(text).not.toContain('+15550100');
    expect(text).not.toContain(twilio.authToken);
  });
});
