// The Alertmanager 0.25 configuration file (config/config.go): the same sections, the same
// strictness (unknown keys are errors) and the same cross-checks, each reported with its YAML path.
// Phoenix's own sections are accepted beside them and validated by the packages that own them.
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import {
  muteTimeIntervalConfigSchema,
  nullAsAbsent,
  scalarStringSchema,
  timeIntervalConfigSchema,
} from './alertmanager-config-time-intervals.js';
import type { TimeIntervalConfig } from './alertmanager-config-time-intervals.js';
import { validateAlertmanagerConfig } from './alertmanager-config-validate.js';
import { durationSchema } from './duration.js';
import { isValidLabelName } from './labels.js';
import { loadConfig, parseConfig } from './load-config.js';
import type { Matcher } from './matcher.js';
import { createMatcher } from './matcher.js';
import { parseMatchers } from './parse-matchers.js';

/** A receiver integration's settings (`slack_configs[0]`, …), validated by its notifier package. */
export type NotifierConfig = Record<string, unknown>;

/**
 * The `global` section with Alertmanager's defaults filled in. Durations are in milliseconds; the
 * `*_file` keys name files holding the secret instead of the secret itself.
 */
export interface GlobalConfig {
  /** Time after which an alert that stopped being updated is resolved, in ms. Default 5m. */
  resolve_timeout: number;
  /** Default HTTP client settings of the integrations (Prometheus `http_config`). */
  http_config: Record<string, unknown>;
  smtp_from?: string;
  /** Default `localhost`. */
  smtp_hello: string;
  /** `host:port`. */
  smtp_smarthost?: string;
  smtp_auth_username?: string;
  smtp_auth_password?: string;
  smtp_auth_password_file?: string;
  smtp_auth_secret?: string;
  smtp_auth_identity?: string;
  /** Default `true`. */
  smtp_require_tls: boolean;
  slack_api_url?: string;
  slack_api_url_file?: string;
  /** Default `https://events.pagerduty.com/v2/enqueue`. */
  pagerduty_url: string;
  opsgenie_api_url: string;
  opsgenie_api_key?: string;
  opsgenie_api_key_file?: string;
  wechat_api_url: string;
  wechat_api_secret?: string;
  wechat_api_corp_id?: string;
  victorops_api_url: string;
  victorops_api_key?: string;
  victorops_api_key_file?: string;
  telegram_api_url: string;
  webex_api_url: string;
}

/**
 * A node of the routing tree, as written. Durations are in ms; `matchers` are parsed. Absent
 * settings are inherited from the parent route by the router, except the time intervals.
 */
export interface RouteConfig {
  receiver?: string;
  /** Label names, or `['...']` for all labels. */
  group_by?: string[];
  /** Keep matching the following siblings after this route matched. Not on the root. */
  continue?: boolean;
  /** Deprecated equality matchers: label name to value. */
  match?: Record<string, string>;
  /** Deprecated regex matchers: label name to an (unanchored) RE2 pattern. */
  match_re?: Record<string, string>;
  matchers?: Matcher[];
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  routes?: RouteConfig[];
}

/** Alertmanager's receiver integrations, each a list of integration settings. */
export const alertmanagerIntegrationKeys = [
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
  'discord_configs',
  'webex_configs',
  'msteams_configs',
] as const;

/** Phoenix's own receiver integrations. */
export const phoenixIntegrationKeys = ['sms_configs', 'console_configs'] as const;

export type IntegrationKey =
  (typeof alertmanagerIntegrationKeys)[number] | (typeof phoenixIntegrationKeys)[number];

/** A receiver: a unique name, its integrations and, in Phoenix, an escalation policy. */
export type ReceiverConfig = { name: string; escalation_policy?: string } & {
  [key in IntegrationKey]?: NotifierConfig[];
};

/** An inhibition rule: targets are muted while a source with the same `equal` labels fires. */
export interface InhibitRuleConfig {
  source_match?: Record<string, string>;
  source_match_re?: Record<string, string>;
  source_matchers?: Matcher[];
  target_match?: Record<string, string>;
  target_match_re?: Record<string, string>;
  target_matchers?: Matcher[];
  equal?: string[];
}

