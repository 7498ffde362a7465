import { ConfigError, durationSchema, formatPath, loadConfig } from '@phoenix-alerting/core';
import type { ConfigIssue } from '@phoenix-alerting/core';
import { z } from 'zod';
import { onCallConfigSchema } from './oncall/index.js';
import type { OnCallConfig } from './oncall/index.js';

/** One level of the severity matrix (spec 4.1, 4.2). */
export const severityConfigSchema = z.strictObject({
  /** How long an acknowledgement holds before escalation resumes; absent: it holds. */
  response_time: durationSchema.optional(),
  /** Default `timeout_minutes` of policy levels; absent: only the first level is paged. */
  escalation_interval: durationSchema.optional(),
  /** Names of the channel notifiers that page people (e.g. pagerduty, sms, slack). */
  channels: z.array(z.string().min(1)).min(1, 'a severity needs at least one channel'),
  /** Resolve the incident when all its alerts resolve; otherwise a person resolves it. */
  auto_resolution: z.boolean().default(false),
});

const responderSchema = z.strictObject({
  type: z.enum(['team', 'rotation', 'user']),
  name: z.string().min(1),
});

const levelSchema = z.strictObject({
  /** 1-based; must match the level's position when given. */
  level: z.number().int().min(1).optional(),
  responders: z.array(responderSchema).min(1, 'a level needs at least one responder'),
  /** Minutes to wait for an acknowledgement before the next level; default the severity's interval. */
  timeout_minutes: z.number().positive().optional(),
});

const levelsSchema = z.array(levelSchema).min(1, 'a policy needs at least one level');

/** A policy: the spec's list of levels, or `{ levels, repeat }`. */
export const escalationPolicyConfigSchema = z.union([
  levelsSchema.transform((levels) => ({ levels, repeat: 0 })),
  z.strictObject({ levels: levelsSchema, repeat: z.number().int().min(0).default(0) }),
]);

/** The spec's severity matrix, used when a configuration has no `severities:` section. */
export const defaultSeverities = {
  critical: {
    response_time: '15m',
    escalation_interval: '30m',
    channels: ['pagerduty', 'sms', 'slack'],
    auto_resolution: false,
  },
  warning: {
    response_time: '30m',
    escalation_interval: '1h',
    channels: ['pagerduty', 'slack'],
    auto_resolution: true,
  },
  info: { channels: ['slack'], auto_resolution: true },
} as const;

const severitiesSchema = z.record(z.string().min(1), severityConfigSchema);

const escalationSectionsSchema = z.object({
  /** Severity levels, most severe first. */
  severities: severitiesSchema.default(() => severitiesSchema.parse(defaultSeverities)),
  /** Severity of alerts without a known `severity` label; default the most severe level. */
  default_severity: z.string().min(1).optional(),
  escalation_policies: z.record(z.string().min(1), escalationPolicyConfigSchema).default({}),
  /** A resolved incident whose alerts fire again within this window is reopened. */
  incident_reopen_window: durationSchema.default(3_600_000),
});

export interface SeverityLevel {
  name: string;
  /** 0 for the most severe. */
  rank: number;
  responseTimeMs?: number;
  escalationIntervalMs?: number;
  channels: string[];
  autoResolution: boolean;
}

export interface PolicyLevel {
  /** 1-based. */
  level: number;
  responders: { type: 'team' | 'rotation' | 'user'; name: string }[];
  /** Undefined: the severity's `escalation_interval`. */
  timeoutMs?: number;
}

export interface EscalationPolicy {
  name: string;
  levels: PolicyLevel[];
  repeat: number;
}

/** A validated escalation configuration (with the on-call sections it refers to). */
export interface EscalationConfig {
  severities: Map<string, SeverityLevel>;
  defaultSeverity: string;
  policies: Map<string, EscalationPolicy>;
  reopenWindowMs: number;
  oncall: OnCallConfig;
}

