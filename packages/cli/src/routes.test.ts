import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routesShow, routesTest } from './routes.js';
import type { RoutesTestOptions } from './routes.js';
import { captureIo } from './test-support/capture-io.js';

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url).pathname;
/** Output recorded from amtool 0.25 (`amtool config routes …`) for the same fixture. */
const amtoolOutput = (name: string) => readFileSync(fixture(`amtool/${name}`), 'utf8');

const spec = fixture('spec-routing.yml');
const tricky = fixture('tricky-routing.yml');

function test(options: Omit<RoutesTestOptions, 'env'>) {
  const io = captureIo();
  const exitCode = routesTest({ env: {}, ...options }, io);
  return { exitCode, stdout: io.out, stderr: io.err };
}

function show(config: string) {
  const io = captureIo();
  const exitCode = routesShow({ config, env: {} }, io);
  return { exitCode, stdout: io.out, stderr: io.err };
}

describe('routes test', () => {
  it('prints the receivers on one line, as amtool', () => {
    expect(test({ config: spec, labels: ['severity=critical'] })).toEqual({
      exitCode: 0,
      stdout: 'pagerduty-critical\n',
      stderr: '',
    });
    expect(test({ config: spec, labels: ['severity="warning"', 'team=db'] }).stdout).toBe(
      'pagerduty-warning\n',
    );
  });

  it('routes the empty label set when no labels are given', () => {
    expect(test({ config: spec }).stdout).toBe('default\n');
    expect(test({ config: tricky, labels: [] }).stdout).toBe('r0\n');
  });

  it('lists every matched route in order, a receiver reached twice twice', () => {
    expect(test({ config: tricky, labels: ['a=y', 'b=x', 'c=x', 'd=1'] }).stdout).toBe(
      'r1,r2,r4,r4\n',
    );
    expect(
      test({ config: tricky, labels: ['a=y', 'b=x', 'c=x', 'd=1', 'e="f\\"g\\\\h"'] }).stdout,
    ).toBe('r1,r3,r4,r4\n');
  });

  it('draws the matching routes with --tree exactly as amtool', () => {
    expect(test({ config: tricky, labels: ['a=y', 'b=x', 'c=x', 'd=1'], tree: true }).stdout).toBe(
      amtoolOutput('tricky-routing.test-tree.txt'),
    );
    expect(test({ config: tricky, tree: true }).stdout).toBe(
      amtoolOutput('tricky-routing.test-tree-no-labels.txt'),
    );
    expect(test({ config: spec, labels: ['severity=critical'], tree: true }).stdout).toBe(
      amtoolOutput('spec-routing.test-tree-critical.txt'),
    );
  });

  it('--verify.receivers passes on the exact list and fails with amtool’s warning otherwise', () => {
    expect(
      test({
        config: tricky,
        labels: ['a=y', 'b=x', 'c=x', 'd=1'],
        verifyReceivers: 'r1,r2,r4,r4',
      }),
    ).toEqual({ exitCode: 0, stdout: 'r1,r2,r4,r4\n', stderr: '' });
    // Order and duplicates count: the comparison is on the joined text, as in amtool 0.25.
    for (const verifyReceivers of ['r1,r2,r4', 'r2,r1,r4,r4', 'r1, r2, r4, r4']) {
      expect(
        test({ config: tricky, labels: ['a=y', 'b=x', 'c=x', 'd=1'], verifyReceivers }),
      ).toEqual({
        exitCode: 1,
        stdout: 'r1,r2,r4,r4\nWARNING: Expected receivers did not match resolved receivers.\n',
        stderr: '',
      });
    }
    // An empty value checks nothing, as in amtool.
    expect(test({ config: spec, verifyReceivers: '' }).exitCode).toBe(0);
  });

  it('rejects labels that are not name=value with amtool’s messages', () => {
    expect(test({ config: spec, labels: ['severity'] })).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'phoenix-alerting: error: Failed to parse labels: bad matcher format: severity\n',
    });
    expect(test({ config: spec, labels: ['severity=~"crit.*"'] }).stderr).toBe(
      'phoenix-alerting: error: Failed to parse labels: labels must be specified as key=value pairs\n',
    );
  });

  it('reports a missing or invalid configuration without a stack trace', () => {
    const missing = test({ config: fixture('no-such-file.yml'), labels: ['a=b'] });
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('no-such-file.yml');
    expect(missing.stderr).not.toMatch(/\n\s+at /);

    const invalid = test({ config: fixture('invalid.yml') });
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stderr).toContain('route.group_wait');
    expect(invalid.stderr).toContain('route.routes[0].matchers[0]');
  });

  it('tests routes without the secrets: unset variables outside route only warn', () => {
    expect(test({ config: fixture('with-secrets.yml'), labels: ['severity=critical'] })).toEqual({
      exitCode: 0,
      stdout: 'pager\n',
      stderr:
        'phoenix-alerting: warning: SLACK_API_URL, PAGERDUTY_SERVICE_KEY are not set; routing ' +
        'does not use them, so only the route section was checked (check-config checks the ' +
        'whole file)\n',
    });
    const inRoute = test({ config: fixture('with-route-variable.yml') });
    expect(inRoute.exitCode).toBe(1);
    expect(inRoute.stderr).toContain(
      'route.receiver: environment variable DEFAULT_RECEIVER is not set',
    );
  });
});

describe('routes show', () => {
  it('prints the routing tree exactly as amtool', () => {
    expect(show(spec)).toEqual({
      exitCode: 0,
      stdout: amtoolOutput('spec-routing.show.txt'),
      stderr: '',
    });
    // Sorted matchers, match_re shown anchored, continue, inherited receivers.
    expect(show(tricky).stdout).toBe(amtoolOutput('tricky-routing.show.txt'));
  });
});
