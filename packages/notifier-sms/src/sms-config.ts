// Phoenix's `sms_configs` entry (Twilio). Shaped like Alertmanager's receiver integrations:
// snake_case keys, a `_file` variant for the secret, `send_resolved`, a templated `text`, unknown
// keys rejected. Scalars are typed as Alertmanager's YAML library types them (core's yaml*
// schemas). Messages never quote a value: the bad value may be the auth token.
import {
  durationSchema,
  yamlBoolean,
  yamlInt,
  yamlOptional,
  yamlString,
} from '@phoenix-alerting/core';
import { z } from 'zod';

/** Twilio's REST API, where messages are sent unless `api_url` says otherwise. */
export const DEFAULT_TWILIO_API_URL = 'https://api.twilio.com';

/** The `text` used when none is configured: the `sms.default.text` template. */
export const DEFAULT_SMS_TEXT = '{{ template "sms.default.text" . }}';

/** Most segments one message may take when `max_segments` is not set. */
export const DEFAULT_MAX_SEGMENTS = 3;

/** Twilio refuses bodies over 1600 characters: ten GSM-7 segments (1530 septets) fit under it. */
const MAX_SEGMENTS_LIMIT = 10;

/** An `sms_configs` entry after validation and defaulting. */
export interface SmsConfig {
  /** Whether resolved-only notifications are sent. Default true. */
  send_resolved: boolean;
  /** The Twilio account, `AC` and 32 hex digits. */
  account_sid: string;
  /** Exactly one of `auth_token` and `auth_token_file` is set. */
  auth_token?: string;
  /** File holding the auth token, read (and trimmed) at every delivery. */
  auth_token_file?: string;
  /** Sender number (E.164); exactly one of `from` and `messaging_service_sid` is set. */
  from?: string;
  /** A Twilio Messaging Service (`MG…`) that picks the sender from its pool. */
  messaging_service_sid?: string;
  /** Numbers (E.164) of plain receiver notifications; incident pages go to the people paged. */
  to: string[];
  /** Go template of the message body. Default {@link DEFAULT_SMS_TEXT}. */
  text: string;
  /** Most segments per message; longer text is cut, keeping the link. Default 3. */
  max_segments: number;
  /** Base URL of Twilio's REST API (regional endpoint, test server). No trailing slash. */
  api_url: string;
  /** URL Twilio posts delivery status changes to. */
  status_callback?: string;
  /** Phoenix: how long one Twilio request may take, in ms (config: `10s`). 0: no limit. */
  timeout: number;
}

/** An `sms_configs` entry as written in the configuration file. */
export type SmsConfigInput = z.input<typeof smsConfigSchema>;

const E164 = /^\+[1-9][0-9]{1,14}$/;
const e164Message = 'must be an E.164 phone number: + and up to 15 digits, e.g. +15550100';

const phoneSchema = yamlString(z.string().regex(E164, e164Message));

function httpUrlSchema(what: string) {
  return yamlString().superRefine((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({ code: 'custom', message: `${what} must be an absolute http(s) URL` });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      context.addIssue({ code: 'custom', message: `${what} must use http or https` });
    } else if (url.username || url.password) {
      context.addIssue({ code: 'custom', message: `${what} must not contain credentials` });
    }
  });
}

const isObject = ({ value }: { value: unknown }) => typeof value === 'object' && value !== null;

/** Validates an `sms_configs` entry; durations become ms, defaults are filled in. */
export const smsConfigSchema = z
  .strictObject({
    send_resolved: yamlBoolean().optional(),
    account_sid: yamlString(
      z
        .string({ error: 'account_sid is required' })
        .regex(/^AC[0-9a-fA-F]{32}$/, 'account_sid must be AC followed by 32 hex digits'),
    ),
    auth_token: yamlOptional(yamlString(z.string().min(1, 'auth_token must not be empty'))),
    auth_token_file: yamlOptional(
      yamlString(z.string().min(1, 'auth_token_file must not be empty')),
    ),
    from: yamlOptional(phoneSchema),
    messaging_service_sid: yamlOptional(
      yamlString(
        z
          .string()
          .regex(
            /^MG[0-9a-fA-F]{32}$/,
            'messaging_service_sid must be MG followed by 32 hex digits',
          ),
      ),
    ),
    to: yamlOptional(z.union([phoneSchema, z.array(phoneSchema)])),
    text: yamlOptional(yamlString()),
    max_segments: yamlOptional(
      yamlInt(
        z
          .number({ error: 'max_segments must be a whole number of segments' })
          .int('max_segments must be a whole number of segments')
          .min(1, 'max_segments must be at least 1')
          .max(
            MAX_SEGMENTS_LIMIT,
            `max_segments must be at most ${MAX_SEGMENTS_LIMIT} (Twilio refuses bodies over 1600 characters)`,
          ),
      ),
    ),
    api_url: yamlOptional(httpUrlSchema('api_url')),
    status_callback: yamlOptional(httpUrlSchema('status_callback')),
    timeout: yamlOptional(durationSchema),
  })
  // Checked even when other settings are bad (`when`), so that one error lists every problem.
  .refine((config) => config.auth_token || config.auth_token_file, {
    message: 'one of auth_token or auth_token_file must be configured',
    when: isObject,
  })
  .refine((config) => !(config.auth_token && config.auth_token_file), {
    message: 'at most one of auth_token & auth_token_file must be configured',
    when: isObject,
  })
  .refine((config) => config.from || config.messaging_service_sid, {
    message: 'one of from or messaging_service_sid must be configured',
    when: isObject,
  })
  .refine((config) => !(config.from && config.messaging_service_sid), {
    message: 'at most one of from & messaging_service_sid must be configured',
    when: isObject,
  })
  .transform((config): SmsConfig => {
    const to = config.to === undefined ? [] : Array.isArray(config.to) ? config.to : [config.to];
    return {
      send_resolved: config.send_resolved ?? true,
      account_sid: config.account_sid,
      ...(config.auth_token
        ? { auth_token: config.auth_token }
        : { auth_token_file: config.auth_token_file }),
      ...(config.from
        ? { from: config.from }
        : { messaging_service_sid: config.messaging_service_sid }),
      to: [...new Set(to)],
      text: config.text || DEFAULT_SMS_TEXT,
      max_segments: config.max_segments ?? DEFAULT_MAX_SEGMENTS,
      api_url: (config.api_url ?? DEFAULT_TWILIO_API_URL).replace(/\/+$/, ''),
      ...(config.status_callback ? { status_callback: config.status_callback } : {}),
      timeout: config.timeout ?? 10_000,
    };
  });
