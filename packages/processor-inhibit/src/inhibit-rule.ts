// Alertmanager 0.25's inhibit rule: the `inhibit_rules` configuration (config/config.go
// InhibitRule) and its conversion to matchers (inhibit/inhibit.go NewInhibitRule).
import {
  ConfigError,
  createMatcher,
  formatPath,
  isValidLabelName,
  parseMatchers,
} from '@phoenix-alerting/core';
import type { ConfigIssue, Matcher } from '@phoenix-alerting/core';
import { z } from 'zod';

/**
 * An inhibition rule: while a firing alert matches `sourceMatchers`, alerts matching
 * `targetMatchers` that have the same values for every label in `equal` are not notified.
 */
export interface InhibitRule {
  /** All must match for an alert to inhibit. Empty matches every alert. */
  readonly sourceMatchers: readonly Matcher[];
  /** All must match for an alert to be inhibited. Empty matches every alert. */
  readonly targetMatchers: readonly Matcher[];
  /** Label names whose values must be equal in source and target; absent counts as empty. */
  readonly equal?: readonly string[];
}

const labelMap = z.record(z.string(), z.string());
// Matcher instances are recognised by shape, so that a second copy of core still counts.
const isMatcher = (value: unknown): value is Matcher =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Matcher).matches === 'function' &&
  typeof (value as Matcher).type === 'string';
const matcherLines = z.array(
  z.union([z.string(), z.custom<Matcher>(isMatcher, 'expected a matcher string')]),
);

/**
 * One entry of Alertmanager's `inhibit_rules`: as parsed from YAML (`*_matchers` are strings), or
 * as core's `parseAlertmanagerConfig` returns it (`*_matchers` already parsed). Unknown keys are
 * errors.
 */
export const inhibitRuleConfigSchema = z.strictObject({
  /** Deprecated: label name → exact value, each becoming an `=` matcher. */
  source_match: labelMap.optional(),
  /** Deprecated: label name → regex, each becoming an anchored `=~` matcher. */
  source_match_re: labelMap.optional(),
  /** Matcher strings as amtool writes them (`severity="critical"`, `{a=~"b", c!="d"}`), or matchers. */
  source_matchers: matcherLines.optional(),
  target_match: labelMap.optional(),
  target_match_re: labelMap.optional(),
  target_matchers: matcherLines.optional(),
  equal: z.array(z.string()).optional(),
});

export type InhibitRuleConfig = z.input<typeof inhibitRuleConfigSchema>;

function sideMatchers(
  side: 'source' | 'target',
  config: InhibitRuleConfig,
  path: readonly PropertyKey[],
  issues: ConfigIssue[],
): Matcher[] {
  const matchers: Matcher[] = [];
  const issue = (at: readonly PropertyKey[], message: string) =>
    issues.push({ path: formatPath([...path, ...at]), message });

  // Go iterates these maps in random order; the order of matchers does not change what matches.
  const match = config[`${side}_match`] ?? {};
  for (const name of Object.keys(match).sort()) {
    if (!isValidLabelName(name)) issue([`${side}_match`, name], `invalid label name "${name}"`);
    else matchers.push(createMatcher('=', name, match[name]!));
  }
  const matchRe = config[`${side}_match_re`] ?? {};
  for (const name of Object.keys(matchRe).sort()) {
    if (!isValidLabelName(name)) {
      issue([`${side}_match_re`, name], `invalid label name "${name}"`);
      continue;
    }
    try {
      // Anchored, as config.Regexp and labels.NewMatcher both make it: ^(?:value)$.
      matchers.push(createMatcher('=~', name, matchRe[name]!));
    } catch (error) {
      issue([`${side}_match_re`, name], (error as Error).message);
    }
  }
  (config[`${side}_matchers`] ?? []).forEach((line, index) => {
    if (typeof line !== 'string') {
      matchers.push(line);
      return;
    }
    try {
      matchers.push(...parseMatchers(line));
    } catch (error) {
      issue([`${side}_matchers`, index], (error as Error).message);
    }
  });
  return matchers;
}

function convert(config: unknown, path: readonly PropertyKey[], issues: ConfigIssue[]) {
  const parsed = inhibitRuleConfigSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      for (const key of keys) {
        const at = key === undefined ? issue.path : [...issue.path, key];
        issues.push({ path: formatPath([...path, ...at]), message: issue.message });
      }
    }
    return undefined;
  }
  const before = issues.length;
  const sourceMatchers = sideMatchers('source', parsed.data, path, issues);
  const targetMatchers = sideMatchers('target', parsed.data, path, issues);
  const equal = parsed.data.equal ?? [];
  equal.forEach((name, index) => {
    if (!isValidLabelName(name))
      issues.push({
        path: formatPath([...path, 'equal', index]),
        message: `"${name}" is not a valid label name`,
      });
  });
  if (issues.length > before) return undefined;
  return { sourceMatchers, targetMatchers, equal: [...new Set(equal)] };
}

/**
 * Converts Alertmanager `inhibit_rules` entries (parsed YAML) into rules: `*_match` becomes `=`
 * matchers, `*_match_re` anchored `=~` matchers, and `*_matchers` strings are parsed with
 * `parseMatchers`; all three forms may be combined, as in Alertmanager.
 * @throws ConfigError listing every problem, each with its path (`inhibit_rules[1].equal[0]`).
 */
export function inhibitRulesFromConfig(
  configs: readonly unknown[],
  path: readonly PropertyKey[] = ['inhibit_rules'],
): InhibitRule[] {
  const issues: ConfigIssue[] = [];
  const rules = configs.map((config, index) => convert(config, [...path, index], issues));
  if (issues.length > 0) throw new ConfigError(issues, { subject: 'inhibit rules' });
  return rules as InhibitRule[];
}

/** Converts one `inhibit_rules` entry; see {@link inhibitRulesFromConfig}. */
export function inhibitRuleFromConfig(
  config: unknown,
  path: readonly PropertyKey[] = ['inhibit_rules', 0],
): InhibitRule {
  const issues: ConfigIssue[] = [];
  const rule = convert(config, path, issues);
  if (!rule) throw new ConfigError(issues, { subject: 'inhibit rule' });
  return rule;
}

/** Whether a rule is already in matcher form (rather than configuration). */
export function isInhibitRule(rule: unknown): rule is InhibitRule {
  return (
    typeof rule === 'object' &&
    rule !== null &&
    Array.isArray((rule as InhibitRule).sourceMatchers) &&
    Array.isArray((rule as InhibitRule).targetMatchers)
  );
}
