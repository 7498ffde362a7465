import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { NotificationIncident } from '@phoenix-alerting/core';
import { buildAlert, buildNotification, FakeClock } from '@phoenix-alerting/core/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAckToken } from './ack-token.js';
import { createEmailNotifier } from './email-notifier.js';
import type { EmailNotifier } from './email-notifier.js';
import { closedPort, selfSignedCertificate, startSmtpServer } from './test-smtp.js';
import type { TestSmtpServer } from './test-smtp.js';

const ACK_SECRET = 'ack-secret-0123456789abcdef';
const NOW = Date.UTC(2024, 0, 1, 12);

function incidentNotification(overrides: Partial<NotificationIncident> = {}) {
  return buildNotification(
    [
      buildAlert({
        labels: { alertname: 'DatabaseDown', instance: 'db-1', team: 'platform' },
        annotations: {
          summary: 'Primary <db-1> unreachable',
          runbook_url: 'https://runbooks.example.com/db',
        },
      }),
    ],
    {
      incident: {
        id: 'inc-42',
        number: 42,
        title: 'Database down',
        severity: 'critical',
        status: 'new',
        event: 'triggered',
        level: 1,
        recipients: [
          { name: 'alice', email: 'alice@example.com' },
          { name: 'bob', email: 'bob@example.com' },
        ],
        url: 'https://phoenix.example.com/incidents/inc-42',
        ...overrides,
      },
    },
  );
}

let servers: TestSmtpServer[] = [];
let notifiers: EmailNotifier[] = [];
afterEach(async () => {
  await Promise.all(notifiers.map((notifier) => notifier.stop()));
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  notifiers = [];
});

async function setup(
  serverOptions: Parameters<typeof startSmtpServer>[0] = {},
  config: Record<string, unknown> = {},
  options: Parameters<typeof createEmailNotifier>[1] = {},
) {
  const server = await startSmtpServer(serverOptions);
  servers.push(server);
  const notifier = createEmailNotifier(
    {
      to: 'oncall@example.com',
      from: 'Phoenix <phoenix@alerts.example.com>',
      smarthost: server.smarthost,
      require_tls: false,
      ...config,
    },
    {
      clock: new FakeClock(NOW),
      ackLinks: {
        baseURL: 'https://phoenix.example.com/api/phoenix/v1/email-ack',
        secret: ACK_SECRET,
      },
      ...options,
    },
  );
  notifiers.push(notifier);
  return { server, notifier };
}

const send = (
  notifier: EmailNotifier,
  notification = incidentNotification(),
  key = 'idem-1',
  signal = new AbortController().signal,
) => notifier.notify(notification, { signal, attempt: 1, idempotencyKey: key });

