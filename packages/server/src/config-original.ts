// What `GET /api/v2/status` shows as `config.original`: Alertmanager 0.25 does not show the file
// but its parsed configuration marshalled back to YAML (`Config.String()`), with defaults filled in
// and every `Secret` as `<secret>`. amtool's `config show` prints it and `config routes` loads it
// again, so it must be Alertmanager YAML: Phoenix's own sections and keys are left out.
import { formatDuration } from '@phoenix-alerting/core';
import type {
  AlertmanagerConfig,
  InclusiveRange,
  RouteConfig,
  TimeIntervalConfig,
} from '@phoenix-alerting/core';
import { Document, Scalar, YAMLSeq, parse, visit } from 'yaml';
import { SECRET_PLACEHOLDER, maskValue } from './mask-secrets.js';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Copies `keys` of `source` in that order, leaving out absent and (unless kept) empty values. */
function pick(source: Json, keys: readonly string[], keep: readonly string[] = []): Json {
  const out: Json = {};
  for (const key of keys) {
    const value = source[key];
    if (value === undefined || value === null) continue;
    const empty =
      value === '' ||
      value === false ||
      value === 0 ||
      (Array.isArray(value) && value.length === 0) ||
      (isRecord(value) && Object.keys(value).length === 0);
    if (empty && !keep.includes(key)) continue;
    out[key] = value;
  }
  return out;
}

// Loose sections may hold YAML scalars as text (`'true'`, `'5'`): read them as yaml.v2 would.
const TRUE = new Set(['true', 'True', 'TRUE', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'y', 'Y']);
const FALSE = new Set(['false', 'False', 'FALSE', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'n', 'N']);
function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && TRUE.has(value)) return true;
  if (typeof value === 'string' && FALSE.has(value)) return false;
  return undefined;
}
function int(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^[-+]?\d+$/.test(value) ? Number(value) : undefined;
}

const sorted = (map: Record<string, string> | undefined) =>
  map && Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1)));
const duration = (ms: number | undefined) => (ms === undefined ? undefined : formatDuration(ms));
const secret = (value: unknown) =>
  typeof value === 'string' && value !== '' ? SECRET_PLACEHOLDER : undefined;

/** Prometheus' `HTTPClientConfig`, with its defaults and its secrets masked. */
function httpConfig(input: unknown): Json {
  const config: Json = isRecord(input) ? { ...input } : {};
  // Prometheus turns the legacy bearer token into an Authorization header.
  if (config.bearer_token || config.bearer_token_file) {
    config.authorization = {
      credentials: config.bearer_token,
      credentials_file: config.bearer_token_file,
    };
    delete config.bearer_token;
    delete config.bearer_token_file;
  }
  const basicAuth = isRecord(config.basic_auth)
    ? pick({ ...config.basic_auth, password: secret(config.basic_auth.password) }, [
        'username',
        'username_file',
        'password',
        'password_file',
      ])
    : undefined;
  const authorization = isRecord(config.authorization)
    ? pick(
        {
          type: config.authorization.type ?? 'Bearer',
          credentials: secret(config.authorization.credentials),
          credentials_file: config.authorization.credentials_file,
        },
        ['type', 'credentials', 'credentials_file'],
      )
    : undefined;
  const oauth2 = isRecord(config.oauth2) ? maskValue({ ...config.oauth2 }, 'oauth2') : undefined;
  const tls = isRecord(config.tls_config)
    ? pick(
        {
          ...config.tls_config,
          insecure_skip_verify: bool(config.tls_config.insecure_skip_verify),
        },
        [
          'ca',
          'cert',
          'key',
          'ca_file',
          'cert_file',
          'key_file',
          'server_name',
          'insecure_skip_verify',
          'min_version',
          'max_version',
        ],
      )
    : undefined;
  return {
    ...pick({ basic_auth: basicAuth, authorization, oauth2, tls_config: tls }, [
      'basic_auth',
      'authorization',
      'oauth2',
      'tls_config',
    ]),
    ...pick(config, ['proxy_url', 'no_proxy']),
    follow_redirects: bool(config.follow_redirects) ?? true,
    enable_http2: bool(config.enable_http2) ?? true,
  };
}

