// Differential test: how Alertmanager 0.25 reads YAML scalars and regexes (Go, gopkg.in/yaml.v2,
// Go 1.19's regexp) against parseAlertmanagerConfig, with the real amtool as the oracle. Each case
// is a small configuration: Phoenix's decoded value is put to amtool (`config routes test`), or
// both are asked whether the file is valid (`check-config`). Runs only where amtool 0.25 is
// installed at /usr/bin/amtool.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseAlertmanagerConfig } from './alertmanager-config.js';
import { ConfigError } from './errors.js';
import { createMatcher } from './matcher.js';

const AMTOOL = '/usr/bin/amtool';

let directory = '';
let files = 0;

function write(text: string): string {
  const file = join(directory, `config-${files++}.yml`);
  writeFileSync(file, text);
  return file;
}

function amtool(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(AMTOOL, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The receivers amtool routes `labels` to, e.g. `hit,hit2`. */
function amtoolRoutes(text: string, labels: Record<string, string>): string {
  // `--` keeps the label arguments from being read as flags; values are quoted matchers.
  const args = Object.entries(labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  const result = amtool(['config', 'routes', 'test', '--config.file', write(text), '--', ...args]);
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.trim();
}

/** `undefined` when amtool accepts the file, else its error (the first, as Alertmanager stops). */
function amtoolProblem(text: string): string | undefined {
  const result = amtool(['check-config', write(text)]);
  if (result.status === 0) return undefined;
  return /FAILED: ([\s\S]*)$/.exec(result.stdout)?.[1]?.trimEnd() ?? result.stdout + result.stderr;
}

/** `undefined` when Phoenix accepts the file, else its messages without positions. */
function phoenixProblems(text: string): string[] | undefined {
  try {
    parseAlertmanagerConfig(text, { env: {} });
    return undefined;
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return (error as ConfigError).issues.map((issue) =>
      issue.message.replace(/ \(line \d+, column \d+\)$/, ''),
    );
  }
}

const receivers = 'receivers: [{name: default}, {name: hit}, {name: hit2}]\n';
const withRoutes = (routes: string) =>
  `route:\n  receiver: default\n  routes:\n${routes}\n${receivers}`;
const matchValue = (scalar: string) =>
  withRoutes(`    - receiver: hit\n      match:\n        v: ${scalar}`);
const continueValue = (scalar: string) =>
  withRoutes(`    - receiver: hit\n      continue: ${scalar}\n    - receiver: hit2`);
const inhibitEqual = (list: string) =>
  `${withRoutes('    - {receiver: hit}')}inhibit_rules:\n  - {source_matchers: [a=b], equal: ${list}}\n`;
const timeInterval = (spec: string) =>
  `${withRoutes('    - {receiver: hit}')}time_intervals:\n  - {name: t, time_intervals: [{${spec}}]}\n`;
const matchRegex = (pattern: string) =>
  withRoutes(`    - receiver: hit\n      match_re:\n        v: ${JSON.stringify(pattern)}`);

describe.skipIf(!existsSync(AMTOOL))('YAML as Alertmanager 0.25 reads it, against amtool', () => {
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'phoenix-yaml-amtool-'));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  // A plain scalar in a string field is its text; YAML 1.2 would make some of these numbers or
  // booleans (`1.10` → 1.1), which amtool then does not route as Phoenix used to.
  it.each<[scalar: string, text: string]>([
    ['1.10', '1.10'],
    ['0500', '0500'],
    ['True', 'True'],
    ['TRUE', 'TRUE'],
    ['0x10', '0x10'],
    ['0o17', '0o17'],
    ['0b11', '0b11'],
    ['1e3', '1e3'],
    ['.5', '.5'],
    ['+5', '+5'],
    ['-0', '-0'],
    ['1_000', '1_000'],
    ['.inf', '.inf'],
    ['.NaN', '.NaN'],
    ['yes', 'yes'],
    ['on', 'on'],
    ['y', 'y'],
    ['2024-01-01', '2024-01-01'],
    ['12:30', '12:30'],
    ['~', ''],
    ['null', ''],
    ['', ''],
    ['"1.10"', '1.10'],
    ["'0500'", '0500'],
    ['"null"', 'null'],
    ['!!str 5', '5'],
    ['!!int 0x10', '0x10'],
    ['!!float 1.10', '1.10'],
  ])('match: {v: %s} is the label value %j', (scalar, text) => {
    const config = matchValue(scalar);
    const decoded = parseAlertmanagerConfig(config, { env: {} }).route.routes![0]!.match!.v;
    expect(decoded).toBe(text);
    expect(amtoolRoutes(config, { v: text })).toBe('hit');
    // What YAML 1.2 makes of it is a different label value for Alertmanager.
    const yaml12 = parse(`v: ${scalar}`) as { v: unknown };
    const asText = yaml12.v === null ? '' : String(yaml12.v);
    if (asText !== text) expect(amtoolRoutes(config, { v: asText })).toBe('default');
  });

  it.each([
    ...['true', 'True', 'TRUE', 'yes', 'Yes', 'YES', 'y', 'Y', 'on', 'On', 'ON'],
    ...['false', 'False', 'FALSE', 'no', 'No', 'NO', 'n', 'N', 'off', 'Off', 'OFF'],
    ...['~', '', '!!bool true'],
  ])('continue: %s', (scalar) => {
    const config = continueValue(scalar);
    const decoded = parseAlertmanagerConfig(config, { env: {} }).route.routes![0]!.continue;
    expect(amtoolRoutes(config, { a: 'b' })).toBe(decoded ? 'hit,hit2' : 'hit');
  });

  // Both reject these; where the message is Alertmanager's (not a YAML type error or a duration,
  // which Phoenix words its own way), it is the same.
  it.each<[description: string, config: string, sameMessage: boolean]>([
    ['continue: maybe', continueValue('maybe'), false],
    ['continue: tRUE', continueValue('tRUE'), false],
    ['continue: 1', continueValue('1'), false],
    ['continue: [true]', continueValue('[true]'), false],
    ['group_wait: 30', withRoutes('    - {receiver: hit, group_wait: 30}'), false],
    ['group_wait: 1e3', withRoutes('    - {receiver: hit, group_wait: 1e3}'), false],
    ['group_wait: 00', withRoutes('    - {receiver: hit, group_wait: 00}'), false],
    ['group_by: [a, ~]', withRoutes('    - {receiver: hit, group_by: [a, ~]}'), true],
    [
      'mute_time_intervals: [~]',
      withRoutes('    - {receiver: hit, mute_time_intervals: [~]}'),
      true,
    ],
    ['match_re: {v: ~}', withRoutes('    - {receiver: hit, match_re: {v: ~}}'), true],
    ['match: {1: x}', withRoutes('    - {receiver: hit, match: {1: x}}'), true],
    ['equal: [""]', inhibitEqual('[""]'), true],
    ['equal: [a-b]', inhibitEqual('[a-b]'), true],
    ['weekdays: [""]', timeInterval('weekdays: [""]'), true],
    ['times: [{start_time: ~}]', timeInterval("times: [{start_time: ~, end_time: '10:00'}]"), true],
    // YAML 1.2 would read 2024 here; Alertmanager's strconv.Atoi reads the text.
    ['years: [0x7E8]', timeInterval('years: [0x7E8]'), true],
  ])('rejects %s', (_, config, sameMessage) => {
    const theirs = amtoolProblem(config);
    const ours = phoenixProblems(config);
    expect(theirs).toBeDefined();
    expect(ours).toBeDefined();
    if (sameMessage) expect(ours).toContain(theirs);
  });

  it.each([
    ['group_wait: 0', withRoutes('    - {receiver: hit, group_wait: 0}')],
    ["group_wait: '0'", withRoutes("    - {receiver: hit, group_wait: '0'}")],
    ['matchers: [~]', withRoutes('    - {receiver: hit, matchers: [~]}')],
    ['receiver: ~', withRoutes('    - {receiver: ~}')],
    ['templates: [0500]', `${withRoutes('    - {receiver: hit}')}templates: [0500]\n`],
    // Null skips the item type's unmarshaler, and so its check: the zero value, accepted.
    ['equal: [~]', inhibitEqual('[~]')],
    ['weekdays: [~]', timeInterval('weekdays: [~]')],
    ['days_of_month: [~]', timeInterval('days_of_month: [~]')],
    ['months: [~]', timeInterval('months: [~]')],
    ['years: [~]', timeInterval('years: [~]')],
    ['times: [~]', timeInterval('times: [~]')],
    ['location: ~', timeInterval('location: ~')],
    ['years: [2024]', timeInterval('years: [2024]')],
  ])('accepts %s', (_, config) => {
    expect(amtoolProblem(config)).toBeUndefined();
    expect(phoenixProblems(config)).toBeUndefined();
  });

  const deep = (depth: number) => `${'('.repeat(depth)}a${')'.repeat(depth)}`;

  // Go 1.19's regexp/syntax, where re2js (today's RE2) accepts more or fewer patterns.
  it.each([
    '(?<name>x)',
    '(?<=x)',
    'a{1001}(?<name>x)',
    '\\p{Kawi}',
    '[\\p{Vithkuqi}]',
    '\\P{^Toto}',
    '\\p{Emoji}',
    '\\p{White_Space}',
    '\\p{LC}',
    '\\p{Cn}',
    '\\p{Ascii}',
    '\\p{Assigned}',
    '(?P<n>a)(?P<n>b)(',
    deep(999),
    '(?P<name>x)',
    '(?P<a>x)(?P<a>y)',
    '\\Q(?<name>x)\\E',
    '[(?<name>x)]',
    '\\p{Greek}\\p{^Han}\\pL[[:alpha:]]',
    deep(998),
  ])('match_re: %j', (pattern) => {
    const config = matchRegex(pattern);
    const theirs = amtoolProblem(config);
    const ours = phoenixProblems(config)?.map((message) =>
      message.replace(/^invalid regular expression: /, ''),
    );
    expect(ours?.[0]).toBe(theirs);
  });

  it('matches repeated group names as Alertmanager does', () => {
    const config = matchRegex('(?P<a>x)(?P<a>y)');
    const pattern = parseAlertmanagerConfig(config, { env: {} }).route.routes![0]!.match_re!.v!;
    for (const value of ['xy', 'x', 'xyz']) {
      const ours = createMatcher('=~', 'v', pattern).matches(value) ? 'hit' : 'default';
      expect(amtoolRoutes(config, { v: value })).toBe(ours);
    }
  });

  // Known difference: yaml.v2 refuses a quoted scalar in a bool field (`cannot unmarshal !!str`),
  // but once decoded to text Phoenix cannot tell `"true"` from `true`, and accepts both.
  it.each(['"true"', "'yes'"])('accepts continue: %s, which Alertmanager refuses', (scalar) => {
    const config = continueValue(scalar);
    expect(amtoolProblem(config)).toMatch(/cannot unmarshal !!str .* into bool/);
    expect(phoenixProblems(config)).toBeUndefined();
  });
});
