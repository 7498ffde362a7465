import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from './io.js';
import { rulesCheckCommand, rulesCheckHelp } from './rules-check.js';
import { captureIo } from './test-support/capture-io.js';

const dir = mkdtempSync(join(tmpdir(), 'rules-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const valid = file(
  'valid.yml',
  `groups:
- name: system_health
  rules:
  - alert: HighCPUUsage
    expr: avg(rate(process_cpu_seconds_total[5m])) > 0.85
    for: 5m
    labels: { severity: warning }
    annotations: { summary: High CPU usage detected }
  - alert: DiskSpaceCritical
    expr: disk_free_bytes / disk_total_bytes < 0.10
    for: 10m
- name: recorded
  rules:
  - record: job:up:sum
    expr: sum(up) by (job)
`,
);
const invalid = file(
  'invalid.yml',
  `groups:
- name: g
  rules:
  - alert: NoExpr
    for: 5
`,
);

async function check(...args: string[]) {
  const io = captureIo();
  const exitCode = await rulesCheckCommand(args, io);
  return { exitCode, stdout: io.out, stderr: io.err };
}

describe('rules check', () => {
  it('prints promtool’s summary for valid files, with a warning per recording rule', async () => {
    expect(await check(valid)).toEqual({
      exitCode: 0,
      stdout:
        `Checking ${valid}\n  SUCCESS: 3 rules found\n` +
        `  WARNING: ${valid}: groups[1].rules[0]: recording rule "job:up:sum" is not evaluated ` +
        '(Phoenix has no time-series database to write it to); evaluate it in Prometheus or Loki\n\n',
      stderr: '',
    });
  });

  it('lists every problem with file, path and line, checks every file, and exits 1', async () => {
    const missing = join(dir, 'missing.yml');
    const { exitCode, stdout, stderr } = await check(invalid, missing, valid);
    expect(exitCode).toBe(1);
    expect(stdout).toMatch(
      `Checking ${invalid}\n\nChecking ${missing}\n\nChecking ${valid}\n  SUCCESS: 3 rules found\n`,
    );
    expect(stderr.split('\n')).toEqual([
      '  FAILED:',
      `${invalid}: groups[0].rules[0].expr: field 'expr' must be set in rule (line 4, column 5)`,
      `${invalid}: groups[0].rules[0].for: not a valid duration string: "5" (add a unit, e.g. "5s") (line 5, column 10)`,
      '  FAILED:',
      expect.stringMatching(new RegExp(`^${missing}: cannot read: ENOENT`)),
      'phoenix-alerting: error: 2 of 3 rule file(s) failed the check',
      '',
    ]);
  });

  it('prints its help and rejects a command line without files', async () => {
    expect(await check('--help')).toEqual({ exitCode: 0, stdout: rulesCheckHelp, stderr: '' });
    await expect(check()).rejects.toSatisfy(
      (error: unknown) => error instanceof CliError && error.exitCode === 2,
    );
    await expect(check('--lint=none', valid)).rejects.toBeInstanceOf(CliError);
  });
});
