import { ConfigError, parseAlertmanagerConfig } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SMS_TEXT, smsConfigSchema } from './sms-config.js';
import { createSmsNotifier } from './sms-notifier.js';

const sid = `AC${'0123456789abcdef'.repeat(2)}`;
const minimal = { account_sid: sid, auth_token: 'tok-secret-value', from: '+15550001' };

function errorOf(input: unknown): ConfigError {
  try {
    createSmsNotifier(input as never);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('smsConfigSchema', () => {
  it('fills in the defaults', () => {
    expect(smsConfigSchema.parse(minimal)).toEqual({
      send_resolved: true,
      account_sid: sid,
      auth_token: 'tok-secret-value',
      from: '+15550001',
      to: [],
      text: DEFAULT_SMS_TEXT,
      max_segments: 3,
      api_url: 'https://api.twilio.com',
      timeout: 10_000,
    });
  });

  it('takes every field, `to` as one number or a list, YAML scalars as Alertmanager types them', () => {
    expect(
      smsConfigSchema.parse({
        send_resolved: 'no',
        account_sid: sid,
        auth_token_file: '/run/secrets/twilio',
        messaging_service_sid: `MG${'f'.repeat(32)}`,
        to: ['+15550100', '+15550101', '+15550100'],
        text: '{{ .CommonLabels.alertname }}',
        max_segments: '0x2',
        api_url: 'http://127.0.0.1:4010/',
        status_callback: 'https://phoenix.example.com/twilio/status',
        timeout: '30s',
      }),
    ).toEqual({
      send_resolved: false,
      account_sid: sid,
      auth_token_file: '/run/secrets/twilio',
      messaging_service_sid: `MG${'f'.repeat(32)}`,
      to: ['+15550100', '+15550101'],
      text: '{{ .CommonLabels.alertname }}',
      max_segments: 2,
      api_url: 'http://127.0.0.1:4010',
      status_callback: 'https://phoenix.example.com/twilio/status',
      timeout: 30_000,
    });
    expect(smsConfigSchema.parse({ ...minimal, to: '+15550100' }).to).toEqual(['+15550100']);
  });

  it('loads from an Alertmanager-style file as the server reads it, secrets from ${ENV}', () => {
    const config = parseAlertmanagerConfig(
      [
        'route: { receiver: oncall-sms }',
        'receivers:',
        '  - name: oncall-sms',
        '    sms_configs:',
        `      - account_sid: ${sid}`,
        '        auth_token: ${TWILIO_AUTH_TOKEN}',
        "        from: '+15550001'",
        "        to: ['+15550100']",
        '        send_resolved: yes',
        '        max_segments: 1',
        '        timeout: 5s',
      ].join('\n'),
      { env: { TWILIO_AUTH_TOKEN: 'from-env-token' } },
    );
    const notifier = createSmsNotifier(config.receivers[0]!.sms_configs![0]!);
    expect(notifier.config).toMatchObject({
      auth_token: 'from-env-token',
      send_resolved: true,
      max_segments: 1,
      to: ['+15550100'],
      timeout: 5_000,
    });
  });

  it('names every bad path in one error, and never the values', () => {
    const error = errorOf({
      account_sid: 'SK123',
      auth_token: 'tok-secret-value',
      auth_token_file: '/tok',
      to: ['+15550100', '5550101'],
      max_segments: 11,
      api_url: 'ftp://tok-secret-value@x',
      colour: 'red',
    });
    expect(error.message).toMatch(/^invalid sms notifier config:/);
    const issues = error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'account_sid: account_sid must be AC followed by 32 hex digits',
        'to[1]: must be an E.164 phone number: + and up to 15 digits, e.g. +15550100',
        'max_segments: max_segments must be at most 10 (Twilio refuses bodies over 1600 characters)',
        'api_url: api_url must use http or https',
        ': unknown field "colour"',
      ]),
    );
    expect(error.message).not.toContain('tok-secret-value');
  });

  it('requires exactly one token source and one sender', () => {
    const messages = (input: unknown) => errorOf(input).issues.map((issue) => issue.message);
    expect(messages({ account_sid: sid, from: '+15550001' })).toEqual([
      'one of auth_token or auth_token_file must be configured',
    ]);
    expect(messages({ ...minimal, auth_token_file: '/t' })).toEqual([
      'at most one of auth_token & auth_token_file must be configured',
    ]);
    expect(messages({ account_sid: sid, auth_token: 't' })).toEqual([
      'one of from or messaging_service_sid must be configured',
    ]);
    expect(messages({ ...minimal, messaging_service_sid: `MG${'0'.repeat(32)}` })).toEqual([
      'at most one of from & messaging_service_sid must be configured',
    ]);
    expect(messages({ auth_token: 't', from: '+15550001' })).toEqual(['account_sid is required']);
    expect(messages({ ...minimal, max_segments: 0 })).toEqual(['max_segments must be at least 1']);
    expect(messages({ ...minimal, from: 'Phoenix' })).toEqual([
      'must be an E.164 phone number: + and up to 15 digits, e.g. +15550100',
    ]);
  });
});
