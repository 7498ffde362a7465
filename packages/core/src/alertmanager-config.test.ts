import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  alertmanagerConfigSchema,
  loadAlertmanagerConfig,
  parseAlertmanagerConfig,
  routeConfigSchema,
} from './alertmanager-config.js';
import { ConfigError } from './errors.js';
import type { ConfigIssue } from './errors.js';
import { Matcher } from './matcher.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

const specEnv = {
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/secret',
  PAGERDUTY_SERVICE_KEY: 'pd-service-key',
  PAGERDUTY_API_TOKEN: 'pd-api-token',
  PD_DEFAULT_ESCALATION_POLICY: 'PDEF',
  PD_CRITICAL_ESCALATION_POLICY: 'PCRIT',
  PD_PLATFORM_SERVICE_ID: 'SPLAT',
  PD_BACKEND_SERVICE_ID: 'SBACK',
};

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** The issues of parsing `text`, without the `(line, column)` suffix. */
function issues(text: string): Omit<ConfigIssue, 'file'>[] {
  return configError(() => parseAlertmanagerConfig(text, { env: {} })).issues.map((issue) => ({
    path: issue.path,
    message: issue.message.replace(/ \(line \d+, column \d+\)$/, ''),
  }));
}

const receivers = 'receivers:\n  - name: a\n  - name: b\n';
const withRoute = (route: string) => `route:\n  receiver: a\n${route}\n${receivers}`;
const withIntervals = (spec: string) =>
  `route: {receiver: a}\n${receivers}time_intervals:\n  - name: t\n    time_intervals:\n      - ${spec}\n`;