describe('incident mails', () => {
  it('sends the first mail of an incident with its thread id, text and HTML, and signed links', async () => {
    const { server, notifier } = await setup();
    const received = server.nextMail();
    expect(await send(notifier)).toEqual({ ok: true });
    const mail = await received;
    expect(mail.envelope).toEqual({
      from: 'phoenix@alerts.example.com',
      to: ['alice@example.com', 'bob@example.com'],
    });
    const { parsed } = mail;
    expect(parsed.subject).toBe('[CRITICAL] Incident #42: Database down');
    expect(parsed.messageId).toBe('<incident-inc-42@alerts.example.com>');
    expect(parsed.inReplyTo).toBeUndefined();
    expect(parsed.from?.value).toEqual([
      { name: 'Phoenix', address: 'phoenix@alerts.example.com' },
    ]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '').toBe(
      'alice@example.com, bob@example.com',
    );
    expect(parsed.date?.getTime()).toBe(NOW);
    expect(parsed.text).toContain('Incident #42 triggered: Database down');
    expect(parsed.text).toContain('Paged: alice, bob');
    expect(parsed.html).toContain('Primary &lt;db-1&gt; unreachable');
    expect(parsed.html).toContain('href="https://runbooks.example.com/db"');

    const links = [...(parsed.text ?? '').matchAll(/^(Acknowledge|Resolve): (\S+)$/gm)];
    expect(links.map((match) => match[1])).toEqual(['Acknowledge', 'Resolve']);
    for (const [, label, url] of links) {
      const parsedUrl = new URL(url!);
      expect(parsedUrl.origin + parsedUrl.pathname).toBe(
        'https://phoenix.example.com/api/phoenix/v1/email-ack',
      );
      const claims = verifyAckToken({
        secret: ACK_SECRET,
        token: parsedUrl.searchParams.get('token')!,
        now: NOW,
      });
      expect(claims).toEqual({
        incidentId: 'inc-42',
        action: label === 'Acknowledge' ? 'acknowledge' : 'resolve',
        expiresAt: NOW + 24 * 3_600_000,
      });
      expect(parsed.html).toContain(url!.replace(/&/g, '&amp;'));
    }
  });

  it('threads later mails under the first one, with a Message-ID that is stable across attempts', async () => {
    const { server, notifier } = await setup();
    const escalated = incidentNotification({ event: 'escalated', level: 2 });
    expect((await send(notifier, escalated, 'idem-escalated')).ok).toBe(true);
    expect((await send(notifier, escalated, 'idem-escalated')).ok).toBe(true);
    const resolved = incidentNotification({ event: 'resolved', status: 'resolved', level: 0 });
    expect((await send(notifier, resolved, 'idem-resolved')).ok).toBe(true);
    await expect.poll(() => server.mails.length).toBe(3);
    const [first, retry, last] = server.mails.map((mail) => mail.parsed);
    for (const mail of [first, retry, last]) {
      expect(mail!.inReplyTo).toBe('<incident-inc-42@alerts.example.com>');
      expect(mail!.references).toBe('<incident-inc-42@alerts.example.com>');
      expect(mail!.subject).toBe('[CRITICAL] Incident #42: Database down');
    }
    expect(first!.messageId).toBe('<idem-escalated@alerts.example.com>');
    expect(retry!.messageId).toBe(first!.messageId);
    expect(last!.messageId).toBe('<idem-resolved@alerts.example.com>');
    expect(last!.text).not.toMatch(/Acknowledge:|Resolve:/);
  });

  it('logs in with PLAIN over STARTTLS, verifying the server against tls_config.ca_file', async () => {
    const { server, notifier } = await setup(
      { starttls: true, users: { alerts: 'smtp-pa55word' } },
      {
        require_tls: true,
        auth_username: 'alerts',
        auth_password: 'smtp-pa55word',
        tls_config: { ca_file: selfSignedCertificate().certFile, server_name: 'localhost' },
      },
    );
    expect(await send(notifier)).toEqual({ ok: true });
    expect(server.mails[0]).toMatchObject({ secure: true, user: 'alerts', authMethod: 'PLAIN' });
  });

  it('logs in with LOGIN when that is all the server offers', async () => {
    const { server, notifier } = await setup(
      { users: { alerts: 'smtp-pa55word' }, authMethods: ['LOGIN'] },
      { auth_username: 'alerts', auth_password: 'smtp-pa55word' },
    );
    expect(await send(notifier)).toEqual({ ok: true });
    expect(server.mails[0]).toMatchObject({ secure: false, user: 'alerts', authMethod: 'LOGIN' });
  });

  it('picks the AUTH mechanism as Alertmanager does: the first offered it has credentials for', async () => {
    const offered = ['CRAM-MD5', 'PLAIN', 'LOGIN'];
    const withPassword = await setup(
      { users: { alerts: 'pa55' }, authMethods: offered },
      { auth_username: 'alerts', auth_password: 'pa55', auth_identity: 'alerts' },
    );
    expect(await send(withPassword.notifier)).toEqual({ ok: true });
    expect(withPassword.server.mails[0]).toMatchObject({ user: 'alerts', authMethod: 'PLAIN' });

    const withSecret = await setup(
      { users: { alerts: 'cram-s3cret' }, authMethods: offered },
      { auth_username: 'alerts', auth_secret: 'cram-s3cret' },
    );
    expect(await send(withSecret.notifier)).toEqual({ ok: true });
    expect(withSecret.server.mails[0]).toMatchObject({ user: 'alerts', authMethod: 'CRAM-MD5' });

    const nothingFits = await setup(
      { users: { alerts: 'pa55' }, authMethods: ['CRAM-MD5'] },
      { auth_username: 'alerts', auth_password: 'pa55' },
    );
    expect(await send(nothingFits.notifier)).toMatchObject({
      ok: false,
      reason: 'auth',
      retryable: false,
      message: expect.stringContaining('unknown auth mechanism: CRAM-MD5'),
    });
  });

  it("refuses to send in the clear when require_tls is set, in Alertmanager's words", async () => {
    const { server, notifier } = await setup({}, { require_tls: true });
    const result = await send(notifier);
    expect(result).toEqual({
      ok: false,
      retryable: true,
      reason: 'network',
      message: `email: 'require_tls' is true (default) but "127.0.0.1:${server.port}" does not advertise the STARTTLS extension`,
    });
    expect(server.mails).toHaveLength(0);
  });

  it('uses the global smtp_* defaults', async () => {
    const server = await startSmtpServer({ users: { globaluser: 'gl0bal-pass' } });
    servers.push(server);
    const notifier = createEmailNotifier(
      { to: 'oncall@example.com' },
      {
        global: {
          smtp_smarthost: server.smarthost,
          smtp_from: 'global@alerts.example.com',
          smtp_auth_username: 'globaluser',
          smtp_auth_password: 'gl0bal-pass',
          smtp_require_tls: false,
          smtp_hello: 'phoenix.example.com',
        },
      },
    );
    notifiers.push(notifier);
    expect(notifier.config).toMatchObject({
      hello: 'phoenix.example.com',
      require_tls: false,
      send_resolved: false,
    });
    expect(await send(notifier)).toEqual({ ok: true });
    expect(server.mails[0]).toMatchObject({
      envelope: { from: 'global@alerts.example.com' },
      user: 'globaluser',
    });
  });
});

