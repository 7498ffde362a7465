import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import {
  createAttemptDeadline,
  deliveryFailure,
  formatDuration,
  parseConfigEntry,
  readTlsMaterial,
  runLoggedAttempt,
  systemClock,
  tlsConnectionOptions,
  tlsFiles,
} from '@phoenix-alerting/core';
import type {
  Clock,
  DeliveryResult,
  Notification,
  NotificationIncident,
  Notifier,
  NotifyOptions,
  PluginContext,
} from '@phoenix-alerting/core';
import { createTransport } from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { resultFromSmtpError } from './delivery-result.js';
import type { SmtpError } from './delivery-result.js';
import { emailConfigSchemaWith } from './email-config.js';
import type { EmailConfig, EmailConfigInput, SmtpGlobals } from './email-config.js';
import { buildIncidentMail, notificationMessageId } from './incident-mail.js';
import type { AckLinkOptions } from './incident-mail.js';
import { alertmanagerAuthHandlers } from './smtp-auth.js';
import { createRenderer } from './templates.js';
import type { NotificationTemplates } from './templates.js';

/** Settings that do not come from the `email_configs` entry. */
export interface EmailNotifierOptions {
  /** Alertmanager's `global.smtp_*` settings, the defaults of the entry. */
  global?: SmtpGlobals;
  /** `.ExternalURL` of the templates. Default `''`. */
  externalURL?: string;
  /** Default: Alertmanager's default templates (`@phoenix-alerting/template`). */
  templates?: NotificationTemplates;
  /** Signed acknowledge / resolve links in incident mails; none without it. */
  ackLinks?: AckLinkOptions;
  /** Most SMTP connections kept open at once. Default 5. */
  maxConnections?: number;
  /** Default: the pipeline's logger (from `start`), else silent. */
  logger?: Logger;
  /** Times the per-attempt timeout and the Date header. Default: the pipeline's clock. */
  clock?: Clock;
  /** Base of relative `*_file` paths. Default: the working directory. */
  configDir?: string;
}

/** Alertmanager's email integration: one mail per call, over pooled SMTP connections. */
export interface EmailNotifier extends Notifier {
  readonly name: 'email';
  readonly sendResolved: boolean;
  readonly config: Readonly<EmailConfig>;
  start(context: PluginContext): void;
  /** Closes the SMTP connections; later calls fail as `canceled`. Idempotent. */
  stop(): Promise<void>;
}

const silentLogger = pino({ enabled: false });

function addresses(text: string): string[] {
  return addressparser(text, { flatten: true })
    .map((entry) => ('address' in entry ? (entry.address ?? '') : ''))
    .filter((address) => address.includes('@'));
}

/**
 * Creates Alertmanager's email integration from an `email_configs` entry as written in YAML
 * (`options.global` supplies the `global.smtp_*` defaults). Throws a `ConfigError` naming every
 * bad setting, or unreadable TLS files.
 *
 * Plain notifications are rendered with the entry's templates (Alertmanager's `email.default.html`
 * and subject by default); incident notifications get an incident mail that threads with the
 * incident's earlier mails and carries signed acknowledge / resolve links.
 */