describe('parseAlertmanagerConfig: valid files', () => {
  it("loads Alertmanager 0.25's doc/examples/simple.yml unchanged", () => {
    const config = loadAlertmanagerConfig(fixture('alertmanager-simple.yml'), { env: {} });
    expect(config.global).toMatchObject({
      smtp_smarthost: 'localhost:25',
      smtp_from: 'alertmanager@example.org',
      smtp_auth_username: 'alertmanager',
      smtp_auth_password: 'password',
      resolve_timeout: 300_000,
      smtp_require_tls: true,
    });
    expect(config.templates).toEqual(['/etc/alertmanager/template/*.tmpl']);
    expect(config.route).toMatchObject({
      receiver: 'team-X-mails',
      group_by: ['alertname', 'cluster', 'service'],
      group_wait: 30_000,
      group_interval: 300_000,
      repeat_interval: 3 * 3_600_000,
    });
    const [services, files, database] = config.route.routes!;
    expect(services!.matchers!.map(String)).toEqual(['service=~"foo1|foo2|baz"']);
    expect(services!.matchers![0]).toBeInstanceOf(Matcher);
    expect(files!.routes![0]!.matchers!.map(String)).toEqual(['severity="critical"']);
    expect(database!.routes!.map((route) => [route.receiver, route.continue])).toEqual([
      ['team-X-pager', true],
      ['team-Y-pager', undefined],
    ]);
    expect(config.inhibit_rules).toHaveLength(1);
    expect(config.inhibit_rules[0]!.source_matchers!.map(String)).toEqual(['severity="critical"']);
    expect(config.inhibit_rules[0]!.equal).toEqual(['alertname', 'cluster', 'service']);
    expect(config.receivers.map((receiver) => receiver.name)).toEqual([
      'team-X-mails',
      'team-X-pager',
      'team-Y-mails',
      'team-Y-pager',
      'team-DB-pager',
    ]);
    expect(config.receivers[1]!.pagerduty_configs).toEqual([{ service_key: '<team-X-key>' }]);
  });

  it('loads a file using every Alertmanager section and integration', () => {
    const config = loadAlertmanagerConfig(fixture('alertmanager-full.yml'), { env: {} });
    expect(config.global).toEqual({
      resolve_timeout: 600_000,
      http_config: {
        follow_redirects: false,
        enable_http2: true,
        proxy_url: 'http://proxy.example.org:3128',
      },
      smtp_smarthost: 'smtp.example.org:587',
      smtp_from: 'alertmanager@example.org',
      smtp_hello: 'alertmanager.example.org',
      smtp_auth_username: 'alertmanager',
      smtp_auth_password: 'smtp-password',
      smtp_require_tls: true,
      slack_api_url: 'https://hooks.slack.com/services/T000/B000/XXXX',
      pagerduty_url: 'https://events.eu.pagerduty.com/v2/enqueue',
      opsgenie_api_url: 'https://api.opsgenie.com/',
      opsgenie_api_key: 'opsgenie-key',
      wechat_api_url: 'https://qyapi.weixin.qq.com/cgi-bin/',
      wechat_api_secret: 'wechat-secret',
      wechat_api_corp_id: 'wechat-corp',
      victorops_api_url: 'https://alert.victorops.com/integrations/generic/20131114/alert/',
      victorops_api_key: 'victorops-key',
      telegram_api_url: 'https://api.telegram.org',
      webex_api_url: 'https://webexapis.com/v1/messages',
    });
    const [db, web, watchdog, rest] = config.route.routes!;
    expect(db).toMatchObject({ continue: true, mute_time_intervals: ['maintenance'] });
    expect(db!.routes![0]).toMatchObject({
      match: { env: 'staging' },
      active_time_intervals: ['business-hours'],
    });
    expect(web).toMatchObject({ match_re: { service: '^(api|web)-.*' }, group_by: ['...'] });
    expect(web!.group_wait).toBe(0);
    expect(watchdog).toMatchObject({ repeat_interval: 60_000, group_interval: 60_000 });
    expect(rest!.group_by).toEqual([]);

    expect(config.time_intervals).toEqual([
      {
        name: 'business-hours',
        time_intervals: [
          {
            times: [{ startMinute: 540, endMinute: 1050 }],
            weekdays: [{ begin: 1, end: 5 }],
            location: 'Europe/London',
          },
        ],
      },
      {
        name: 'month-end',
        time_intervals: [
          {
            days_of_month: [
              { begin: -3, end: -1 },
              { begin: 1, end: 1 },
            ],
            months: [
              { begin: 1, end: 3 },
              { begin: 12, end: 12 },
            ],
            years: [{ begin: 2024, end: 2030 }],
          },
        ],
      },
    ]);
    expect(config.mute_time_intervals).toEqual([
      {
        name: 'maintenance',
        time_intervals: [
          {
            weekdays: [
              { begin: 6, end: 6 },
              { begin: 0, end: 0 },
            ],
            times: [{ startMinute: 0, endMinute: 1440 }],
          },
        ],
      },
    ]);
    expect(config.inhibit_rules[1]).toEqual({
      source_match: { alertname: 'ClusterDown' },
      source_match_re: { cluster: 'prod-.*' },
      target_match_re: { alertname: '.+' },
      target_match: { severity: 'info' },
      equal: ['cluster'],
    });
    const integrations = config.receivers.flatMap((receiver) =>
      Object.keys(receiver).filter((key) => key.endsWith('_configs')),
    );
    expect(integrations.sort()).toEqual(
      [
        'email_configs',
        'pagerduty_configs',
        'opsgenie_configs',
        'slack_configs',
        'webhook_configs',
        'wechat_configs',
        'pushover_configs',
        'victorops_configs',
        'webhook_configs',
        'sns_configs',
        'telegram_configs',
        'discord_configs',
        'webex_configs',
      ].sort(),
    );
    // Integration settings are passed through as written, for their notifiers to check: scalars
    // as their source text, which the notifier's schema types as Alertmanager's field would.
    expect(config.receivers[5]!.telegram_configs).toEqual([
      { bot_token: 'telegram-token', chat_id: '12345' },
    ]);
  });

  it("loads the spec's routing rules with Phoenix's sections, substituting the environment", () => {
    const config = loadAlertmanagerConfig(fixture('phoenix-spec.yml'), { env: specEnv });
    expect(config.route.routes!.map((route) => [route.match, route.receiver])).toEqual([
      [{ severity: 'critical' }, 'pagerduty-critical'],
      [{ severity: 'warning' }, 'pagerduty-warning'],
      [{ severity: 'info' }, 'slack-info'],
    ]);
    expect(config.route.routes![0]).toMatchObject({ group_wait: 0, repeat_interval: 1_800_000 });
    expect(config.route.routes![2]).toMatchObject({
      group_wait: 60_000,
      repeat_interval: 21_600_000,
    });
    expect(config.receivers[1]).toMatchObject({
      name: 'pagerduty-critical',
      escalation_policy: 'critical',
      pagerduty_configs: [{ service_key: 'pd-service-key', severity: 'critical' }],
    });
    expect(config.global.slack_api_url).toBe(specEnv.SLACK_WEBHOOK_URL);
    expect(config.escalation_policies).toHaveProperty('critical');
    expect(config.oncall_rotations).toMatchObject({
      primary_oncall: { shift_length_hours: 12, timezone: 'America/Chicago' },
    });
    expect(config.pagerduty).toMatchObject({ api_token: 'pd-api-token' });
    expect(config.slack).toMatchObject({ default_channel: '#alerts' });
  });

  it('names the file, path and variable when the environment lacks a secret', () => {
    const error = configError(() =>
      loadAlertmanagerConfig(fixture('phoenix-spec.yml'), {
        env: { ...specEnv, PAGERDUTY_SERVICE_KEY: undefined },
      }),
    );
    expect(error.issues[0]).toMatchObject({
      file: fixture('phoenix-spec.yml'),
      path: 'receivers[1].pagerduty_configs[0].service_key',
      message: expect.stringMatching(/^environment variable PAGERDUTY_SERVICE_KEY is not set/),
    });
  });

  it("fills in Alertmanager's global defaults", () => {
    const config = parseAlertmanagerConfig(withRoute(''));
    expect(config.global).toEqual({
      resolve_timeout: 300_000,
      http_config: { follow_redirects: true, enable_http2: true },
      smtp_hello: 'localhost',
      smtp_require_tls: true,
      pagerduty_url: 'https://events.pagerduty.com/v2/enqueue',
      opsgenie_api_url: 'https://api.opsgenie.com/',
      wechat_api_url: 'https://qyapi.weixin.qq.com/cgi-bin/',
      victorops_api_url: 'https://alert.victorops.com/integrations/generic/20131114/alert/',
      telegram_api_url: 'https://api.telegram.org',
      webex_api_url: 'https://webexapis.com/v1/messages',
    });
    expect(config).toMatchObject({
      inhibit_rules: [],
      time_intervals: [],
      mute_time_intervals: [],
      templates: [],
    });
  });

  it('reads null as absent, and a null match value as the empty string, as yaml.v2 does', () => {
    const config = parseAlertmanagerConfig(
      'global:\nroute:\n  receiver: a\n  group_by:\n  routes:\n    - match: {env: }\n' +
        'receivers:\n  - name: a\n    email_configs:\ntemplates:\ninhibit_rules:\n',
    );
    expect(config.global.resolve_timeout).toBe(300_000);
    expect(config.route.group_by).toBeUndefined();
    expect(config.route.routes![0]!.match).toEqual({ env: '' });
    expect(config.receivers).toEqual([{ name: 'a' }]);
  });

  it('reads unquoted numbers and booleans where Alertmanager expects a string, as written', () => {
    const config = parseAlertmanagerConfig(
      withRoute(
        '  routes:\n    - match: {code: 500, canary: true, version: 1.10, zone: 0500, flag: True, ' +
          'hex: 0x10, none: ~, quoted: "1.10"}\n      receiver: b',
      ),
    );
    // yaml.v2 hands a string field the scalar's text, so `1.10` is not the number 1.1.
    expect(config.route.routes![0]!.match).toEqual({
      code: '500',
      canary: 'true',
      version: '1.10',
      zone: '0500',
      flag: 'True',
      hex: '0x10',
      none: '',
      quoted: '1.10',
    });
  });

  it("reads booleans as Alertmanager's YAML library does, YAML 1.1 words included", () => {
    const config = parseAlertmanagerConfig(
      'global: {smtp_require_tls: off, http_config: {follow_redirects: no, enable_http2: On}}\n' +
        withRoute(
          '  routes:\n    - {receiver: b, continue: yes}\n    - {receiver: b, continue: N}',
        ),
    );
    expect(config.global.smtp_require_tls).toBe(false);
    expect(config.global.http_config).toEqual({ follow_redirects: false, enable_http2: true });
    expect(config.route.routes!.map((route) => route.continue)).toEqual([true, false]);
    expect(issues(withRoute('  routes:\n    - {receiver: b, continue: maybe}'))).toEqual([
      { path: 'route.routes[0].continue', message: 'expected a boolean, got "maybe"' },
    ]);
  });

  it('reads null as the zero value where Alertmanager has a default that is not', () => {
    const config = parseAlertmanagerConfig(
      'global:\n  smtp_require_tls: ~\n  smtp_hello: ~\n  resolve_timeout: ~\n' +
        '  http_config: {follow_redirects: ~}\n' +
        withRoute(''),
    );
    expect(config.global).toMatchObject({
      smtp_require_tls: false,
      smtp_hello: '',
      resolve_timeout: 0,
      http_config: { follow_redirects: false, enable_http2: true },
    });
  });

  it("decodes Phoenix's own sections by YAML 1.2, for the packages that validate them", () => {
    const config = parseAlertmanagerConfig(
      `${withRoute('')}storage: {retention_days: 30, wal: true, ratio: 1.10}\n`,
    );
    expect(config.storage).toEqual({ retention_days: 30, wal: true, ratio: 1.1 });
  });

  it("accepts Phoenix's receiver integrations and top-level sections", () => {
    const config = parseAlertmanagerConfig(
      'route: {receiver: oncall}\nreceivers:\n  - name: oncall\n    escalation_policy: critical\n' +
        '    sms_configs: [{to: "+15555550100"}]\n    console_configs: [{}]\n' +
        'rule_files: [rules/*.yml]\nseverities: {critical: {response_minutes: 15}}\n' +
        'teams: {}\nresponses: {}\nstorage: {sqlite: {path: ./data}}\nserver: {}\nsources: []\n',
    );
    expect(config.receivers[0]).toEqual({
      name: 'oncall',
      escalation_policy: 'critical',
      sms_configs: [{ to: '+15555550100' }],
      console_configs: [{}],
    });
    expect(config.rule_files).toEqual(['rules/*.yml']);
    expect(config.storage).toEqual({ sqlite: { path: './data' } });
  });

  it('parses a route on its own with routeConfigSchema', () => {
    const route = routeConfigSchema.parse({
      receiver: 'a',
      routes: [{ matchers: ['team=~"db|web"'], group_wait: '10s' }],
    });
    expect(route.routes![0]!.matchers![0]!.toString()).toBe('team=~"db|web"');
    expect(route.routes![0]!.group_wait).toBe(10_000);
    expect(alertmanagerConfigSchema.safeParse({ route }).success).toBe(false);
  });
});