function issuesOf(error: z.ZodError, file?: string): ConfigIssue[] {
  return error.issues.map((issue) => ({
    file,
    path: formatPath(issue.path),
    message:
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`
        : issue.message,
  }));
}

/**
 * Validates the `severities`, `default_severity`, `escalation_policies`, `incident_reopen_window`,
 * `teams` and `oncall_rotations` sections of a configuration (other keys are ignored) and checks
 * every reference: a responder must name a rotation, a team or a person of `teams:`.
 * @throws ConfigError naming the YAML path of every problem.
 */
export function parseEscalationConfig(
  input: unknown,
  options: { file?: string } = {},
): EscalationConfig {
  const oncall = onCallConfigSchema.safeParse(input ?? {});
  const sections = escalationSectionsSchema.safeParse(input ?? {});
  const issues = [
    ...(oncall.success ? [] : issuesOf(oncall.error, options.file)),
    ...(sections.success ? [] : issuesOf(sections.error, options.file)),
  ];
  if (!oncall.success || !sections.success)
    throw new ConfigError(issues, { subject: 'escalation config' });
  const data = sections.data;
  const problem = (path: PropertyKey[], message: string) =>
    issues.push({ file: options.file, path: formatPath(path), message });

  const severities = new Map<string, SeverityLevel>();
  Object.entries(data.severities).forEach(([name, severity], rank) => {
    severities.set(name, {
      name,
      rank,
      responseTimeMs: severity.response_time,
      escalationIntervalMs: severity.escalation_interval,
      channels: severity.channels,
      autoResolution: severity.auto_resolution,
    });
  });
  if (severities.size === 0) problem(['severities'], 'needs at least one severity level');
  const defaultSeverity = data.default_severity ?? [...severities.keys()][0] ?? '';
  if (data.default_severity !== undefined && !severities.has(data.default_severity))
    problem(
      ['default_severity'],
      `unknown severity ${JSON.stringify(data.default_severity)} (severities: ${[...severities.keys()].join(', ')})`,
    );

  const teams = oncall.data.teams;
  const rotations = oncall.data.oncall_rotations;
  const people = new Set(
    Object.values(teams).flatMap((team) => team.members.map((member) => member.name)),
  );
  const policies = new Map<string, EscalationPolicy>();
  for (const [name, policy] of Object.entries(data.escalation_policies)) {
    const listForm = Array.isArray(
      (input as Record<string, Record<string, unknown>>).escalation_policies?.[name],
    );
    const base: PropertyKey[] = listForm
      ? ['escalation_policies', name]
      : ['escalation_policies', name, 'levels'];
    const levels = policy.levels.map((level, index): PolicyLevel => {
      if (level.level !== undefined && level.level !== index + 1)
        problem(
          [...base, index, 'level'],
          `is ${level.level} but this is level ${index + 1}: levels are listed in order from 1`,
        );
      level.responders.forEach((responder, at) => {
        const path = [...base, index, 'responders', at, 'name'];
        const quoted = JSON.stringify(responder.name);
        if (responder.type === 'rotation' && !(responder.name in rotations))
          problem(
            path,
            `unknown rotation ${quoted} (oncall_rotations: ${Object.keys(rotations).join(', ') || 'none'})`,
          );
        if (
          responder.type === 'team' &&
          !(responder.name in teams) &&
          !(responder.name in rotations)
        )
          problem(
            path,
            `unknown team ${quoted}: not a team of \`teams:\` nor a rotation of \`oncall_rotations:\``,
          );
        if (responder.type === 'user' && !people.has(responder.name))
          problem(path, `unknown person ${quoted}: not a member of any team of \`teams:\``);
      });
      return {
        level: index + 1,
        responders: level.responders,
        timeoutMs:
          level.timeout_minutes === undefined
            ? undefined
            : Math.round(level.timeout_minutes * 60_000),
      };
    });
    policies.set(name, { name, levels, repeat: policy.repeat });
  }
  if (issues.length > 0) throw new ConfigError(issues, { subject: 'escalation config' });
  return {
    severities,
    defaultSeverity,
    policies,
    reopenWindowMs: data.incident_reopen_window,
    oncall: oncall.data,
  };
}

/**
 * Reads a YAML configuration (`file`, or `text`) and validates its escalation and on-call
 * sections with {@link parseEscalationConfig}; `${NAME}` is substituted from `env`.
 * @throws ConfigError naming the file and the YAML path of every problem.
 */
export function loadEscalationConfig(options: {
  file?: string;
  text?: string;
  env?: Readonly<Record<string, string | undefined>>;
}): EscalationConfig {
  const raw = loadConfig({
    ...options,
    schema: z.record(z.string(), z.unknown()),
    subject: 'escalation config',
  });
  return parseEscalationConfig(raw, { file: options.file });
}
