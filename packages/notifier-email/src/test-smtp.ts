// A real SMTP server on 127.0.0.1 (the smtp-server package) for the tests: with or without
// STARTTLS and AUTH, with a self-signed certificate made by core's test kit, keeping
// every message it accepts parsed by mailparser; it can refuse with any reply code, or stall.
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createSelfSignedCertificate } from '@phoenix-alerting/core/testing';
import type { SelfSignedCertificate } from '@phoenix-alerting/core/testing';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerOptions } from 'smtp-server';

let certificate: SelfSignedCertificate | undefined;

/** A self-signed certificate for 127.0.0.1 / localhost (made once per test file). */
export function selfSignedCertificate(): SelfSignedCertificate {
  certificate ??= createSelfSignedCertificate();
  return certificate;
}

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
  /** Whether the session was encrypted (STARTTLS or implicit TLS). */
  secure: boolean;
  /** The user who logged in, and with which method. */
  user?: string;
  authMethod?: string;
}

/** How the server answers the next transaction instead of accepting it. */
export type Refusal =
  { at: 'mail' | 'rcpt' | 'data'; code: number; message?: string } | { at: 'data'; hang: true };

export interface TestSmtpServer {
  port: number;
  /** `127.0.0.1:<port>`, for `smarthost`. */
  smarthost: string;
  mails: ReceivedMail[];
  /** Resolves with the next accepted mail. */
  nextMail(): Promise<ReceivedMail>;
  /** Answers the next transactions with these refusals, in order. */
  refuse(...refusals: Refusal[]): void;
  /** Resolves when a DATA command has been received (for stalls). */
  nextData(): Promise<void>;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Offer STARTTLS (with the self-signed certificate). Default false. */
  starttls?: boolean;
  /** Implicit TLS from the first byte (SMTPS). Default false. */
  secure?: boolean;
  /** Require AUTH with these credentials. */
  users?: Record<string, string>;
  /** AUTH mechanisms offered. Default PLAIN, LOGIN. */
  authMethods?: string[];
  /** Announce this name in the greeting. */
  name?: string;
}

export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  const waiting: ((mail: ReceivedMail) => void)[] = [];
  const dataWaiting: (() => void)[] = [];
  const refusals: Refusal[] = [];
  let current: Refusal | undefined;
  const tls = options.starttls || options.secure ? selfSignedCertificate() : undefined;
  const fail = (code: number, message: string) =>
    Object.assign(new Error(message), { responseCode: code });

  const serverOptions: SMTPServerOptions = {
    name: options.name ?? 'smtp.test',
    secure: options.secure ?? false,
    ...(tls && { key: tls.key, cert: tls.cert }),
    disabledCommands: [
      ...(options.starttls || options.secure ? [] : ['STARTTLS']),
      ...(options.users ? [] : ['AUTH']),
    ],
    authOptional: !options.users,
    allowInsecureAuth: true,
    authMethods: options.authMethods ?? ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      const expected = options.users?.[auth.username ?? ''];
      const valid =
        expected !== undefined &&
        (auth.method === 'CRAM-MD5' ? auth.validatePassword(expected) : auth.password === expected);
      if (valid) {
        callback(null, { user: `${auth.username}|${auth.method}` });
      } else {
        callback(fail(535, 'Authentication credentials invalid'));
      }
    },
    onMailFrom(_address, _session, callback) {
      current = refusals.shift();
      if (current?.at === 'mail' && 'code' in current) {
        return callback(fail(current.code, current.message ?? 'refused'));
      }
      callback();
    },
    onRcptTo(_address, _session, callback) {
      if (current?.at === 'rcpt' && 'code' in current) {
        return callback(fail(current.code, current.message ?? 'refused'));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        dataWaiting.shift()?.();
        if (current?.at === 'data') {
          if ('hang' in current) return;
          return callback(fail(current.code, current.message ?? 'refused'));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then((parsed) => {
          const user = typeof session.user === 'string' ? session.user.split('|') : [];
          const mail: ReceivedMail = {
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
            raw,
            parsed,
            secure: session.secure,
            ...(user[0] && { user: user[0], authMethod: user[1] }),
          };
          mails.push(mail);
          callback();
          waiting.shift()?.(mail);
        });
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  server.on('error', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    smarthost: `127.0.0.1:${port}`,
    mails,
    nextMail: () => new Promise((resolve) => waiting.push(resolve)),
    nextData: () => new Promise((resolve) => dataWaiting.push(resolve)),
    refuse(...next) {
      refusals.push(...next);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of (server as unknown as { connections: Set<{ close(): void }> })
          .connections ?? []) {
          connection.close();
        }
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
