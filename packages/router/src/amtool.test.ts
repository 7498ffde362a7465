// Differential test against the real Alertmanager 0.25: random routing trees, random label sets,
// and `amtool config routes test` as the oracle. Skipped where amtool is not installed.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAlertmanagerConfig } from '@phoenix-alerting/core';
import { seededRandom } from '@phoenix-alerting/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createRouter } from './router.js';

const run = promisify(execFile);

function hasAmtool(): boolean {
  try {
    return execFileSync('amtool', ['--version'], { stdio: 'pipe' }).toString().includes('0.2');
  } catch (error) {
    // amtool prints its version on stderr in some builds.
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    return stderr.includes('amtool, version');
  }
}

const names = ['team', 'env', 'sev'];
const values = ['a', 'b', 'c'];
const patterns = ['a|b', 'b.*', '.*', 'c', ''];

function randomRoute(next: () => number, depth: number): Record<string, unknown> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const route: Record<string, unknown> = {};
  if (depth > 0) {
    const matchers: string[] = [];
    const count = 1 + Math.floor(next() * 2);
    for (let i = 0; i < count; i++) {
      const op = pick(['=', '!=', '=~', '!~']);
      const value = op.includes('~') ? pick(patterns) : pick([...values, '']);
      matchers.push(`${pick(names)}${op}"${value}"`);
    }
    const style = next();
    if (style < 0.6) route.matchers = matchers;
    else if (style < 0.8) route.match = { [pick(names)]: pick(values) };
    else route.match_re = { [pick(names)]: pick(patterns) };
    if (next() < 0.35) route.continue = true;
  }
  if (depth === 0 || next() < 0.6) route.receiver = `r${Math.floor(next() * 5)}`;
  if (depth < 3 && (depth === 0 || next() < 0.5)) {
    const children = 1 + Math.floor(next() * 4);
    route.routes = Array.from({ length: children }, () => randomRoute(next, depth + 1));
  }
  return route;
}

function randomLabels(next: () => number): Record<string, string> {
  const labels: Record<string, string> = { alertname: 'Test' };
  for (const name of names) {
    const value = Math.floor(next() * (values.length + 1));
    if (value < values.length) labels[name] = values[value]!;
  }
  return labels;
}

describe.skipIf(!hasAmtool())('routing agrees with amtool config routes test', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-router-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([1, 2, 3, 4, 5, 6])('random tree %i', { timeout: 30_000 }, async (seed) => {
    const next = seededRandom(seed);
    const config = {
      route: randomRoute(next, 0),
      receivers: ['r0', 'r1', 'r2', 'r3', 'r4'].map((name) => ({ name })),
    };
    // JSON is YAML: both loaders read the same file.
    const file = join(dir, `tree-${seed}.yml`);
    const text = JSON.stringify(config, null, 1);
    writeFileSync(file, text);
    const router = createRouter(parseAlertmanagerConfig(text).route);

    const labelSets = Array.from({ length: 20 }, () => randomLabels(next));
    const expected = await Promise.all(
      labelSets.map(async (labels) => {
        const args = Object.entries(labels).map(([name, value]) => `${name}=${value}`);
        const { stdout } = await run('amtool', [
          'config',
          'routes',
          'test',
          '--config.file',
          file,
          ...args,
        ]);
        return stdout.trim();
      }),
    );
    const actual = labelSets.map((labels) =>
      router
        .match(labels)
        .map((match) => match.receiver)
        .join(','),
    );
    expect(actual, text).toEqual(expected);
  });
});
