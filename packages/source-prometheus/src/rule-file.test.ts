import { readFileSync } from 'node:fs';
import { ConfigError } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { checkExpression } from './expression.js';
import { loadRuleFiles, parseRuleFile } from './rule-file.js';

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url).pathname;

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.message.split('\n').slice(1);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('rule files', () => {
  it('loads the specification’s rule files unchanged', () => {
    const { groups, warnings } = loadRuleFiles([
      fixture('system-health.yml'),
      fixture('application-health.yml'),
    ]);
    expect(warnings).toEqual([]);
    expect(groups.map((group) => [group.name, group.rules.length])).toEqual([
      ['system_health', 3],
      ['application_health', 3],
    ]);
    expect(groups[0]).toMatchObject({
      file: fixture('system-health.yml'),
      intervalMs: undefined,
      limit: 0,
    });
    expect(groups[0]!.rules[2]).toEqual({
      kind: 'alerting',
      alert: 'DiskSpaceCritical',
      expr: 'disk_free_bytes / disk_total_bytes < 0.10',
      forMs: 600_000,
      keepFiringForMs: 0,
      labels: { severity: 'critical', category: 'resource', team: 'platform' },
      annotations: {
        summary: 'Critical disk space',
        description: 'Less than 10% disk space remaining',
        runbook_url: 'docs/runbooks/disk_space_critical.md',
      },
    });
  });

  it('reads interval, limit, keep_firing_for and templates', () => {
    const text = `groups:
  - name: g
    interval: 30s
    limit: 10
    rules:
      - alert: A
        expr: up == 0
        keep_firing_for: 2m
        labels: { instance: '{{ $labels.instance }}', priority: 1 }
`;
    const [group] = parseRuleFile(text, 'inline.yml').groups;
    expect(group).toMatchObject({ intervalMs: 30_000, limit: 10 });
    expect(group!.rules[0]).toMatchObject({
      keepFiringForMs: 120_000,
      labels: { instance: '{{ $labels.instance }}', priority: '1' },
    });
  });

  it('reports every problem with file, YAML path and line, as promtool checks them', () => {
    const file = fixture('invalid.yml');
    expect(issuesOf(() => loadRuleFiles([file]))).toEqual([
      `  - ${file}: groups[0].interval: not a valid duration string: "30" (add a unit, e.g. "30s") (line 3, column 15)`,
      `  - ${file}: groups[0].rules[0].expr: field 'expr' must be set in rule (line 5, column 9)`,
      `  - ${file}: groups[0].rules[1].labels["1bad"]: invalid label name: 1bad (line 11, column 17)`,
      `  - ${file}: groups[0].rules[1].labels.__name__: invalid label name: __name__ (line 12, column 21)`,
      `  - ${file}: groups[0].rules[1].for: unknown unit "x" in duration "5x" (line 9, column 14)`,
      `  - ${file}: groups[0].rules[1].annotations.summary: annotation "summary": template: __alert_BadLabel:1: unclosed action (line 14, column 20)`,
      `  - ${file}: groups[0].rules[2].expr: could not parse expression: unclosed left parenthesis at position 4 (line 16, column 15)`,
      `  - ${file}: groups[0].rules[2].for: invalid field 'for' in recording rule (line 17, column 14)`,
      `  - ${file}: groups[1].name: groupname: "dup" is repeated in the same file (line 18, column 11)`,
      `  - ${file}: groups[1].rules[0].severity: unknown field "severity" in rule (line 24, column 19)`,
      `  - ${file}: groups[1].rules[0]: only one of 'record' and 'alert' must be set (line 20, column 9)`,
      `  - ${file}: groups[1].rules[0].keep_firing_for: not a valid duration string: "soon" (line 23, column 26)`,
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const lines = issuesOf(() => parseRuleFile('groups:\n  - name: [unclosed\n', 'bad.yml'));
    expect(lines[0]).toMatch(/^ {2}- bad\.yml: invalid YAML: .*\(line \d+, column \d+\)$/);
  });

  it('reports unreadable files and goes on with the others', () => {
    const missing = fixture('missing.yml');
    const lines = issuesOf(() => loadRuleFiles([missing, fixture('invalid.yml')]));
    expect(lines[0]).toMatch(new RegExp(`^  - ${missing}: cannot read: ENOENT`));
    expect(lines.length).toBeGreaterThan(5);
  });

  it('rejects what is not a rule file', () => {
    expect(issuesOf(() => parseRuleFile('- 1\n- 2\n', 'list.yml'))).toEqual([
      '  - list.yml: expected a mapping with `groups`, got a list (line 1, column 1)',
    ]);
    expect(issuesOf(() => parseRuleFile('groups:\n  - 1\n', 'one.yml'))).toEqual([
      '  - one.yml: groups[0]: expected a rule group (a mapping with name and rules) (line 2, column 5)',
    ]);
    expect(issuesOf(() => parseRuleFile('rules: []\n', 'r.yml'))).toEqual([
      '  - r.yml: rules: unknown field "rules" (expected only "groups") (line 1, column 8)',
    ]);
  });

  it('takes an empty file as no groups', () => {
    expect(parseRuleFile('', 'empty.yml')).toEqual({ groups: [], warnings: [] });
    expect(readFileSync(fixture('system-health.yml'), 'utf8')).toContain('system_health');
  });
});

describe('expression check', () => {
  it('accepts PromQL, LogQL and TraceQL with strings, regexes and comments', () => {
    for (const expr of [
      'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.05',
      'sum by (app) (count_over_time({app="api"} |= `error (` [5m])) > 10',
      '{ span.http.status_code >= 500 && resource.service.name = "api" } | rate()',
      'up # a comment with (\n== 0',
    ])
      expect(checkExpression(expr)).toBeUndefined();
  });

  it('names what does not balance', () => {
    expect(checkExpression('sum(up')).toBe('unclosed left parenthesis at position 4');
    expect(checkExpression('up)')).toBe("unexpected right parenthesis ')' at position 3");
    expect(checkExpression('rate(x[5m)')).toBe(
      "unexpected right parenthesis ')' at position 10, expected ']'",
    );
    expect(checkExpression('{app="x}')).toBe('unterminated quoted string at position 6');
  });
});