// Every message below is the one `amtool check-config` of Alertmanager 0.25 prints for the same
// input (it stops at the first; Phoenix reports them all).
describe('parseAlertmanagerConfig: what Alertmanager rejects', () => {
  it.each<[string, string, Omit<ConfigIssue, 'file'>[]]>([
    ['an empty file', '', [{ path: 'route', message: 'no route provided in config' }]],
    [
      'a root route without receiver',
      `route:\n  group_by: [a]\n${receivers}`,
      [{ path: 'route.receiver', message: 'root route must specify a default receiver' }],
    ],
    [
      'matchers on the root route',
      withRoute('  match: {a: b}\n  matchers: [c="d"]'),
      [
        { path: 'route.match', message: 'root route must not have any matchers' },
        { path: 'route.matchers', message: 'root route must not have any matchers' },
      ],
    ],
    [
      'continue on the root route',
      withRoute('  continue: true'),
      [{ path: 'route.continue', message: 'cannot have continue in root route' }],
    ],
    [
      'time intervals on the root route',
      `${withRoute('  mute_time_intervals: [t]\n  active_time_intervals: [t]')}time_intervals: [{name: t}]\n`,
      [
        {
          path: 'route.mute_time_intervals',
          message: 'root route must not have any mute time intervals',
        },
        {
          path: 'route.active_time_intervals',
          message: 'root route must not have any active time intervals',
        },
      ],
    ],
    [
      'undefined receivers, at any depth',
      withRoute(
        '  routes:\n    - receiver: b\n    - receiver: x\n      routes:\n        - receiver: "y"',
      ),
      [
        { path: 'route.routes[1].receiver', message: 'undefined receiver "x" used in route' },
        {
          path: 'route.routes[1].routes[0].receiver',
          message: 'undefined receiver "y" used in route',
        },
      ],
    ],
    [
      'a route when there are no receivers',
      'route:\n  receiver: a\n',
      [{ path: 'route.receiver', message: 'undefined receiver "a" used in route' }],
    ],
    [
      'a receiver without a name',
      'route: {receiver: a}\nreceivers:\n  - name: a\n  - email_configs: []\n',
      [{ path: 'receivers[1].name', message: 'missing name in receiver' }],
    ],
    [
      'duplicate receiver names',
      'route: {receiver: a}\nreceivers:\n  - name: a\n  - name: a\n',
      [{ path: 'receivers[1].name', message: 'notification config name "a" is not unique' }],
    ],
    [
      'undefined time intervals',
      withRoute('  routes:\n    - mute_time_intervals: [x]\n      active_time_intervals: [y]'),
      [
        {
          path: 'route.routes[0].mute_time_intervals[0]',
          message: 'undefined time interval "x" used in route',
        },
        {
          path: 'route.routes[0].active_time_intervals[0]',
          message: 'undefined time interval "y" used in route',
        },
      ],
    ],
    [
      'duplicate time interval names, across both sections',
      `${withRoute('')}mute_time_intervals: [{name: t}, {name: t}]\ntime_intervals: [{name: t}]\n`,
      [
        { path: 'mute_time_intervals[1].name', message: 'mute time interval "t" is not unique' },
        { path: 'time_intervals[0].name', message: 'time interval "t" is not unique' },
      ],
    ],
    [
      'group_by with ... and labels',
      withRoute("  group_by: ['...', alertname]"),
      [
        {
          path: 'route.group_by',
          message: 'cannot have wildcard group_by (`...`) and other labels at the same time',
        },
      ],
    ],
    [
      'invalid and duplicated group_by labels',
      withRoute("  group_by: [a, 'a-b', 'a:b', a]"),
      [
        { path: 'route.group_by[1]', message: 'invalid label name "a-b" in group_by list' },
        { path: 'route.group_by[2]', message: 'invalid label name "a:b" in group_by list' },
        { path: 'route.group_by[3]', message: 'duplicated label "a" in group_by' },
      ],
    ],
    [
      'zero group_interval and repeat_interval',
      withRoute('  group_interval: 0s\n  repeat_interval: 0s'),
      [
        { path: 'route.group_interval', message: 'group_interval cannot be zero' },
        { path: 'route.repeat_interval', message: 'repeat_interval cannot be zero' },
      ],
    ],
    [
      'a regex that does not compile, and an invalid label name in match_re',
      withRoute("  routes:\n    - match_re: {a: '(', 'b-c': x, d: }"),
      [
        {
          path: 'route.routes[0].match_re.a',
          message: 'invalid regular expression: error parsing regexp: missing closing ): `^(?:()$`',
        },
        { path: 'route.routes[0].match_re.b-c', message: 'invalid label name "b-c"' },
        { path: 'route.routes[0].match_re.d', message: 'invalid regexp value for "d"' },
      ],
    ],
    [
      'invalid matchers',
      withRoute("  routes:\n    - matchers: [a=b, 'c-d=e', 'f=~(']"),
      [
        { path: 'route.routes[0].matchers[1]', message: 'bad matcher format: c-d=e' },
        {
          path: 'route.routes[0].matchers[2]',
          message: expect.stringContaining('missing closing )') as unknown as string,
        },
      ],
    ],
    [
      'an invalid label name in match',
      withRoute("  routes:\n    - match: {'a-b': x}"),
      [{ path: 'route.routes[0].match.a-b', message: 'invalid label name "a-b"' }],
    ],
    [
      'an invalid duration',
      withRoute('  group_wait: 5 minutes'),
      [
        {
          path: 'route.group_wait',
          message:
            'expected a duration such as 30s, 5m or 1h30m, got "5 minutes" (unknown unit " minutes")',
        },
      ],
    ],
    [
      'unknown keys anywhere',
      'route: {receiver: a, foo: 1}\nreceivers: [{name: a, msteam_configs: []}]\nglobal: {smtp_tls_config: {}}\nbar: 2\n',
      [
        { path: 'route.foo', message: 'unknown key "foo"' },
        { path: 'receivers[0].msteam_configs', message: 'unknown key "msteam_configs"' },
        { path: 'global.smtp_tls_config', message: 'unknown key "smtp_tls_config"' },
        { path: 'bar', message: 'unknown key "bar"' },
      ],
    ],
    [
      'invalid global URLs and addresses',
      "global:\n  slack_api_url: 'ftp://x'\n  pagerduty_url: 'http://'\n  smtp_smarthost: localhost\n" +
        withRoute('').slice(0),
      [
        { path: 'global.slack_api_url', message: 'unsupported scheme "ftp" for URL' },
        { path: 'global.pagerduty_url', message: 'missing host for URL' },
        {
          path: 'global.smtp_smarthost',
          message: 'address localhost: missing port in address',
        },
      ],
    ],
    [
      'a secret both inline and in a file',
      `global:\n  slack_api_url: 'http://x'\n  slack_api_url_file: /etc/slack\n${withRoute('')}`,
      [
        {
          path: 'global.slack_api_url_file',
          message: 'at most one of slack_api_url & slack_api_url_file must be configured',
        },
      ],
    ],
    [
      'inhibit rules with bad names and regexes',
      `${withRoute('')}inhibit_rules:\n  - source_match: {'a-b': x}\n    target_match_re: {a: '['}\n    equal: ['a-b']\n    source_matchers: ['x=']\n`,
      [
        { path: 'inhibit_rules[0].source_match.a-b', message: 'invalid label name "a-b"' },
        {
          path: 'inhibit_rules[0].target_match_re.a',
          message: expect.stringContaining('missing closing ]') as unknown as string,
        },
        { path: 'inhibit_rules[0].equal[0]', message: '"a-b" is not a valid label name' },
      ],
    ],
  ])('%s', (_, text, expected) => {
    expect(issues(text)).toEqual(expected);
  });

  it.each([
    [
      "times: [{start_time: '9:00', end_time: '10:00'}]",
      "couldn't parse timestamp 9:00, invalid format",
    ],
    [
      "times: [{start_time: '00:00', end_time: '24:01'}]",
      "couldn't parse timestamp 24:01, invalid format",
    ],
    [
      "times: [{start_time: '01:00', end_time: '01:00'}]",
      'start time cannot be equal or greater than end time',
    ],
    ["times: [{start_time: '01:00'}]", 'both start and end times must be provided'],
    ["weekdays: ['friday:monday']", 'start day cannot be before end day'],
    ["weekdays: ['1:3']", '1 is not a valid weekday'],
    ["weekdays: ['blurgsday']", 'blurgsday is not a valid weekday'],
    ["days_of_month: ['0']", '0 is not a valid day of the month: out of range'],
    ["days_of_month: ['-50:-20']", '-50 is not a valid day of the month: out of range'],
    ["days_of_month: ['1:50']", '50 is not a valid day of the month: out of range'],
    ["days_of_month: ['-15:5']", 'end day must be negative if start day is negative'],
    ["days_of_month: ['10:-25']", 'end day -25 is always before start day 10'],
    ["months: ['martius:june']", 'martius is not a valid month'],
    ["months: ['december:january']", 'end month january is before start month december'],
    ["years: ['2022:2020']", 'end year 2020 is before start year 2022'],
    ["years: ['abc']", 'strconv.Atoi: parsing "abc": invalid syntax'],
    ["years: ['1:2:3']", "couldn't parse range 1:2:3, invalid format"],
    ['location: Mars/Base', 'unknown time zone Mars/Base'],
    ['location: europe/london', 'unknown time zone europe/london'],
  ])('rejects the time interval %s', (spec, message) => {
    const [issue] = issues(withIntervals(spec));
    expect(issue!.message).toBe(message);
    expect(issue!.path).toMatch(/^time_intervals\[0\]\.time_intervals\[0\]\./);
  });

  it.each([
    [
      "weekdays: ['Monday:FRIDAY', sunday]",
      {
        weekdays: [
          { begin: 1, end: 5 },
          { begin: 0, end: 0 },
        ],
      },
    ],
    [
      "months: ['January:3', 12]",
      {
        months: [
          { begin: 1, end: 3 },
          { begin: 12, end: 12 },
        ],
      },
    ],
    [
      "days_of_month: [1, '-7:-1', '1:-1']",
      {
        days_of_month: [
          { begin: 1, end: 1 },
          { begin: -7, end: -1 },
          { begin: 1, end: -1 },
        ],
      },
    ],
    [
      'years: [2024, "2020:2022"]',
      {
        years: [
          { begin: 2024, end: 2024 },
          { begin: 2020, end: 2022 },
        ],
      },
    ],
    [
      "times: [{start_time: '00:00', end_time: '24:00'}]",
      { times: [{ startMinute: 0, endMinute: 1440 }] },
    ],
    ["location: ''", { location: '' }],
    ['location: US/Eastern', { location: 'US/Eastern' }],
    ['location: Etc/GMT+5', { location: 'Etc/GMT+5' }],
    ['times: []', { times: [] }],
  ])('accepts the time interval %s', (spec, expected) => {
    const config = parseAlertmanagerConfig(withIntervals(spec));
    expect(config.time_intervals[0]!.time_intervals[0]).toEqual(expected);
  });

  it('rejects a time interval without a name', () => {
    expect(issues(`${withRoute('')}time_intervals:\n  - time_intervals: []\n`)).toEqual([
      { path: 'time_intervals[0].name', message: 'missing name in time interval' },
    ]);
  });

  it('lists every problem at once: schema and cross-section ones, each with its position', () => {
    const file = fixture('alertmanager-many-problems.yml');
    const error = configError(() => loadAlertmanagerConfig(file));
    expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'global.resolve_timeout: expected a duration such as 30s, 5m or 1h30m, got "5 minutes" (unknown unit " minutes") (line 3, column 20)',
      'global.slack_api_url_file: at most one of slack_api_url & slack_api_url_file must be configured (line 5, column 23)',
      'route.group_wait: expected a duration such as 30s, 5m or 1h30m, got "30" (add a unit, e.g. "30s") (line 8, column 15)',
      'route.continue: cannot have continue in root route (line 9, column 13)',
      'route.routes[0].continue: expected a boolean, got "maybe" (line 12, column 17)',
      'route.routes[0].mute_time_intervals[0]: undefined time interval "nights" used in route (line 13, column 29)',
      'route.routes[1].receiver: undefined receiver "team-db" used in route (line 14, column 17)',
      'route.routes[1].matchers[0]: invalid matcher service=~"(?<name>db)": error parsing regexp: invalid or unsupported Perl syntax: `(?<` (line 15, column 18)',
      'receivers[0].pager_configs: unknown key "pager_configs" (line 20, column 5)',
      'receivers[2].name: notification config name "team-pager" is not unique (line 22, column 11)',
      'time_intervals[0].time_intervals[0].weekdays[0]: blurgsday is not a valid weekday (line 26, column 20)',
    ]);
  });

  it.each<[string, string, Omit<ConfigIssue, 'file'>[]]>([
    [
      'an undefined receiver beside an unknown key',
      'route: {receiver: a, foo: 1}\nreceivers: [{name: b}]\n',
      [
        { path: 'route.receiver', message: 'undefined receiver "a" used in route' },
        { path: 'route.foo', message: 'unknown key "foo"' },
      ],
    ],
    [
      'root route checks beside a bad child',
      'route:\n  match: {a: b}\n  routes: [{group_wait: x}]\nreceivers: []\n',
      [
        { path: 'route.receiver', message: 'root route must specify a default receiver' },
        { path: 'route.match', message: 'root route must not have any matchers' },
        {
          path: 'route.routes[0].group_wait',
          message: 'expected a duration such as 30s, 5m or 1h30m, got "x"',
        },
      ],
    ],
    [
      // Names cannot be known: no "undefined receiver" for every route.
      'receivers that are not a list',
      'route: {receiver: a, routes: [{receiver: b}]}\nreceivers: {name: a}\n',
      [{ path: 'receivers', message: 'expected a list, got a mapping' }],
    ],
    [
      'a receiver name of the wrong type, with a duplicate name beside it',
      'route: {receiver: a}\nreceivers: [{name: a}, {name: [x]}, {name: a}]\n',
      [
        { path: 'receivers[1].name', message: 'expected a string, got a list' },
        { path: 'receivers[2].name', message: 'notification config name "a" is not unique' },
      ],
    ],
    [
      'a root that is not a mapping',
      '- route\n',
      [{ path: '', message: 'expected a mapping, got a list' }],
    ],
  ])('reports cross-section problems even with schema problems: %s', (_, text, expected) => {
    expect(issues(text)).toEqual(expected);
  });

  it('names the file and the position of each problem', () => {
    const file = fixture('alertmanager-undefined-receiver.yml');
    const error = configError(() => loadAlertmanagerConfig(file));
    expect(error.issues).toEqual([
      {
        file,
        path: 'route.routes[1].receiver',
        message: 'undefined receiver "chat" used in route (line 7, column 17)',
      },
    ]);
    expect(error.message).toBe(
      `invalid configuration:\n  - ${file}: route.routes[1].receiver: undefined receiver "chat" used in route (line 7, column 17)`,
    );
  });

  it('resolves relative template paths against the directory of the file', () => {
    const config = loadAlertmanagerConfig(fixture('alertmanager-full.yml'), { env: {} });
    expect(config.templates).toEqual(['/etc/alertmanager/templates/*.tmpl']);
    const relative = loadAlertmanagerConfig(fixture('alertmanager-templates.yml'));
    expect(relative.templates).toEqual([fixture('templates/*.tmpl'), '/abs/*.tmpl']);
  });

  it('reports an unreadable file', () => {
    const error = configError(() => loadAlertmanagerConfig(fixture('does-not-exist.yml')));
    expect(error.issues[0]!.message).toMatch(/^cannot read: /);
  });
});
