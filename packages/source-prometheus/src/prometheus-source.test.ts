import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@phoenix-alerting/core';
import { FakeClock } from '@phoenix-alerting/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPrometheusSource } from './prometheus-source.js';
import { eventually, startFakeApi, testContext } from './test-support.js';
import type { FakeApi } from './test-support.js';

const T = Date.parse('2024-06-01T00:00:00Z');
let api: FakeApi | undefined;
let dir: string | undefined;
afterEach(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  api = undefined;
  dir = undefined;
});

const answers: Record<string, unknown> = {
  'vector(1) > 0': {
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: {}, value: [T / 1000, '1'] }] },
  },
  'up == 0': {
    status: 'success',
    data: {
      resultType: 'vector',
      result: [
        { metric: { __name__: 'up', job: 'node', instance: 'db-1:9100' }, value: [T / 1000, '0'] },
      ],
    },
  },
};

async function fakePrometheus(): Promise<FakeApi> {
  api = await startFakeApi((request) => {
    const body = answers[request.params.query ?? ''];
    if (body) return { status: 200, body };
    return {
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: `1:1: parse error: unknown query` },
    };
  });
  return api;
}

/** Runs evaluations up to `minutes` (each a real HTTP round trip), one minute apart. */
async function runMinutes(context: ReturnType<typeof testContext>, minutes: number) {
  for (let minute = 0; minute <= minutes; minute++) {
    await context.clock.advanceTo(T + minute * 60_000);
    await eventually(() => (context.clock.nextDue() ?? 0) >= T + (minute + 1) * 60_000);
  }
}

describe('createPrometheusSource', () => {
  it('evaluates a rule file against the Prometheus API and fires after `for`', async () => {
    const prometheus = await fakePrometheus();
    dir = mkdtempSync(join(tmpdir(), 'source-prometheus-'));
    const file = join(dir, 'rules.yml');
    writeFileSync(
      file,
      `groups:
  - name: nodes
    rules:
      - alert: InstanceDown
        expr: up == 0
        for: 2m
        labels:
          severity: page
        annotations:
          summary: '{{ $labels.instance }} of job {{ $labels.job }} is down'
      - alert: Broken
        expr: this is not valid
`,
    );
    const source = createPrometheusSource({
      url: prometheus.url,
      ruleFiles: [file],
      externalLabels: { cluster: 'eu-1' },
    });
    expect(source.name).toBe('prometheus');
    const context = testContext({ clock: new FakeClock(T) });
    await source.start(context);
    await runMinutes(context, 2);

    expect(context.batches).toHaveLength(1);
    expect(context.batches[0]).toEqual([
      {
        labels: {
          alertname: 'InstanceDown',
          instance: 'db-1:9100',
          job: 'node',
          severity: 'page',
          cluster: 'eu-1',
        },
        annotations: { summary: 'db-1:9100 of job node is down' },
        startsAt: T + 120_000,
        endsAt: T + 120_000 + 240_000,
        generatorURL: `${prometheus.url}/graph?g0.expr=up+%3D%3D+0&g0.tab=1`,
      },
    ]);
    const broken = source.rules().find((rule) => rule.name === 'Broken');
    expect(broken).toMatchObject({
      health: 'err',
      lastError: 'Prometheus answered 400: bad_data: 1:1: parse error: unknown query',
      evaluationFailures: 3,
    });
    expect(context.failures.map((failure) => failure.stage)).toEqual([
      'rule nodes/Broken',
      'rule nodes/Broken',
      'rule nodes/Broken',
    ]);
    expect(prometheus.requests[0]).toMatchObject({
      method: 'POST',
      params: { query: 'up == 0', time: String(T / 1000) + '.000' },
    });
    await source.stop();
  });

  it('takes groups in code, with an always-firing rule and a templated annotation', async () => {
    const prometheus = await fakePrometheus();
    const source = createPrometheusSource({
      name: 'self',
      url: prometheus.url,
      externalURL: 'https://prometheus.example.com',
      groups: [
        {
          name: 'always',
          interval: '1m',
          rules: [
            {
              alert: 'AlwaysFiring',
              expr: 'vector(1) > 0',
              annotations: { summary: 'value {{ $value }}' },
            },
          ],
        },
      ],
    });
    const context = testContext({ clock: new FakeClock(T) });
    await source.start(context);
    await runMinutes(context, 0);
    expect(context.batches[0]![0]).toMatchObject({
      labels: { alertname: 'AlwaysFiring' },
      annotations: { summary: 'value 1' },
      generatorURL: 'https://prometheus.example.com/graph?g0.expr=vector%281%29+%3E+0&g0.tab=1',
    });
    await source.stop();
  });

  it('names every bad option and every rule problem', () => {
    let error: unknown;
    try {
      createPrometheusSource({ url: 'ftp//nope', timeoutMs: -1, groups: [] } as never);
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['url', 'timeoutMs']);
    expect(() =>
      createPrometheusSource({
        url: 'http://prometheus:9090',
        groups: [{ name: 'g', rules: [{ alert: 'A' }] }],
      } as never),
    ).toThrow("groups[0].rules[0].expr: field 'expr' must be set in rule");
    expect(() =>
      createPrometheusSource({ url: 'http://prometheus:9090', groups: [], bogus: 1 } as never),
    ).toThrow('unknown option "bogus"');
  });

  it('keeps credentials out of generator URLs', async () => {
    const prometheus = await fakePrometheus();
    const source = createPrometheusSource({
      url: prometheus.url.replace('http://', 'http://user:secret@'),
      groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'vector(1) > 0' }] }],
    });
    const context = testContext({ clock: new FakeClock(T) });
    await source.start(context);
    await runMinutes(context, 0);
    expect(context.batches[0]![0]!.generatorURL).toBe(
      `${prometheus.url}/graph?g0.expr=vector%281%29+%3E+0&g0.tab=1`,
    );
    expect(prometheus.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('user:secret').toString('base64')}`,
    );
    await source.stop();
  });
});