function globalSection(global: AlertmanagerConfig['global']): Json {
  const masked: Json = {
    ...global,
    resolve_timeout: duration(global.resolve_timeout),
    http_config: httpConfig(global.http_config),
    smtp_auth_password: secret(global.smtp_auth_password),
    smtp_auth_secret: secret(global.smtp_auth_secret),
    slack_api_url: secret(global.slack_api_url),
    opsgenie_api_key: secret(global.opsgenie_api_key),
    wechat_api_secret: secret(global.wechat_api_secret),
    victorops_api_key: secret(global.victorops_api_key),
  };
  return pick(
    masked,
    [
      'resolve_timeout',
      'http_config',
      'smtp_from',
      'smtp_hello',
      'smtp_smarthost',
      'smtp_auth_username',
      'smtp_auth_password',
      'smtp_auth_password_file',
      'smtp_auth_secret',
      'smtp_auth_identity',
      'smtp_require_tls',
      'slack_api_url',
      'slack_api_url_file',
      'pagerduty_url',
      'opsgenie_api_url',
      'opsgenie_api_key',
      'opsgenie_api_key_file',
      'wechat_api_url',
      'wechat_api_secret',
      'wechat_api_corp_id',
      'victorops_api_url',
      'victorops_api_key',
      'victorops_api_key_file',
      'telegram_api_url',
      'webex_api_url',
    ],
    ['smtp_require_tls'],
  );
}

function route(config: RouteConfig): Json {
  return pick(
    {
      receiver: config.receiver,
      // yaml.v2 quotes `...`, which would otherwise read as a document end.
      group_by: config.group_by?.map((label) =>
        label === '...' ? Object.assign(new Scalar(label), { type: Scalar.QUOTE_SINGLE }) : label,
      ),
      match: sorted(config.match),
      match_re: sorted(config.match_re),
      matchers: config.matchers?.map(String),
      mute_time_intervals: config.mute_time_intervals,
      active_time_intervals: config.active_time_intervals,
      continue: config.continue ?? false,
      routes: config.routes?.map(route),
      group_wait: duration(config.group_wait),
      group_interval: duration(config.group_interval),
      repeat_interval: duration(config.repeat_interval),
    },
    [
      'receiver',
      'group_by',
      'match',
      'match_re',
      'matchers',
      'mute_time_intervals',
      'active_time_intervals',
      'continue',
      'routes',
      'group_wait',
      'group_interval',
      'repeat_interval',
    ],
    ['continue'],
  );
}

// Alertmanager 0.25's `Receiver` field order; Phoenix's integrations are not Alertmanager YAML.
const integrationOrder = [
  'discord_configs',
  'email_configs',
  'pagerduty_configs',
  'slack_configs',
  'webhook_configs',
  'opsgenie_configs',
  'wechat_configs',
  'pushover_configs',
  'victorops_configs',
  'sns_configs',
  'telegram_configs',
  'webex_configs',
] as const;

// Integrations without `http_config` in Alertmanager 0.25.
const withoutHttpConfig = new Set(['email_configs']);
// `send_resolved` defaults per integration.
const resolvedByDefault = new Set([
  'discord_configs',
  'pagerduty_configs',
  'opsgenie_configs',
  'pushover_configs',
  'victorops_configs',
  'sns_configs',
  'telegram_configs',
  'webex_configs',
]);

