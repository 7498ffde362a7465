// The `server:` section of the configuration file: Phoenix's own settings for this server. The core
// schema accepts the section as a loose record; it is validated here, with YAML paths and lines.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, parseConfig } from '@phoenix-alerting/core';
import { z } from 'zod';

/** The `server:` section after validation, with defaults applied and secrets read. */
export interface ServerSettings {
  /** Largest request body accepted, in bytes (`max_request_bytes`). Default 10 MiB. */
  maxRequestBytes: number;
  /** Most alerts one `POST /api/v2/alerts` may carry (`max_alerts_per_request`). Default 10 000. */
  maxAlertsPerRequest: number;
  /** When set, write endpoints require `Authorization: Bearer <token>`. */
  bearerToken: string | undefined;
  /** `externalURL` of outgoing notifications (`external_url`), when configured. */
  externalURL: string | undefined;
  /** Secrets of the acknowledgement endpoints under `/api/phoenix/v1/integrations/`. */
  integrations: IntegrationSecrets;
}

/** `server.integrations`: how the two-way acknowledgement endpoints check who is calling. */
export interface IntegrationSecrets {
  /** Slack app signing secret: interactive button requests. */
  slackSigningSecret?: string;
  /** PagerDuty webhook v3 subscription secret: acknowledge/resolve done in PagerDuty. */
  pagerdutyWebhookSecret?: string;
  /** HMAC secret of the acknowledge/resolve links in incident mails (at least 16 characters). */
  ackLinkSecret?: string;
}

export const DEFAULT_MAX_REQUEST_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_ALERTS_PER_REQUEST = 10_000;

const units: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

// `10485760`, or with a unit: `512KiB`, `10MiB`, `1MB`.
const byteSizeSchema = z.union([z.number(), z.string()]).transform((value, context) => {
  const match =
    typeof value === 'number'
      ? ['', String(value), '']
      : /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const factor = match ? units[match[2]!.toLowerCase()] : undefined;
  const bytes = match && factor !== undefined ? Math.floor(Number(match[1]) * factor) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    context.addIssue({
      code: 'custom',
      message: 'expected a positive size in bytes, e.g. 10485760 or 10MiB',
    });
    return z.NEVER;
  }
  return bytes;
});

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === null ? undefined : value), schema.optional());

const authSchema = z
  .strictObject({
    bearer_token: optional(z.string().min(1, 'must not be empty')),
    bearer_token_file: optional(z.string().min(1, 'must not be empty')),
  })
  .refine((auth) => !(auth.bearer_token && auth.bearer_token_file), {
    message: 'at most one of bearer_token & bearer_token_file must be configured',
  })
  .refine((auth) => auth.bearer_token || auth.bearer_token_file, {
    message: 'one of bearer_token or bearer_token_file must be configured',
  });

/** The `server:` section as written in the configuration file. */
export const serverSectionSchema = z.strictObject({
  max_request_bytes: optional(byteSizeSchema),
  max_alerts_per_request: optional(
    z.number().int('must be a whole number').positive('must be positive'),
  ),
  external_url: optional(z.url({ protocol: /^https?$/, error: 'must be an http or https URL' })),
  auth: optional(authSchema),
});

const secretPair = (name: string, min = 1) => ({
  [name]: optional(z.string().min(min, `must be at least ${min} characters`)),
  [`${name}_file`]: optional(z.string().min(1, 'must not be empty')),
});

const integrationsSchema = z.strictObject({
  ...secretPair('slack_signing_secret'),
  ...secretPair('pagerduty_webhook_secret'),
  ...secretPair('ack_link_secret', 16),
});

const documentSchema = z.looseObject({
  server: optional(serverSectionSchema.extend({ integrations: optional(integrationsSchema) })),
});

/**
 * Validates the `server:` section of a configuration text (the rest is validated by core's
 * Alertmanager schema) and reads `bearer_token_file`, relative to the file's directory.
 *
 * @throws ConfigError naming each bad path (`server.auth.bearer_token_file: ...`).
 */
export function parseServerSettings(
  text: string,
  options: { file?: string; env?: Readonly<Record<string, string | undefined>> } = {},
): ServerSettings {
  const document = parseConfig(text, {
    schema: documentSchema,
    file: options.file,
    env: options.env,
    subject: 'server configuration',
  });
  const section = document.server ?? {};
  /** A secret given inline or in a file (relative to the configuration's directory). */
  const secret = (
    inline: string | undefined,
    file: string | undefined,
    path: string,
  ): string | undefined => {
    if (inline !== undefined && file !== undefined)
      throw new ConfigError(
        [
          {
            file: options.file,
            path,
            message: `at most one of ${path.split('.').pop()} and its _file variant`,
          },
        ],
        { subject: 'server configuration' },
      );
    if (file === undefined) return inline;
    const base = options.file === undefined ? process.cwd() : dirname(options.file);
    const resolved = isAbsolute(file) ? file : resolve(base, file);
    const fail = (message: string, cause?: unknown) =>
      new ConfigError([{ file: options.file, path: `${path}_file`, message }], {
        subject: 'server configuration',
        cause,
      });
    let value: string;
    try {
      value = readFileSync(resolved, 'utf8').trim();
    } catch (error) {
      throw fail(
        `cannot read ${resolved}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
        error,
      );
    }
    if (value === '') throw fail(`${resolved} is empty`);
    return value;
  };
  const bearerToken = secret(
    section.auth?.bearer_token,
    section.auth?.bearer_token_file,
    'server.auth.bearer_token',
  );
  const raw = (section.integrations ?? {}) as Record<string, string | undefined>;
  const integration = (name: string) =>
    secret(raw[name], raw[`${name}_file`], `server.integrations.${name}`);
  const integrations: IntegrationSecrets = {};
  const slack = integration('slack_signing_secret');
  if (slack) integrations.slackSigningSecret = slack;
  const pagerduty = integration('pagerduty_webhook_secret');
  if (pagerduty) integrations.pagerdutyWebhookSecret = pagerduty;
  const ack = integration('ack_link_secret');
  if (ack) integrations.ackLinkSecret = ack;
  return {
    maxRequestBytes: section.max_request_bytes ?? DEFAULT_MAX_REQUEST_BYTES,
    maxAlertsPerRequest: section.max_alerts_per_request ?? DEFAULT_MAX_ALERTS_PER_REQUEST,
    bearerToken,
    externalURL: section.external_url,
    integrations,
  };
}