export function createEmailNotifier(
  input: EmailConfigInput,
  options: EmailNotifierOptions = {},
): EmailNotifier {
  const subject = 'email notifier config';
  const config = parseConfigEntry(emailConfigSchemaWith(options.global), input, subject);
  const configDir = options.configDir ?? process.cwd();
  const path = (file: string) => (isAbsolute(file) ? file : resolve(configDir, file));
  const render = createRenderer({ templates: options.templates, externalURL: options.externalURL });
  let clock = options.clock ?? systemClock;
  let logger = options.logger ?? silentLogger;
  let stopped = false;

  const tlsMaterial = readTlsMaterial(
    tlsFiles(config.tls_config, options.configDir),
    subject,
    'tls_config',
  );
  const tls: ConnectionOptions = {
    ...tlsConnectionOptions(config.tls_config, tlsMaterial),
    servername: config.tls_config.server_name || config.smarthost.host,
  };

  let transport: Transporter | undefined;
  let transportPassword: string | undefined;

  async function password(): Promise<string | undefined> {
    if (config.auth_password_file) {
      return (await readFile(path(config.auth_password_file), 'utf8')).trim();
    }
    return config.auth_password;
  }

  /** The pooled transport, rebuilt when the password file changed. */
  function transportFor(pass: string | undefined): Transporter {
    if (transport && pass === transportPassword) return transport;
    transport?.close();
    transportPassword = pass;
    const username = config.auth_username;
    // As Alertmanager: no username, no AUTH; otherwise its choice of mechanism (smtp-auth.ts).
    const auth = username
      ? {
          user: username,
          ...(pass && { pass }),
          ...(config.auth_secret && { secret: config.auth_secret }),
        }
      : undefined;
    const credentials = {
      username: username ?? '',
      password: pass,
      secret: config.auth_secret,
      identity: config.auth_identity,
    };
    transport = createTransport({
      pool: true,
      maxConnections: options.maxConnections ?? 5,
      // The pool would re-send a message whose connection dropped; the pipeline owns retries.
      maxRequeues: 0,
      host: config.smarthost.host,
      port: config.smarthost.port,
      // Port 465 speaks TLS from the first byte (Alertmanager does the same).
      secure: config.smarthost.port === 465,
      requireTLS: config.require_tls && config.smarthost.port !== 465,
      // Alertmanager upgrades with STARTTLS only when require_tls is set.
      ignoreTLS: !config.require_tls,
      name: config.hello,
      tls,
      ...(auth && { auth, customAuth: alertmanagerAuthHandlers(credentials) }),
      logger: false,
      debug: false,
    });
    return transport;
  }

  async function message(
    notification: Notification,
    idempotencyKey: string,
  ): Promise<SendMailOptions | DeliveryResult> {
    const now = clock.now();
    const templated = [config.from, config.to, config.headers.From ?? '', config.headers.To ?? ''];
    const needsTemplates = !notification.incident || templated.some((text) => text.includes('{{'));
    const tmpl = needsTemplates ? await render(notification) : undefined;
    const renderText = (template: string) => (tmpl ? tmpl.text(template) : template);
    const fromHeader = renderText(config.headers.From ?? config.from);
    const envelopeFrom = addresses(renderText(config.from))[0];
    if (!envelopeFrom)
      return deliveryFailure('client', false, "email: parse 'from' addresses: no address", []);
    const host = envelopeFrom.split('@')[1] || hostname();
    const extraHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(config.headers)) {
      if (name === 'Subject' || name === 'To' || name === 'From') continue;
      if (!tmpl && value.includes('{{')) continue;
      extraHeaders[name] = tmpl ? tmpl.text(value) : value;
    }

    if (notification.incident) {
      const incident = notification as Notification & { incident: NotificationIncident };
      const mail = buildIncidentMail(incident, { host, now, ack: options.ackLinks });
      const recipients = incident.incident.recipients
        .map((recipient) => recipient.email)
        .filter((email): email is string => Boolean(email));
      const to = recipients.length > 0 ? recipients : addresses(renderText(config.to));
      if (to.length === 0)
        return deliveryFailure('client', false, 'email: no recipient address', []);
      return {
        envelope: { from: envelopeFrom, to },
        from: fromHeader,
        to:
          recipients.length > 0
            ? recipients.join(', ')
            : renderText(config.headers.To ?? config.to),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId ?? notificationMessageId(idempotencyKey, host),
        ...(mail.inReplyTo && { inReplyTo: mail.inReplyTo, references: mail.references }),
        headers: extraHeaders,
        date: new Date(now),
      };
    }

    const set = tmpl!;
    const to = addresses(set.text(config.to));
    if (to.length === 0)
      return deliveryFailure('client', false, "email: parse 'to' addresses: no address", []);
    const html = set.html(config.html);
    const text = set.text(config.text);
    return {
      envelope: { from: envelopeFrom, to },
      from: fromHeader,
      to: set.text(config.headers.To ?? config.to),
      subject: set.text(config.headers.Subject ?? ''),
      ...(text && { text }),
      ...(html && { html }),
      messageId: notificationMessageId(idempotencyKey, host),
      headers: extraHeaders,
      date: new Date(now),
    };
  }

  async function attempt(
    notification: Notification,
    { signal, idempotencyKey }: NotifyOptions,
  ): Promise<DeliveryResult> {
    const canceled = () => deliveryFailure('canceled', false, 'email: delivery canceled', []);
    if (stopped) return deliveryFailure('canceled', false, 'email: notifier stopped', []);
    if (signal.aborted) return canceled();
    const secrets = [config.auth_password, config.auth_secret].filter((value): value is string =>
      Boolean(value),
    );
    let pass: string | undefined;
    try {
      pass = await password();
    } catch (error) {
      return deliveryFailure(
        'network',
        true,
        `email: unable to read auth_password_file: ${String(error)}`,
        secrets,
      );
    }
    if (pass) secrets.push(pass);
    let mail: SendMailOptions | DeliveryResult;
    try {
      mail = await message(notification, idempotencyKey);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return deliveryFailure(
        'client',
        false,
        `email: failed to template the message: ${why}`,
        secrets,
      );
    }
    if ('ok' in mail) return mail;
    if (signal.aborted) return canceled();

    const deadline = createAttemptDeadline(
      signal,
      clock,
      config.timeout,
      'email delivery timed out',
    );
    try {
      const info = (await transportFor(pass).sendMail({ ...mail, signal: deadline.signal })) as {
        rejected?: unknown[];
      };
      if (Array.isArray(info.rejected) && info.rejected.length > 0) {
        logger.warn(
          { receiver: notification.receiver, rejected: info.rejected.length },
          'email: some recipients were refused',
        );
      }
      return { ok: true };
    } catch (error) {
      if (deadline.timedOut) {
        return deliveryFailure(
          'timeout',
          true,
          `email: no answer within ${formatDuration(config.timeout)}`,
          [],
        );
      }
      if (signal.aborted) return canceled();
      const smtp = error as SmtpError;
      if (smtp.code === 'ETLS' && /STARTTLS/i.test(smtp.message ?? '') && config.require_tls) {
        // Alertmanager's wording; retried, as there.
        return deliveryFailure(
          'network',
          true,
          `email: 'require_tls' is true (default) but "${config.smarthost.host}:${config.smarthost.port}" does not advertise the STARTTLS extension`,
          secrets,
        );
      }
      return resultFromSmtpError(smtp, secrets);
    } finally {
      deadline.dispose();
    }
  }

  return {
    name: 'email',
    sendResolved: config.send_resolved,
    config,

    start(context) {
      clock = options.clock ?? context.clock;
      logger = options.logger ?? context.logger;
    },

    notify(notification, notifyOptions) {
      return runLoggedAttempt('email', { clock, logger }, notification, notifyOptions, () =>
        attempt(notification, notifyOptions),
      );
    },

    async stop() {
      stopped = true;
      transport?.close();
      transport = undefined;
    },
  };
}