describe('SMTP outcomes', () => {
  it('a refused login (535) is an auth failure, not retried, without the password', async () => {
    const { notifier } = await setup(
      { users: { alerts: 'right' } },
      { auth_username: 'alerts', auth_password: 'wr0ng-pa55word' },
    );
    const result = await send(notifier);
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'auth', statusCode: 535 });
    expect(JSON.stringify(result)).not.toContain('wr0ng-pa55word');
  });

  it('a 421 is retryable, a 550 is not', async () => {
    const { server, notifier } = await setup();
    server.refuse({ at: 'mail', code: 421, message: 'Service not available, try later' });
    expect(await send(notifier)).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'server',
      statusCode: 421,
    });
    server.refuse({ at: 'rcpt', code: 550, message: 'Mailbox unavailable' });
    expect(await send(notifier)).toMatchObject({
      ok: false,
      retryable: false,
      reason: 'client',
      statusCode: 550,
    });
    server.refuse({ at: 'data', code: 451, message: 'Local error' });
    expect(await send(notifier)).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'server',
      statusCode: 451,
    });
    // The pool recovers: the next mail goes through.
    expect(await send(notifier)).toEqual({ ok: true });
  });

  it('makes one SMTP transaction per call, even when the connection drops mid-message', async () => {
    const { createServer } = await import('node:net');
    let dataCommands = 0;
    const dropping = createServer((socket) => {
      socket.write('220 dropping.test ESMTP\r\n');
      let inData = false;
      socket.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\r\n').filter(Boolean)) {
          if (inData) {
            if (line === '.') socket.destroy();
            continue;
          }
          const verb = line.slice(0, 4).toUpperCase();
          if (verb === 'EHLO') socket.write('250-dropping.test\r\n250 8BITMIME\r\n');
          else if (verb === 'DATA') {
            dataCommands++;
            inData = true;
            socket.write('354 go ahead\r\n');
          } else if (verb === 'QUIT') socket.end('221 bye\r\n');
          else socket.write('250 OK\r\n');
        }
      });
    });
    dropping.listen(0, '127.0.0.1');
    await new Promise((resolve) => dropping.once('listening', resolve));
    const { port } = dropping.address() as AddressInfo;
    const notifier = createEmailNotifier({
      to: 'a@example.com',
      from: 'b@example.com',
      smarthost: `127.0.0.1:${port}`,
      require_tls: false,
    });
    notifiers.push(notifier);
    expect(await send(notifier)).toMatchObject({ ok: false, retryable: true, reason: 'network' });
    expect(dataCommands).toBe(1);
    dropping.close();
  });

  it('a refused connection is a retryable network failure', async () => {
    const port = await closedPort();
    const notifier = createEmailNotifier({
      to: 'a@example.com',
      from: 'b@example.com',
      smarthost: `127.0.0.1:${port}`,
      require_tls: false,
    });
    notifiers.push(notifier);
    expect(await send(notifier)).toMatchObject({ ok: false, retryable: true, reason: 'network' });
  });

  it('times out on the clock when the server stalls, and gives up at once when aborted', async () => {
    const clock = new FakeClock(NOW);
    const { server, notifier } = await setup({}, { timeout: '20s' }, { clock });
    server.refuse({ at: 'data', hang: true });
    const data = server.nextData();
    const pending = send(notifier);
    await data;
    await clock.advance(20_000);
    expect(await pending).toEqual({
      ok: false,
      retryable: true,
      reason: 'timeout',
      message: 'email: no answer within 20s',
    });

    server.refuse({ at: 'data', hang: true });
    const controller = new AbortController();
    const stalled = server.nextData();
    const aborted = send(notifier, incidentNotification(), 'idem-2', controller.signal);
    await stalled;
    controller.abort(new Error('shutting down'));
    expect(await aborted).toMatchObject({ ok: false, retryable: false, reason: 'canceled' });

    const before = server.mails.length;
    expect(
      await send(notifier, incidentNotification(), 'idem-3', AbortSignal.abort()),
    ).toMatchObject({ reason: 'canceled' });
    expect(server.mails.length).toBe(before);
    expect(await send(notifier)).toEqual({ ok: true });
  });

  it('keeps passwords out of every message and log line, and can be stopped twice', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'trace' },
      new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }),
    );
    const { server, notifier } = await setup(
      { users: { alerts: 'right-one' } },
      { auth_username: 'alerts', auth_password: 'l3aky-pa55word' },
      { logger },
    );
    const messages: string[] = [];
    const collect = (result: Awaited<ReturnType<typeof send>>) => {
      if (!result.ok) messages.push(result.message);
    };
    collect(await send(notifier));
    server.refuse({ at: 'mail', code: 421 });
    collect(await send(notifier));
    expect(messages.length).toBeGreaterThanOrEqual(1);
    for (const text of [...lines, ...messages]) expect(text).not.toContain('l3aky-pa55word');
    await notifier.stop();
    await notifier.stop();
    expect(await send(notifier)).toMatchObject({ ok: false, reason: 'canceled' });
  });

  it('reads auth_password_file at each attempt, retrying while it is unreadable', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'smtp-pass-'));
    const { server, notifier } = await setup(
      { users: { alerts: 'from-file' } },
      { auth_username: 'alerts', auth_password_file: 'pass.txt' },
      { configDir: dir },
    );
    expect(await send(notifier)).toMatchObject({ ok: false, retryable: true, reason: 'network' });
    writeFileSync(join(dir, 'pass.txt'), 'from-file\n');
    expect(await send(notifier)).toEqual({ ok: true });
    expect(server.mails[0]!.user).toBe('alerts');
  });
});
