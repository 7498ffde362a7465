// The Alertmanager 0.25 configuration file (config/config.go): the same sections, the same
// strictness (unknown keys are errors) and the same cross-checks, each reported with its YAML path.
// Phoenix's own sections are accepted beside them and validated by the packages that own them.
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { globalConfigSchema } from './alertmanager-config-global.js';
import type { GlobalConfig } from './alertmanager-config-global.js';
import {
  muteTimeIntervalConfigSchema,
  nullAsAbsent,
  nullAsZero,
  timeIntervalConfigSchema,
} from './alertmanager-config-time-intervals.js';
import type { TimeIntervalConfig } from './alertmanager-config-time-intervals.js';
import { validateAlertmanagerConfig } from './alertmanager-config-validate.js';
import { durationSchema } from './duration.js';
import { isValidLabelName } from './labels.js';
import { loadConfig, parseConfig } from './load-config.js';
import type { ScalarDecoding } from './load-config.js';
import type { Matcher } from './matcher.js';
import { createMatcher } from './matcher.js';
import { parseMatchers } from './parse-matchers.js';
import { yamlBoolean, yamlString } from './yaml-schemas.js';

export { globalConfigSchema };
export type { GlobalConfig };

/** A receiver integration's settings (`slack_configs[0]`, …), validated by its notifier package. */
export type NotifierConfig = Record<string, unknown>;

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

/** Phoenix's own top-level sections, beside Alertmanager's. */
export const phoenixSectionKeys = [
  'sources',
  'severities',
  'default_severity',
  'incident_reopen_window',
  'escalation_policies',
  'oncall_rotations',
  'teams',
  'responses',
  'storage',
  'server',
  'pagerduty',
  'slack',
] as const;

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
  /**
   * Phoenix sources (`type: prometheus | loki | tempo | healthcheck`), in order; each mapping is
   * validated by the server (`buildSources` of @phoenix-alerting/server) at its YAML path.
   */
  sources?: Record<string, unknown>[];
  severities?: Record<string, unknown>;
  /** Severity of alerts without a known `severity` label (checked by the escalation package). */
  default_severity?: unknown;
  /** How long after resolution a firing group reopens its incident (escalation package). */
  incident_reopen_window?: unknown;
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

const string = () => nullAsAbsent(yamlString());
const stringList = () => nullAsAbsent(z.array(yamlString()));
const duration = () => nullAsAbsent(durationSchema);

// Checked even when other settings are invalid, so that one error lists every problem.
const always = { when: () => true };

const defaultGlobal = (): GlobalConfig => globalConfigSchema.parse({});

// `match`, `source_match`, `target_match`: label names to values; a null value is `''`.
const matchSchema = nullAsAbsent(z.record(z.string(), yamlString())).superRefine(
  (match, context) => {
    for (const name of Object.keys(match ?? {})) {
      if (!isValidLabelName(name))
        issue(context, `invalid label name ${JSON.stringify(name)}`, [name]);
    }
  },
);

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
      // yaml.v2 never calls the Regexp unmarshaler for null, which leaves the regexp unset.
      const parsed = yamlString().safeParse(value);
      if (value === null || !parsed.success) {
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
const matchersSchema = nullAsAbsent(z.array(yamlString())).transform((lines, context) => {
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

const groupBySchema = nullAsAbsent(z.array(yamlString())).superRefine((labels, context) => {
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
  continue: nullAsAbsent(yamlBoolean()),
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

// model.LabelName, whose unmarshaler checks the name.
const labelNameSchema = yamlString().superRefine((label, context) => {
  if (!isValidLabelName(label))
    issue(context, `${JSON.stringify(label)} is not a valid label name`);
});

/** An entry of `inhibit_rules`. */
export const inhibitRuleConfigSchema: z.ZodType<InhibitRuleConfig, unknown> = z.strictObject({
  source_match: matchSchema,
  source_match_re: matchRegexSchema,
  source_matchers: matchersSchema,
  target_match: matchSchema,
  target_match_re: matchRegexSchema,
  target_matchers: matchersSchema,
  // model.LabelNames: `~` is an unchecked '' (see nullAsZero), `""` an invalid name.
  equal: nullAsAbsent(z.array(nullAsZero(labelNameSchema, ''))),
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
    templates: list(yamlString()),
    rule_files: stringList(),
    sources: nullAsAbsent(z.array(looseRecord)),
    severities: nullAsAbsent(looseRecord),
    default_severity: nullAsAbsent(z.unknown()),
    incident_reopen_window: nullAsAbsent(z.unknown()),
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
  }, always) as z.ZodType<AlertmanagerConfig, unknown>;

/**
 * How an Alertmanager configuration file's scalars are decoded (`parseConfig`'s `scalars`):
 * Alertmanager's sections as its YAML library decodes them (`'source'`: `match: {version: 1.10}`
 * keeps `1.10`, `continue: yes` is true), Phoenix's own sections by YAML 1.2 (`'yaml-1.2'`), as
 * the packages that validate them expect.
 */
export function alertmanagerScalarDecoding(key: string): ScalarDecoding {
  return (phoenixSectionKeys as readonly string[]).includes(key) ? 'yaml-1.2' : 'source';
}

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
  return parseConfig(text, {
    schema: alertmanagerConfigSchema,
    scalars: alertmanagerScalarDecoding,
    ...options,
  });
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
  const config = loadConfig({
    schema: alertmanagerConfigSchema,
    scalars: alertmanagerScalarDecoding,
    file,
    ...options,
  });
  const directory = dirname(file);
  config.templates = config.templates.map((template) =>
    template === '' || isAbsolute(template) ? template : join(directory, template),
  );
  return config;
}