function integration(
  key: string,
  entry: Json,
  raw: Json,
  global: AlertmanagerConfig['global'],
): Json {
  if (key === 'webhook_configs') {
    return pick(
      {
        send_resolved: bool(entry.send_resolved) ?? true,
        http_config: httpConfig(entry.http_config ?? global.http_config),
        url: entry.url,
        url_file: entry.url_file,
        max_alerts: int(entry.max_alerts) ?? 0,
      },
      ['send_resolved', 'http_config', 'url', 'url_file', 'max_alerts'],
      ['send_resolved', 'max_alerts'],
    );
  }
  // Other integrations: as written in the file (secrets masked) after the common fields;
  // Alertmanager also fills in its template defaults, which this server does not render.
  const { send_resolved: sendResolved, http_config: http, ...rest } = raw;
  return {
    send_resolved: bool(sendResolved) ?? resolvedByDefault.has(key),
    ...(withoutHttpConfig.has(key) ? {} : { http_config: httpConfig(http ?? global.http_config) }),
    ...(maskValue(rest, key) as Json),
  };
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function flowList(items: readonly string[]): YAMLSeq {
  const seq = new YAMLSeq();
  seq.flow = true;
  // In a flow list, yaml.v2 quotes what holds a `:`.
  seq.items = items.map((item) =>
    Object.assign(new Scalar(item), item.includes(':') ? { type: Scalar.QUOTE_SINGLE } : {}),
  );
  return seq;
}

function ranges(list: InclusiveRange[] | undefined, name: (value: number) => string = String) {
  return list?.map(({ begin, end }) =>
    begin === end ? name(begin) : `${name(begin)}:${name(end)}`,
  );
}

const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Alertmanager's `TimeInterval` marshalling: ranges as flow lists, months as numbers. */
function timeIntervals(intervals: readonly TimeIntervalConfig[]): Json[] {
  return intervals.map((interval) => ({
    name: interval.name,
    time_intervals: interval.time_intervals.map((spec) => {
      const lists: Json = {};
      const add = (key: string, items: string[] | undefined) => {
        if (items !== undefined) lists[key] = flowList(items);
      };
      if (spec.times)
        lists.times = spec.times.map((range) => ({
          start_time: clock(range.startMinute),
          end_time: clock(range.endMinute),
        }));
      add(
        'weekdays',
        ranges(spec.weekdays, (day) => WEEKDAYS[day] ?? String(day)),
      );
      add('days_of_month', ranges(spec.days_of_month));
      add('months', ranges(spec.months));
      add('years', ranges(spec.years));
      if (spec.location) lists.location = spec.location;
      return lists;
    }),
  }));
}

/**
 * The configuration as Alertmanager 0.25 prints it in `config.original`. Time intervals are
 * shown as written (Alertmanager normalises their ranges).
 */
export function alertmanagerOriginal(config: AlertmanagerConfig, text: string): string {
  let raw: Json = {};
  try {
    const parsed: unknown = parse(text, { merge: true, uniqueKeys: false });
    if (isRecord(parsed)) raw = parsed;
  } catch {
    // Already validated by the loader; nothing more to take from it.
  }
  const rawReceivers = Array.isArray(raw.receivers) ? raw.receivers : [];
  const receivers = config.receivers.map((receiver, index) => {
    const out: Json = { name: receiver.name };
    const rawReceiver: unknown = rawReceivers[index];
    for (const key of integrationOrder) {
      const entries = receiver[key];
      const rawEntries = isRecord(rawReceiver) ? rawReceiver[key] : undefined;
      if (entries && entries.length > 0)
        out[key] = entries.map((entry, position) => {
          const rawEntry: unknown = Array.isArray(rawEntries) ? rawEntries[position] : undefined;
          return integration(key, entry, isRecord(rawEntry) ? rawEntry : entry, config.global);
        });
    }
    return out;
  });
  const document: Json = {
    global: globalSection(config.global),
    route: route(config.route),
    ...(config.inhibit_rules.length > 0
      ? {
          inhibit_rules: config.inhibit_rules.map((rule) =>
            pick(
              {
                source_match: sorted(rule.source_match),
                source_match_re: sorted(rule.source_match_re),
                source_matchers: rule.source_matchers?.map(String),
                target_match: sorted(rule.target_match),
                target_match_re: sorted(rule.target_match_re),
                target_matchers: rule.target_matchers?.map(String),
                equal: rule.equal,
              },
              [
                'source_match',
                'source_match_re',
                'source_matchers',
                'target_match',
                'target_match_re',
                'target_matchers',
                'equal',
              ],
            ),
          ),
        }
      : {}),
    receivers,
    templates: config.templates,
    ...(config.mute_time_intervals.length > 0
      ? { mute_time_intervals: timeIntervals(config.mute_time_intervals) }
      : {}),
    ...(config.time_intervals.length > 0
      ? { time_intervals: timeIntervals(config.time_intervals) }
      : {}),
  };
  // yaml.v2's quoting: a string that would read back as something else under YAML 1.1 (`true`,
  // `5`, `09:00`, `''`) is double-quoted; one that cannot be plain here is single-quoted.
  const yaml = new Document(document, { version: '1.1' });
  visit(yaml, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && readsAsOther(node.value))
        node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return yaml.toString({
    indentSeq: false,
    lineWidth: 0,
    singleQuote: true,
    flowCollectionPadding: false,
  });
}

/** Whether a plain `text` would read back under YAML 1.1 as a number, boolean, null or time. */
function readsAsOther(text: string): boolean {
  if (/^(~|null|Null|NULL)?$/.test(text)) return true;
  let value: unknown;
  try {
    value = parse(text, { version: '1.1' });
  } catch {
    return false;
  }
  return typeof value === 'number' || typeof value === 'boolean' || value instanceof Date;
}
