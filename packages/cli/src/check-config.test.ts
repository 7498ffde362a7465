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
});
