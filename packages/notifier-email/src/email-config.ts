// Alertmanager 0.25's `email_configs` entry (config/notifiers.go EmailConfig) with its defaults,
// its checks and the `global.smtp_*` defaults it takes (config/config.go), plus Phoenix's `timeout`.
import {
  durationSchema,
  tlsConfigSchema,
  yamlBoolean,
  yamlOptional,
  yamlString,
} from '@phoenix-alerting/core';
import type { TlsConfig } from '@phoenix-alerting/core';
import { z } from 'zod';

/** Alertmanager's default templates of an email entry. */
export const emailDefaults = {
  html: '{{ template "email.default.html" . }}',
  text: '',
  subject: '{{ template "email.default.subject" . }}',
} as const;

/** The `global.smtp_*` settings an entry falls back to (core's `GlobalConfig` fits). */
export interface SmtpGlobals {
  smtp_from?: string | undefined;
  smtp_hello?: string | undefined;
  smtp_smarthost?: string | undefined;
  smtp_auth_username?: string | undefined;
  smtp_auth_password?: string | undefined;
  smtp_auth_password_file?: string | undefined;
  smtp_auth_secret?: string | undefined;
  smtp_auth_identity?: string | undefined;
  smtp_require_tls?: boolean | undefined;
}

/** An `email_configs` entry after validation and the global defaults. Text fields are templates. */
export interface EmailConfig {
  /** Default false, as Alertmanager. */
  send_resolved: boolean;
  /** Recipients (template), comma-separated addresses. */
  to: string;
  /** Sender (template). */
  from: string;
  /** Name sent in EHLO/HELO. Default `localhost`. */
  hello: string;
  /** `host:port` of the SMTP server; port 465 speaks TLS from the start. */
  smarthost: { host: string; port: number };
  auth_username?: string;
  auth_password?: string;
  auth_password_file?: string;
  /** CRAM-MD5 secret. */
  auth_secret?: string;
  auth_identity?: string;
  /** Headers (templates) by canonical name; `Subject`, `To` and `From` always present. */
  headers: Record<string, string>;
  html: string;
  text: string;
  /** STARTTLS is required (default, from `global.smtp_require_tls`: true); false never upgrades. */
  require_tls: boolean;
  tls_config: TlsConfig;
  /** Phoenix: how long one attempt may take, in ms (config: `30s`). 0: no limit. Default 30s. */
  timeout: number;
}

export type EmailConfigInput = z.input<typeof emailConfigSchema>;

const text = () => yamlOptional(yamlString());

/** Go's `strings.Title` as Alertmanager applies it to header names: `reply-to` → `Reply-To`. */
export function canonicalHeader(name: string): string {
  return name.replace(
    /(^|[^A-Za-z0-9_])([a-z])/g,
    (_, before: string, letter: string) => before + letter.toUpperCase(),
  );
}

/** `host:port`, as Go's net.SplitHostPort. */
export function parseHostPort(value: string): { host: string; port: number } | string {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value);
  if (!match) return `address ${value}: missing port in address`;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return `address ${value}: invalid port`;
  return { host: match[1] ?? match[2] ?? '', port };
}

/**
 * Validates an `email_configs` entry. `global` holds the `global.smtp_*` settings that fill what
 * the entry leaves out, as Alertmanager does when it loads its configuration.
 */
export function emailConfigSchemaWith(global: SmtpGlobals = {}) {
  return z
    .strictObject({
      send_resolved: yamlBoolean().optional(),
      to: text(),
      from: text(),
      hello: text(),
      smarthost: text(),
      auth_username: text(),
      auth_password: text(),
      auth_password_file: text(),
      auth_secret: text(),
      auth_identity: text(),
      headers: yamlOptional(z.record(z.string(), yamlString())),
      html: text(),
      text: text(),
      require_tls: yamlBoolean().optional(),
      tls_config: yamlOptional(tlsConfigSchema),
      timeout: yamlOptional(durationSchema),
    })
    .superRefine((c, context) => {
      const issue = (message: string, path: string[] = []) =>
        context.addIssue({ code: 'custom', message, path });
      if (!c.to) issue('missing to address in email config', ['to']);
      const seen = new Set<string>();
      for (const name of Object.keys(c.headers ?? {})) {
        const canonical = canonicalHeader(name);
        if (seen.has(canonical))
          issue(`duplicate header "${canonical}" in email config`, ['headers']);
        seen.add(canonical);
      }
      const smarthost = c.smarthost || global.smtp_smarthost;
      if (!smarthost) issue('no global SMTP smarthost set', ['smarthost']);
      else {
        const parsed = parseHostPort(smarthost);
        if (typeof parsed === 'string') issue(parsed, ['smarthost']);
      }
      if (!c.from && !global.smtp_from) issue('no global mail from address set', ['from']);
      if (c.auth_password && c.auth_password_file) {
        issue('at most one of auth_password & auth_password_file must be configured');
      }
    })
    .transform((c): EmailConfig => {
      const to = c.to ?? '';
      const from = c.from || global.smtp_from || '';
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(c.headers ?? {}))
        headers[canonicalHeader(name)] = value;
      headers.Subject ??= emailDefaults.subject;
      headers.To ??= to;
      headers.From ??= from;
      const usePasswordFromGlobal = !c.auth_password && !c.auth_password_file;
      const config: EmailConfig = {
        send_resolved: c.send_resolved ?? false,
        to,
        from,
        hello: c.hello || global.smtp_hello || 'localhost',
        smarthost: parseHostPort(
          c.smarthost || global.smtp_smarthost || '',
        ) as EmailConfig['smarthost'],
        headers,
        html: c.html ?? emailDefaults.html,
        text: c.text ?? emailDefaults.text,
        require_tls: c.require_tls ?? global.smtp_require_tls ?? true,
        tls_config: c.tls_config ?? { insecure_skip_verify: false },
        timeout: c.timeout ?? 30_000,
      };
      const optionalFields = {
        auth_username: c.auth_username || global.smtp_auth_username,
        auth_password: usePasswordFromGlobal ? global.smtp_auth_password : c.auth_password,
        auth_password_file: usePasswordFromGlobal
          ? global.smtp_auth_password_file
          : c.auth_password_file,
        auth_secret: c.auth_secret || global.smtp_auth_secret,
        auth_identity: c.auth_identity || global.smtp_auth_identity,
      };
      for (const [key, value] of Object.entries(optionalFields)) {
        if (value) (config as unknown as Record<string, string>)[key] = value;
      }
      return config;
    });
}

/** Validates an `email_configs` entry without global defaults (it must name smarthost and from). */
export const emailConfigSchema = emailConfigSchemaWith();
