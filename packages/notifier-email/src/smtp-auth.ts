// Alertmanager's choice of SMTP AUTH mechanism (notify/email/email.go `auth`): the first mechanism
// the server advertises that the configuration has credentials for — CRAM-MD5 with `auth_secret`,
// PLAIN (with `auth_identity`) or LOGIN with the password — as nodemailer custom auth handlers,
// since nodemailer on its own takes the server's first mechanism whatever the credentials.
import { createHmac } from 'node:crypto';

export interface SmtpCredentials {
  username: string;
  password?: string | undefined;
  secret?: string | undefined;
  identity?: string | undefined;
}

interface Reply {
  status: number;
  text: string;
  response: string;
}

interface HandlerContext {
  authMethods: string[];
  sendCommand(command: string): Promise<Reply>;
}

/** The mechanism Alertmanager would use, or an error naming what the server offers. */
export function chooseMechanism(
  offered: readonly string[],
  credentials: SmtpCredentials,
): string | Error {
  for (const mechanism of offered.map((name) => name.toUpperCase())) {
    if (mechanism === 'CRAM-MD5' && credentials.secret) return mechanism;
    if ((mechanism === 'PLAIN' || mechanism === 'LOGIN') && credentials.password) return mechanism;
  }
  return new Error(`unknown auth mechanism: ${offered.join(' ')}`);
}

function refused(reply: Reply): Error {
  return Object.assign(new Error(`Invalid login: ${reply.response}`), {
    responseCode: reply.status,
  });
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

async function authenticate(
  { authMethods, sendCommand }: HandlerContext,
  credentials: SmtpCredentials,
): Promise<void> {
  const mechanism = chooseMechanism(authMethods, credentials);
  if (mechanism instanceof Error) throw mechanism;
  const { username, password = '', secret = '', identity = '' } = credentials;
  let reply: Reply;
  if (mechanism === 'PLAIN') {
    reply = await sendCommand(`AUTH PLAIN ${b64(`${identity}\0${username}\0${password}`)}`);
  } else if (mechanism === 'LOGIN') {
    reply = await sendCommand('AUTH LOGIN');
    if (reply.status === 334) reply = await sendCommand(b64(username));
    if (reply.status === 334) reply = await sendCommand(b64(password));
  } else {
    reply = await sendCommand('AUTH CRAM-MD5');
    if (reply.status === 334) {
      const challenge = Buffer.from(reply.text.trim(), 'base64').toString('utf8');
      const digest = createHmac('md5', secret).update(challenge).digest('hex');
      reply = await sendCommand(b64(`${username} ${digest}`));
    }
  }
  if (reply.status !== 235) throw refused(reply);
}

const MECHANISMS = [
  'PLAIN',
  'LOGIN',
  'CRAM-MD5',
  'DIGEST-MD5',
  'NTLM',
  'GSSAPI',
  'SCRAM-SHA-1',
  'SCRAM-SHA-256',
];

/**
 * nodemailer `customAuth` handlers for whichever mechanism the server lists first; each runs
 * Alertmanager's choice over the whole list.
 */
export function alertmanagerAuthHandlers(credentials: SmtpCredentials) {
  const handler = (context: HandlerContext) => authenticate(context, credentials);
  return Object.fromEntries(MECHANISMS.map((mechanism) => [mechanism, handler]));
}
