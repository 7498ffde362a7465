import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@phoenix-alerting/core';
import { createServer } from '@phoenix-alerting/server';
import { describe, expect, it } from 'vitest';
import { checkConfig } from './check-config.js';
import { captureIo } from './test-support/capture-io.js';

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url).pathname;

function check(files: string[], readStdin?: () => string) {
  const io = captureIo();
  const exitCode = checkConfig(files, io, { env: {}, ...(readStdin ? { readStdin } : {}) });
  return { exitCode, stdout: io.out, stderr: io.err };
}

const specSummary = (file: string) =>
  `Checking '${file}'  SUCCESS\n` +
  'Found:\n - global config\n - route\n - 0 inhibit rules\n - 4 receivers\n - 0 templates\n\n';

describe('check-config', () => {
  it('prints amtool’s summary for a valid file and exits 0', () => {
    const file = fixture('spec-routing.yml');
    expect(check([file])).toEqual({ exitCode: 0, stdout: specSummary(file), stderr: '' });
  });

  it('adds Phoenix’s sections after amtool’s lines', () => {
    const file = fixture('phoenix.yml');
    expect(check([file]).stdout).toBe(
      `Checking '${file}'  SUCCESS\n` +
        'Found:\n - global config\n - route\n - 1 inhibit rules\n - 1 receivers\n - 1 templates\n' +
        ' - 1 escalation policies\n - 1 on-call rotations\n' +
        // Template globs are relative to the config file, as in Alertmanager.
        '  SUCCESS (1 file read; syntax not checked yet)\n\n',
    );
  });

  it('lists every problem with the file and the YAML path on stderr, and exits 1', () => {
    const file = fixture('invalid-references.yml');
    const { exitCode, stdout, stderr } = check([file]);
    expect(exitCode).toBe(1);
    expect(stdout).toBe(`Checking '${file}'  FAILED: 4 problems\n\n`);
    expect(stderr.split('\n')).toEqual([
      `${file}: route.receiver: undefined receiver "nope" used in route (line 2, column 13)`,
      `${file}: route.routes[0].receiver: undefined receiver "also-missing" used in route (line 5, column 17)`,
      `${file}: route.routes[0].mute_time_intervals[0]: undefined time interval "weekends" used in route (line 6, column 29)`,
      `${file}: receivers[1].name: notification config name "default" is not unique (line 9, column 11)`,
      'phoenix-alerting: error: failed to validate 1 file(s)',
      '',
    ]);
  });

  it('reports schema errors with their paths too', () => {
    const file = fixture('invalid.yml');
    const { exitCode, stderr } = check([file]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain(`${file}: route.group_wait: expected a duration`);
    expect(stderr).toContain(`${file}: route.routes[0].matchers[0]: invalid matcher severity=~"("`);
  });

  it('reports a missing file clearly, without a stack trace, and checks the other files', () => {
    const missing = fixture('no-such-file.yml');
    const valid = fixture('spec-routing.yml');
    const { exitCode, stdout, stderr } = check([missing, valid]);
    expect(exitCode).toBe(1);
    expect(stdout).toBe(`Checking '${missing}'  FAILED: 1 problem\n\n${specSummary(valid)}`);
    expect(stderr).toMatch(
      new RegExp(`^${missing}: cannot read: ENOENT: no such file or directory`),
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).toMatch(/phoenix-alerting: error: failed to validate 1 file\(s\)\n$/);
  });

  it('prints amtool’s plain SUCCESS for template globs that match no file', () => {
    const text = "route: {receiver: a}\nreceivers: [{name: a}]\ntemplates: ['nowhere/*.tmpl']\n";
    expect(check(['-'], () => text).stdout).toContain(' - 1 templates\n  SUCCESS\n\n');
  });

  it('fails on unset environment variables, which the server would need', () => {
    const file = fixture('with-secrets.yml');
    const { exitCode, stderr } = check([file]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain(
      `${file}: global.slack_api_url: environment variable SLACK_API_URL is not set (line 3`,
    );
    const withEnv = checkConfig([file], captureIo(), {
      env: { SLACK_API_URL: 'https://hooks.slack.example/x', PAGERDUTY_SERVICE_KEY: 'k' },
    });
    expect(withEnv).toBe(0);
  });

  it('reads standard input for -', () => {
    const text = 'route:\n  receiver: a\nreceivers:\n  - name: a\n';
    expect(check(['-'], () => text)).toMatchObject({ exitCode: 0 });
    const bad = check(['-'], () => 'route:\n  receiver: b\nreceivers:\n  - name: a\n');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('<stdin>: route.receiver: undefined receiver "b" used in route');
  });

  describe('rule_files and sources', () => {
    const route = 'route: {receiver: r}\nreceivers: [{name: r}]\n';
    function withDir(files: Record<string, string>, run: (dir: string) => void) {
      const dir = mkdtempSync(join(tmpdir(), 'phoenix-check-'));
      try {
        mkdirSync(join(dir, 'rules'));
        for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
        run(dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const rules = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n';

    it('builds the sources as the server does and counts them', () => {
      withDir(
        {
          'rules/a.yml': rules,
          'phoenix.yml':
            `${route}rule_files: [rules/*.yml]\nsources:\n` +
            '  - {type: prometheus, url: "http://prometheus:9090"}\n' +
            '  - {type: healthcheck, checks: [{name: db, type: tcp, address: "db:5432"}]}\n',
        },
        (dir) => {
          const file = join(dir, 'phoenix.yml');
          const { exitCode, stdout } = check([file]);
          expect(exitCode).toBe(0);
          expect(stdout).toContain(' - 1 rule files\n - 2 sources\n');
        },
      );
    });

    it('reports bad sources and rule files exactly as the server does', () => {
      withDir(
        {
          'rules/a.yml': 'groups:\n  - name: g\n    rules:\n      - alert: A\n',
          'phoenix.yml':
            `${route}rule_files: [rules/*.yml]\nsources:\n` +
            '  - {type: prometheus, url: "http://prometheus:9090", timeout: soon}\n' +
            '  - {type: loki, url: "http://loki:3100", bearer_token_file: missing}\n' +
            '  - {type: graphite}\n',
        },
        (dir) => {
          const file = join(dir, 'phoenix.yml');
          let serverIssues: string[] = [];
          try {
            createServer({ configFile: file, dataDir: ':memory:', env: {} });
          } catch (error) {
            if (!ConfigError.isInstance(error)) throw error;
            serverIssues = error.issues.map(
              (issue) => `${issue.file}: ${issue.path}: ${issue.message}`,
            );
          }
          const { exitCode, stdout, stderr } = check([file]);
          expect(exitCode).toBe(1);
          expect(stdout).toBe(`Checking '${file}'  FAILED: 4 problems\n\n`);
          expect(stderr.split('\n').slice(0, -2)).toEqual(serverIssues);
          expect(serverIssues).toEqual([
            expect.stringContaining(`${file}: sources[0].timeout: `),
            `${file}: sources[1].rule_files: no rule files: a loki source needs its own rule_files`,
            `${file}: sources[1].bearer_token_file: cannot read ${join(dir, 'missing')}: ENOENT`,
            `${file}: sources[2].type: unknown source type "graphite"; one of prometheus, loki, tempo, healthcheck`,
          ]);
        },
      );
    });

    it('names the rule file and the path in it for a bad rule', () => {
      withDir(
        {
          'rules/bad.yml': 'groups:\n  - name: g\n    rules:\n      - alert: A\n',
          'phoenix.yml': `${route}rule_files: [rules/*.yml]\nsources: [{type: prometheus, url: "http://p:9090"}]\n`,
        },
        (dir) => {
          const { exitCode, stderr } = check([join(dir, 'phoenix.yml')]);
          expect(exitCode).toBe(1);
          expect(stderr).toContain(`${join(dir, 'rules', 'bad.yml')}: groups[0].rules[0].expr`);
        },
      );
    });
  });
});
