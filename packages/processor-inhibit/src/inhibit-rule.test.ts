import { ConfigError, createMatcher, matchLabels, parseMatchers } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { createInhibitor } from './inhibitor.js';
import { inhibitRuleFromConfig, inhibitRulesFromConfig } from './inhibit-rule.js';

const text = (matchers: readonly { toString(): string }[]) => matchers.map(String);

describe('inhibitRuleFromConfig', () => {
  it('turns match into `=` and match_re into anchored `=~`, as NewInhibitRule does', () => {
    const rule = inhibitRuleFromConfig({
      source_match: { severity: 'critical', alertname: 'NodeDown' },
      source_match_re: { job: 'node|kube' },
      target_match_re: { severity: 'warn.*' },
      equal: ['instance', 'cluster', 'instance'],
    });
    expect(text(rule.sourceMatchers)).toEqual([
      'alertname="NodeDown"',
      'severity="critical"',
      'job=~"node|kube"',
    ]);
    expect(text(rule.targetMatchers)).toEqual(['severity=~"warn.*"']);
    expect(rule.equal).toEqual(['instance', 'cluster']);
    // Anchored: `node|kube` does not match `nodes`, `warn.*` does not match `prewarning`.
    expect(
      matchLabels(rule.sourceMatchers, {
        severity: 'critical',
        alertname: 'NodeDown',
        job: 'nodes',
      }),
    ).toBe(false);
    expect(matchLabels(rule.targetMatchers, { severity: 'prewarning' })).toBe(false);
    expect(matchLabels(rule.targetMatchers, { severity: 'warning' })).toBe(true);
  });

  it('parses *_matchers strings with parseMatchers, several per string, and combines all forms', () => {
    const rule = inhibitRuleFromConfig({
      source_match: { a: 'b' },
      source_matchers: ['{severity="critical", team=~"db|infra"}', 'env!=dev'],
      target_matchers: ['severity = "warning"'],
    });
    expect(text(rule.sourceMatchers)).toEqual([
      'a="b"',
      'severity="critical"',
      'team=~"db|infra"',
      'env!="dev"',
    ]);
    expect(text(rule.targetMatchers)).toEqual(['severity="warning"']);
    expect(rule.equal).toEqual([]);
  });

  it("accepts `*_matchers` already parsed, as core's config loader returns them", () => {
    const rule = inhibitRuleFromConfig({
      source_matchers: parseMatchers('severity="critical"'),
      target_matchers: ['severity="warning"', ...parseMatchers('team=~"db|infra"')],
      equal: ['cluster'],
    });
    expect(text(rule.sourceMatchers)).toEqual(['severity="critical"']);
    expect(text(rule.targetMatchers)).toEqual(['severity="warning"', 'team=~"db|infra"']);
  });

  it('reports every problem with its path', () => {
    let error: unknown;
    try {
      inhibitRulesFromConfig([
        { source_match: { severity: 'critical' }, equal: ['instance'] },
        {
          source_match: { '1bad': 'x' },
          target_match_re: { severity: '(' },
          target_matchers: ['severity=~"warning', 'ok="fine"'],
          equal: ['instance', 'not-valid'],
          sourcematch: { a: 'b' },
        },
        { source_matchers: 'severity="critical"' },
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    const issues = (error as ConfigError).issues;
    expect(issues.map((issue) => issue.path)).toEqual([
      'inhibit_rules[1].sourcematch',
      'inhibit_rules[2].source_matchers',
    ]);
    // Shape errors stop a rule before its values are checked; check the values on their own.
    const values = (() => {
      try {
        inhibitRuleFromConfig({
          source_match: { '1bad': 'x' },
          target_match_re: { severity: '(' },
          target_matchers: ['severity=~"warning', 'ok="fine"'],
          equal: ['instance', 'not-valid'],
        });
      } catch (caught) {
        return (caught as ConfigError).issues;
      }
      return [];
    })();
    expect(values.map((issue) => issue.path)).toEqual([
      'inhibit_rules[0].source_match["1bad"]',
      'inhibit_rules[0].target_match_re.severity',
      'inhibit_rules[0].target_matchers[0]',
      'inhibit_rules[0].equal[1]',
    ]);
    expect(values[0]?.message).toBe('invalid label name "1bad"');
    expect(values[1]?.message).toMatch(/severity=~"\("/);
    expect(values[3]?.message).toBe('"not-valid" is not a valid label name');
    expect((error as Error).message).toMatch(
      /^invalid inhibit rules:\n {2}- inhibit_rules\[1\]\.sourcematch: /,
    );
  });
});

describe('createInhibitor rules', () => {
  it('accepts rules in matcher form and in configuration form, side by side', () => {
    const inhibitor = createInhibitor({
      rules: [
        {
          sourceMatchers: [createMatcher('=', 'alertname', 'A')],
          targetMatchers: [createMatcher('=', 'alertname', 'B')],
        },
        { source_match: { alertname: 'C' }, target_match: { alertname: 'D' }, equal: ['x'] },
      ],
    });
    expect(inhibitor.rules).toHaveLength(2);
    expect(text(inhibitor.rules[1]!.sourceMatchers)).toEqual(['alertname="C"']);
  });

  it('rejects bad options and bad rules with one ConfigError', () => {
    expect(() =>
      createInhibitor({ rules: [{ source_match_re: { a: '[' } }], gcIntervalMs: 0 }),
    ).toThrow(/gcIntervalMs/);
    expect(() => createInhibitor({ rules: [{ source_match_re: { a: '[' } }] })).toThrow(
      /rules\[0\]\.source_match_re\.a/,
    );
  });
});
