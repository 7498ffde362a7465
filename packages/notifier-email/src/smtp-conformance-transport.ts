// SMTP for core's transport-neutral notifier conformance suite: a real smtp-server on 127.0.0.1
// whose answers are SMTP replies at a stage of the transaction (AUTH, MAIL, RCPT, DATA), and the
// SMTP retry table: transient 4xx, permanent 5xx, refused logins.
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { DeliveryFailureReason } from '@phoenix-alerting/core';
import { SMTPServer } from 'smtp-server';

/** How the peer answers a transaction: accept it, or refuse it with `code` at `stage`. */
export type SmtpAnswer =
  'accept' | { stage: 'auth' | 'mail' | 'rcpt' | 'data'; code: number; message: string };

/** The parts of core's `ConformancePeer` this peer implements. */
export interface SmtpPeer {
  url: string;
  readonly received: number;
  nextDelivery(): Promise<void>;
  answer(answer: SmtpAnswer | 'hang'): void;
  close(): Promise<void>;
}

/**
 * Starts the peer. A delivery is counted when a transaction begins (MAIL FROM), or when a login is
 * refused (which ends it before MAIL FROM). AUTH is offered and any credentials are accepted
 * unless the answer refuses at `auth`; `'hang'` stalls at MAIL FROM until the client gives up.
 */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  let answer: SmtpAnswer | 'hang' = 'accept';
  let received = 0;
  const waiting: (() => void)[] = [];
  const delivered = () => {
    received++;
    waiting.shift()?.();
  };
  const refuse = (stage: string) =>
    typeof answer === 'object' && answer.stage === stage
      ? Object.assign(new Error(answer.message), { responseCode: answer.code })
      : undefined;
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(_auth, _session, callback) {
      const error = refuse('auth');
      if (error) {
        delivered();
        return callback(error);
      }
      callback(null, { user: 'conformance' });
    },
    onMailFrom(_address, _session, callback) {
      delivered();
      if (answer === 'hang') return;
      callback(refuse('mail') ?? null);
    },
    onRcptTo(_address, _session, callback) {
      callback(refuse('rcpt') ?? null);
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback(refuse('data') ?? null));
    },
  });
  server.on('error', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    get received() {
      return received;
    },
    nextDelivery: () => new Promise<void>((resolve) => waiting.push(resolve)),
    answer(next) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        const connections = (server as unknown as { connections?: Set<{ close(): void }> })
          .connections;
        for (const connection of connections ?? []) connection.close();
        server.close(() => resolve());
      }),
  };
}

interface FailureRow {
  name: string;
  answer: SmtpAnswer;
  expected: { retryable: boolean; reason: DeliveryFailureReason; statusCode?: number };
}

const row = (
  stage: 'auth' | 'mail' | 'rcpt' | 'data',
  code: number,
  message: string,
  reason: DeliveryFailureReason,
  retryable: boolean,
): FailureRow => ({
  name: `reports ${code} at ${stage.toUpperCase()} as ${retryable ? 'a retryable' : 'a final'} ${reason} failure, after one delivery`,
  answer: { stage, code, message },
  expected: { retryable, reason, statusCode: code },
});

/** SMTP as a `ConformanceTransport` of core's suite (RFC 5321 reply classes). */
export const smtpConformanceTransport = {
  start: startSmtpPeer,
  success: 'accept' as SmtpAnswer,
  async refusedUrl(): Promise<string> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `smtp://127.0.0.1:${port}`;
  },
  failures: [
    row('mail', 421, 'Service not available, closing channel', 'server', true),
    row('mail', 451, 'Local error in processing', 'server', true),
    row('rcpt', 450, 'Mailbox busy', 'server', true),
    row('rcpt', 452, 'Insufficient system storage', 'server', true),
    row('data', 451, 'Try again later', 'server', true),
    row('rcpt', 550, 'Mailbox unavailable', 'client', false),
    row('rcpt', 553, 'Mailbox name not allowed', 'client', false),
    row('data', 554, 'Transaction failed', 'client', false),
    row('auth', 535, 'Authentication credentials invalid', 'auth', false),
  ],
};
