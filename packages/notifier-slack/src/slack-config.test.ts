import { ConfigError } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { slackConfigDefaults, slackConfigSchema } from './slack-config.js';
import { slackSectionSchema } from './slack-section.js';
import { createSlackNotifier } from './slack-notifier.js';

function problems(call: () => unknown): string[] {
  try {
    call();
  } catch (error) {
    if (error instanceof ConfigError)
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('slack_configs', () => {
  it("fills in Alertmanager's defaults (send_resolved false, default.tmpl templates)", () => {
    const config = slackConfigSchema.parse({ api_url: 'https://hooks.slack.com/services/T/B/x' });
    expect(config).toMatchObject({
      ...slackConfigDefaults,
      send_resolved: false,
      short_fields: false,
      link_names: false,
    });
    expect(config.color).toBe('{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}');
  });

  it('types scalars as YAML does and keeps an explicit empty template', () => {
    const config = slackConfigSchema.parse({
      api_url: 'http://x/y',
      send_resolved: 'yes',
      title: '',
      link_names: 'true',
    });
    expect(config).toMatchObject({ send_resolved: true, title: '', link_names: true });
  });

  it("reports Alertmanager's errors, every one, with paths and without the URL", () => {
    const found = problems(() =>
      createSlackNotifier({
        api_url: 'ftp://hooks.slack.com/services/T/B/s3cret',
        api_url_file: '/etc/slack',
        fields: [{ title: 't' }, { value: 'v' }],
        actions: [{ text: 'x' }, { type: 'button' }, { type: 'button', text: 'x' }],
        bogus: 1,
      } as never),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'api_url: unsupported scheme "ftp" for Slack API URL',
        'fields[0]: missing value in Slack field configuration',
        'fields[1]: missing title in Slack field configuration',
        'actions[0]: missing type in Slack action configuration',
        'actions[1]: missing text in Slack action configuration',
        'actions[2]: missing name or url in Slack action configuration',
        ': unknown field "bogus"',
      ]),
    );
    expect(found.join('\n')).not.toContain('s3cret');
  });

  it('needs a URL from the entry, global or the slack section', () => {
    expect(problems(() => createSlackNotifier({ channel: '#a' }))).toEqual([
      'api_url: no global Slack API URL set',
    ]);
    expect(
      problems(() => createSlackNotifier({ api_url: 'http://x/y', api_url_file: '/f' })),
    ).toEqual([': at most one of api_url & api_url_file must be configured']);
  });

  it('checks http_config as Prometheus does', () => {
    expect(
      problems(() =>
        createSlackNotifier({
          api_url: 'http://x/y',
          http_config: { bearer_token: 'a', bearer_token_file: '/b' },
        }),
      ),
    ).toEqual(['http_config: at most one of bearer_token & bearer_token_file must be configured']);
  });
});

describe('slack section', () => {
  it('parses the spec section', () => {
    expect(
      slackSectionSchema.parse({
        webhook_url: 'https://hooks.slack.com/services/T/B/x',
        default_channel: '#alerts',
        channels: {
          critical: '#alerts-critical',
          warning: '#alerts-warning',
          info: '#alerts-info',
        },
        mentions: { critical: '<!here>', warning: '', info: '' },
      }),
    ).toEqual({
      webhook_url: 'https://hooks.slack.com/services/T/B/x',
      default_channel: '#alerts',
      channels: { critical: '#alerts-critical', warning: '#alerts-warning', info: '#alerts-info' },
      mentions: { critical: '<!here>', warning: '', info: '' },
    });
  });

  it("takes Phoenix's bot token and signing secret, one form of each", () => {
    expect(
      slackSectionSchema.parse({
        token_file: '/run/bot',
        signing_secret: 's3cret',
        channels: null,
      }),
    ).toEqual({ token_file: '/run/bot', signing_secret: 's3cret', channels: {}, mentions: {} });
    expect(
      slackSectionSchema.safeParse({ signing_secret: 'a', signing_secret_file: '/b' }).error
        ?.issues[0]?.message,
    ).toBe('at most one of signing_secret & signing_secret_file must be configured');
  });

  it('names bad settings', () => {
    expect(
      problems(() =>
        createSlackNotifier(
          {},
          {
            section: { webhook_url: 'nope', channels: { critical: 3 } as never, extra: 1 } as never,
          },
        ),
      ),
    ).toEqual(
      expect.arrayContaining(['webhook_url: invalid Slack webhook URL', ': unknown field "extra"']),
    );
  });
});