/** A whole configuration file: Alertmanager's sections, then Phoenix's. */
export interface AlertmanagerConfig {
  global: GlobalConfig;
  route: RouteConfig;
  receivers: ReceiverConfig[];
  inhibit_rules: InhibitRuleConfig[];
  time_intervals: TimeIntervalConfig[];
  /** Deprecated Alertmanager section; same shape and namespace as `time_intervals`. */
  mute_time_intervals: TimeIntervalConfig[];
  /** Template file globs. */
  templates: string[];
  /** Prometheus-style rule file globs. */
  rule_files?: string[];
  sources?: Record<string, unknown>;
  severities?: Record<string, unknown>;
  escalation_policies?: Record<string, unknown>;
  oncall_rotations?: Record<string, unknown>;
  teams?: Record<string, unknown>;
  responses?: Record<string, unknown>;
  storage?: Record<string, unknown>;
  server?: Record<string, unknown>;
  pagerduty?: Record<string, unknown>;
  slack?: Record<string, unknown>;
}

const looseRecord = z.record(z.string(), z.unknown());

function issue(context: z.RefinementCtx, message: string, path: PropertyKey[] = []): void {
  context.addIssue({ code: 'custom', message, path });
}

// Alertmanager's URL type: http or https with a host.
const urlSchema = scalarStringSchema.superRefine((text, context) => {
  // Never quote the URL: webhook URLs often embed a token.
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase() ?? '';
  if (scheme !== 'http' && scheme !== 'https') {
    issue(context, `unsupported scheme ${JSON.stringify(scheme)} for URL`);
    return;
  }
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined) {
    issue(context, /^[a-z]+:\/*$/i.test(text) ? 'missing host for URL' : 'invalid URL');
  } else if (url.host === '') {
    issue(context, 'missing host for URL');
  }
});

// A secret URL may be `<secret>`, as a configuration read back from the API shows it.
const secretUrlSchema = scalarStringSchema.pipe(
  z.union([z.literal('<secret>'), urlSchema as z.ZodType<string, string>]),
);

// `host:port`, as net.SplitHostPort; empty means unset.
const hostPortSchema = scalarStringSchema.superRefine((text, context) => {
  if (text === '') return;
  const bracketed = /^\[[^\]]*\](:.*)?$/.exec(text);
  const colon = text.lastIndexOf(':');
  if (bracketed ? bracketed[1] === undefined : colon < 0) {
    issue(context, `address ${text}: missing port in address`);
  } else if (!bracketed && text.indexOf(':') !== colon) {
    issue(context, `address ${text}: too many colons in address`);
  } else if (colon === text.length - 1) {
    issue(context, `address ${JSON.stringify(text)}: port cannot be empty`);
  }
});

const string = () => nullAsAbsent(scalarStringSchema);
const stringList = () => nullAsAbsent(z.array(scalarStringSchema));
const duration = () => nullAsAbsent(durationSchema);

/** The `global` section, with Alertmanager 0.25's defaults for what is left out. */
export const globalConfigSchema: z.ZodType<GlobalConfig, unknown> = z
  .strictObject({
    resolve_timeout: duration().transform((value) => value ?? 5 * 60_000),
    http_config: nullAsAbsent(looseRecord).transform((value) => ({
      follow_redirects: true,
      enable_http2: true,
      ...value,
    })),
    smtp_from: string(),
    smtp_hello: string().transform((value) => value ?? 'localhost'),
    smtp_smarthost: nullAsAbsent(hostPortSchema),
    smtp_auth_username: string(),
    smtp_auth_password: string(),
    smtp_auth_password_file: string(),
    smtp_auth_secret: string(),
    smtp_auth_identity: string(),
    smtp_require_tls: nullAsAbsent(z.boolean()).transform((value) => value ?? true),
    slack_api_url: nullAsAbsent(secretUrlSchema),
    slack_api_url_file: string(),
    pagerduty_url: nullAsAbsent(urlSchema).transform(
      (value) => value ?? 'https://events.pagerduty.com/v2/enqueue',
    ),
    opsgenie_api_url: nullAsAbsent(urlSchema).transform(
      (value) => value ?? 'https://api.opsgenie.com/',
    ),
    opsgenie_api_key: string(),
    opsgenie_api_key_file: string(),
    wechat_api_url: nullAsAbsent(urlSchema).transform(
      (value) => value ?? 'https://qyapi.weixin.qq.com/cgi-bin/',
    ),
    wechat_api_secret: string(),
    wechat_api_corp_id: string(),
    victorops_api_url: nullAsAbsent(urlSchema).transform(
      (value) => value ?? 'https://alert.victorops.com/integrations/generic/20131114/alert/',
    ),
    victorops_api_key: string(),
    victorops_api_key_file: string(),
    telegram_api_url: nullAsAbsent(urlSchema).transform(
      (value) => value ?? 'https://api.telegram.org',
    ),
    webex_api_url: nullAsAbsent(urlSchema).transform(
      (value) => value ?? 'https://webexapis.com/v1/messages',
    ),
  })
  .superRefine((global, context) => {
    const exclusive: [keyof GlobalConfig, keyof GlobalConfig][] = [
      ['slack_api_url', 'slack_api_url_file'],
      ['opsgenie_api_key', 'opsgenie_api_key_file'],
      ['victorops_api_key', 'victorops_api_key_file'],
      ['smtp_auth_password', 'smtp_auth_password_file'],
    ];
    for (const [inline, file] of exclusive) {
      if (global[inline] && global[file]) {
        issue(context, `at most one of ${inline} & ${file} must be configured`, [file]);
      }
    }
  });

const defaultGlobal = (): GlobalConfig => globalConfigSchema.parse({});

// `match`, `source_match`, `target_match`: label names to values; a null value is `''`.
const matchSchema = nullAsAbsent(
  z.record(
    z.string(),
    z.preprocess((value) => (value === null ? '' : value), scalarStringSchema),
  ),
).superRefine((match, context) => {
  for (const name of Object.keys(match ?? {})) {
    if (!isValidLabelName(name))
      issue(context, `invalid label name ${JSON.stringify(name)}`, [name]);
  }
});

// `match_re` and friends: each pattern must compile, anchored, as Alertmanager compiles it.
const matchRegexSchema = nullAsAbsent(z.record(z.string(), z.unknown())).transform(
  (match, context) => {
    if (match === undefined) return undefined;
    const patterns: Record<string, string> = {};
    for (const [name, value] of Object.entries(match)) {
      const quoted = JSON.stringify(name);
      if (!isValidLabelName(name)) {
        issue(context, `invalid label name ${quoted}`, [name]);
        continue;
      }
      const parsed = scalarStringSchema.safeParse(value);
      if (!parsed.success) {
        issue(context, `invalid regexp value for ${quoted}`, [name]);
        continue;
      }
      try {
        createMatcher('=~', name, parsed.data);
        patterns[name] = parsed.data;
      } catch (error) {
        issue(context, `invalid regular expression: ${regexReason(error)}`, [name]);
      }
    }
    return patterns;
  },
);

function regexReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // createMatcher's message starts with the matcher; keep the compiler's reason.
  return message.replace(/^invalid matcher .*?: (?=[^"]*$)/, '');
}

// A list of matcher strings (`['severity="critical"', 'team=~"a|b"']`), parsed and sorted.
const matchersSchema = nullAsAbsent(z.array(scalarStringSchema)).transform((lines, context) => {
  if (lines === undefined) return undefined;
  const matchers: Matcher[] = [];
  lines.forEach((line, index) => {
    try {
      matchers.push(...parseMatchers(line));
    } catch (error) {
      issue(context, error instanceof Error ? error.message : String(error), [index]);
    }
  });
  return matchers;
});

const groupBySchema = nullAsAbsent(z.array(scalarStringSchema)).superRefine((labels, context) => {
  if (labels === undefined) return;
  const seen = new Set<string>();
  labels.forEach((label, index) => {
    if (label === '...') return;
    if (!isValidLabelName(label)) {
      issue(context, `invalid label name ${JSON.stringify(label)} in group_by list`, [index]);
    } else if (seen.has(label)) {
      issue(context, `duplicated label ${JSON.stringify(label)} in group_by`, [index]);
    }
    seen.add(label);
  });
  if (labels.includes('...') && labels.some((label) => label !== '...')) {
    issue(context, 'cannot have wildcard group_by (`...`) and other labels at the same time');
  }
});

const nonZeroDuration = (name: string) =>
  duration().superRefine((value, context) => {
    if (value === 0) issue(context, `${name} cannot be zero`);
  });

/** A routing tree node and, recursively, its children. */
export const routeConfigSchema: z.ZodType<RouteConfig, unknown> = z.strictObject({
  receiver: string(),
  group_by: groupBySchema,
  continue: nullAsAbsent(z.boolean()),
  match: matchSchema,
  match_re: matchRegexSchema,
  matchers: matchersSchema,
  mute_time_intervals: stringList(),
  active_time_intervals: stringList(),
  group_wait: duration(),
  group_interval: nonZeroDuration('group_interval'),
  repeat_interval: nonZeroDuration('repeat_interval'),
  get routes(): z.ZodType<RouteConfig[] | undefined, unknown> {
    return nullAsAbsent(z.array(routeConfigSchema));
  },
});

const integrationListSchema = nullAsAbsent(z.array(looseRecord));
const integrations = Object.fromEntries(
  [...alertmanagerIntegrationKeys, ...phoenixIntegrationKeys].map((key) => [
    key,
    integrationListSchema,
  ]),
) as Record<IntegrationKey, typeof integrationListSchema>;

/** A receiver; each `*_configs` entry is a mapping checked later by its notifier package. */
export const receiverConfigSchema: z.ZodType<ReceiverConfig, unknown> = z.strictObject({
  name: string()
    .refine((name) => name !== undefined && name !== '', { error: 'missing name in receiver' })
    .transform((name) => name!),
  escalation_policy: string(),
  ...integrations,
});

/** An entry of `inhibit_rules`. */
export const inhibitRuleConfigSchema: z.ZodType<InhibitRuleConfig, unknown> = z.strictObject({
  source_match: matchSchema,
  source_match_re: matchRegexSchema,
  source_matchers: matchersSchema,
  target_match: matchSchema,
  target_match_re: matchRegexSchema,
  target_matchers: matchersSchema,
  equal: stringList().superRefine((labels, context) => {
    labels?.forEach((label, index) => {
      if (!isValidLabelName(label)) {
        issue(context, `${JSON.stringify(label)} is not a valid label name`, [index]);
      }
    });
  }),
});

const list = <T>(schema: z.ZodType<T, unknown>) =>
  nullAsAbsent(z.array(schema)).transform((items) => items ?? []);

/**
 * The whole configuration file. Validates what Alertmanager 0.25 validates when it loads a file
 * (`amtool check-config`), except the settings inside `*_configs`, which their notifiers check.
 */
export const alertmanagerConfigSchema: z.ZodType<AlertmanagerConfig, unknown> = z
  .strictObject({
    global: nullAsAbsent(globalConfigSchema).transform((global) => global ?? defaultGlobal()),
    route: z
      .unknown()
      .refine((route) => route !== undefined && route !== null, {
        error: 'no route provided in config',
        abort: true,
      })
      .pipe(routeConfigSchema as z.ZodType<RouteConfig, object>),
    receivers: list(receiverConfigSchema),
    inhibit_rules: list(inhibitRuleConfigSchema),
    time_intervals: list(timeIntervalConfigSchema),
    mute_time_intervals: list(muteTimeIntervalConfigSchema),
    templates: list(scalarStringSchema),
    rule_files: stringList(),
    sources: nullAsAbsent(looseRecord),
    severities: nullAsAbsent(looseRecord),
    escalation_policies: nullAsAbsent(looseRecord),
    oncall_rotations: nullAsAbsent(looseRecord),
    teams: nullAsAbsent(looseRecord),
    responses: nullAsAbsent(looseRecord),
    storage: nullAsAbsent(looseRecord),
    server: nullAsAbsent(looseRecord),
    pagerduty: nullAsAbsent(looseRecord),
    slack: nullAsAbsent(looseRecord),
  })
  .superRefine((config, context) => {
    for (const problem of validateAlertmanagerConfig(config)) {
      issue(context, problem.message, problem.path);
    }
  }) as z.ZodType<AlertmanagerConfig, unknown>;

/** Options of {@link parseAlertmanagerConfig}. */
export interface ParseAlertmanagerConfigOptions {
  /** Names the source in error messages. */
  file?: string;
  /** Variables for `${NAME}` substitution in string values. Defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Parses and validates an Alertmanager-compatible configuration (with Phoenix's sections).
 * `${NAME}` in string values is replaced from `options.env`.
 *
 * @throws ConfigError listing every problem, each with the YAML path, e.g.
 *   `route.routes[1].receiver: undefined receiver "x" used in route (line 9, column 15)`.
 */
export function parseAlertmanagerConfig(
  text: string,
  options: ParseAlertmanagerConfigOptions = {},
): AlertmanagerConfig {
  return parseConfig(text, { schema: alertmanagerConfigSchema, ...options });
}

/**
 * Reads `file` (UTF-8) and parses it as {@link parseAlertmanagerConfig} does. Relative
 * `templates` paths are resolved against the file's directory, as Alertmanager resolves them.
 *
 * @throws ConfigError naming the file when it cannot be read or is invalid.
 */
export function loadAlertmanagerConfig(
  file: string,
  options: Omit<ParseAlertmanagerConfigOptions, 'file'> = {},
): AlertmanagerConfig {
  const config = loadConfig({ schema: alertmanagerConfigSchema, file, ...options });
  const directory = dirname(file);
  config.templates = config.templates.map((template) =>
    template === '' || isAbsolute(template) ? template : join(directory, template),
  );
  return config;
}
