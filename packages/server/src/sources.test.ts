import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@phoenix-alerting/core';
import { pino } from 'pino';
import { startFakeApi, testContext } from '@phoenix-alerting/source-prometheus/testing';
import type { FakeApi } from '@phoenix-alerting/source-prometheus/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RuleSource } from '@phoenix-alerting/source-prometheus';
import { buildSources } from './sources.js';
import { Collector, startServer, waitFor } from './test-harness.js';
import type { Harness } from './test-harness.js';

const T0 = Date.parse('2024-06-01T00:00:00Z');
const rules = `
groups:
  - name: orchestrator
    rules:
      - alert: InstanceDown
        expr: up{job="orchestrator"} == 0
        for: 1m
        labels: { severity: critical }
        annotations: { summary: '{{ $labels.instance }} is down' }
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'phoenix-sources-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'orchestrator.yml'), rules);
  writeFileSync(join(dir, 'rules', 'logs.yml'), rules.replace('orchestrator', 'logs'));
  writeFileSync(join(dir, 'token'), 's3cret-token\n');
  writeFileSync(join(dir, 'empty-token'), '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let harness: Harness | undefined;
let fake: FakeApi | undefined;
afterEach(async () => {
  await harness?.server.stop();
  await fake?.close();
  harness = fake = undefined;
});

/** Writes `phoenix.yml` in the temp directory, with a console receiver and no group wait. */
function configFile(sections: string): string {
  const file = join(dir, 'phoenix.yml');
  writeFileSync(
    file,
    `route:
  receiver: default
  group_by: [alertname]
  group_wait: 0s
receivers:
  - name: default
    console_configs: [{}]
${sections}`,
  );
  return file;
}

/** A Prometheus answering `/api/v1/query` with `down` as `up{job="orchestrator"} == 0`. */
async function fakePrometheus(down: { instance: string }[]) {
  return startFakeApi((request) => {
    if (request.path !== '/api/v1/query') return { status: 404, body: 'not found' };
    const time = Number(request.params.time);
    return {
      status: 200,
      body: {
        status: 'success',
        data: {
          resultType: 'vector',
          result: down.map(({ instance }) => ({
            metric: { __name__: 'up', job: 'orchestrator', instance },
            value: [time, '0'],
          })),
        },
      },
    };
  });
}

const prometheusSection = (url: string) => `
rule_files: [rules/orch*.yml]
sources:
  - type: prometheus
    name: prom
    url: ${url}
    bearer_token_file: token
    evaluation_interval: 30s
    external_labels: { cluster: test }
`;

/** Waits until the source has saved its state for the evaluation at `time`. */
async function evaluatedAt(h: Harness, source: string, time: number): Promise<void> {
  const kv = h.server.store.kv!;
  let savedAt = 0;
  const poll = () =>
    void kv.list<{ savedAt: number }>(`rules:${source}`).then((entries) => {
      savedAt = Math.max(0, ...entries.map((entry) => entry.value.savedAt));
    });
  await waitFor(() => {
    poll();
    return savedAt === time;
  });
}

async function firing(h: Harness): Promise<Record<string, string>[]> {
  const alerts = await h.json<{ labels: Record<string, string> }[]>('/api/v2/alerts');
  return alerts.map((alert) => alert.labels);
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('sources from the configuration', () => {
  it('evaluates a prometheus source’s rules until the alert reaches the receiver', async () => {
    fake = await fakePrometheus([{ instance: 'a' }]);
    harness = await startServer({ configFile: configFile(prometheusSection(fake.url)) });
    const h = harness;
    await h.clock.advance(0);
    await evaluatedAt(h, 'prom', T0);
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer s3cret-token');
    expect(fake.requests[0]!.params.query).toBe('up{job="orchestrator"} == 0');
    await h.clock.advance(30_000);
    await evaluatedAt(h, 'prom', T0 + 30_000);
    expect(await firing(h)).toEqual([]); // pending for `for: 1m`

    await h.clock.advance(30_000);
    await waitFor(() => h.console.text.includes('InstanceDown'));
    expect(await firing(h)).toEqual([
      {
        alertname: 'InstanceDown',
        cluster: 'test',
        instance: 'a',
        job: 'orchestrator',
        severity: 'critical',
      },
    ]);
    expect(h.console.text).toContain('a is down');

    const metrics = (await h.get('/metrics')).body;
    const group = `source="prom",rule_group="${join(dir, 'rules', 'orchestrator.yml')};orchestrator"`;
    expect(sample(metrics, `prometheus_rule_evaluations_total{${group}}`)).toBe(3);
    expect(sample(metrics, `prometheus_rule_evaluation_failures_total{${group}}`)).toBe(0);
    expect(
      sample(metrics, `prometheus_rule_group_last_evaluation_timestamp_seconds{${group}}`),
    ).toBe((T0 + 60_000) / 1000);
    expect(sample(metrics, `prometheus_rule_group_rules{${group}}`)).toBe(1);
    expect(
      sample(metrics, `phoenix_rule_alerts{${group},rule="InstanceDown",state="firing"}`),
    ).toBe(1);
  });

  it('counts failed evaluations and keeps the alerts of a failing rule', async () => {
    let broken = false;
    fake = await startFakeApi((request) =>
      broken
        ? { status: 400, body: { status: 'error', errorType: 'bad_data', error: 'parse error' } }
        : {
            status: 200,
            body: {
              status: 'success',
              data: {
                resultType: 'vector',
                result: [
                  {
                    metric: { job: 'orchestrator', instance: 'b' },
                    value: [Number(request.params.time), '0'],
                  },
                ],
              },
            },
          },
    );
    harness = await startServer({ configFile: configFile(prometheusSection(fake.url)) });
    const h = harness;
    await h.clock.advance(0);
    await evaluatedAt(h, 'prom', T0);
    broken = true;
    await h.clock.advance(30_000);
    await evaluatedAt(h, 'prom', T0 + 30_000);
    const metrics = (await h.get('/metrics')).body;
    const group = `source="prom",rule_group="${join(dir, 'rules', 'orchestrator.yml')};orchestrator"`;
    expect(sample(metrics, `prometheus_rule_evaluations_total{${group}}`)).toBe(2);
    expect(sample(metrics, `prometheus_rule_evaluation_failures_total{${group}}`)).toBe(1);
    // The pending alert is still there: a failed evaluation changes nothing.
    expect(
      sample(metrics, `phoenix_rule_alerts{${group},rule="InstanceDown",state="pending"}`),
    ).toBe(1);
  });

  it('keeps rule state across a reload, so `for` does not start over', async () => {
    fake = await fakePrometheus([{ instance: 'a' }]);
    harness = await startServer({ configFile: configFile(prometheusSection(fake.url)) });
    const h = harness;
    await h.clock.advance(0);
    await evaluatedAt(h, 'prom', T0);
    await h.clock.advance(30_000);
    await evaluatedAt(h, 'prom', T0 + 30_000);
    await h.clock.advance(15_000);

    await h.server.reload(); // a new source, built from the file again; its state from the kv
    await h.clock.advance(0);
    await evaluatedAt(h, 'prom', T0 + 45_000);
    expect(await firing(h)).toEqual([]);
    // Pending since T0 (not since the reload): fires at the first evaluation after T0 + 1m.
    await h.clock.advance(30_000);
    await waitFor(() => h.console.text.includes('InstanceDown'));
    expect((await firing(h)).map((labels) => labels.alertname)).toEqual(['InstanceDown']);
  });

  it('keeps secrets from ${ENV} and _file out of logs and errors', async () => {
    fake = await startFakeApi(() => ({ status: 503, body: 'unavailable' }));
    const logs = new Collector();
    const env = { PROM_PASSWORD: 'env-secret-pw', PROM_TIMEOUT: 'env-secret-timeout' };
    const section = (timeout: string) => `
sources:
  - type: prometheus
    name: prom
    url: ${fake!.url.replace('://', '://user:url-secret@')}
    rule_files: [rules/orchestrator.yml]
    basic_auth: { username: u, password: '\${PROM_PASSWORD}' }
    retries: 0
    timeout: ${timeout}
`;
    harness = await startServer({
      configFile: configFile(section('5s')),
      env,
      logger: pino({ level: 'debug' }, logs),
    });
    const h = harness;
    await h.clock.advance(0);
    await evaluatedAt(h, 'prom', T0);
    expect(fake.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('u:env-secret-pw').toString('base64')}`,
    );
    configFile(section("'${PROM_TIMEOUT}'"));
    const error = await h.server.reload().catch((reason: unknown) => reason);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([
      'sources[0].timeout',
    ]);
    await h.server.stop();
    const everything = `${logs.text}\n${(error as Error).message}\n${h.console.text}`;
    expect(logs.text).toContain('source started');
    expect(logs.text).toContain('evaluating rule failed');
    for (const secret of ['env-secret-pw', 'env-secret-timeout', 'url-secret'])
      expect(everything).not.toContain(secret);
  });

  it('fires a health check on a dead TCP port', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    harness = await startServer({
      configFile: configFile(`
sources:
  - type: healthcheck
    name: probes
    checks:
      - name: postgres
        type: tcp
        address: 127.0.0.1:${port}
        interval: 10s
        timeout: 1s
        failure_threshold: 2
        labels: { severity: critical, team: platform }
`),
    });
    const h = harness;
    const failures = async () =>
      sample(
        (await h.get('/metrics')).body,
        'phoenix_healthcheck_consecutive_failures{source="probes",check="postgres"}',
      );
    await h.clock.advance(0);
    let count: number | undefined;
    await waitFor(() => {
      void failures().then((value) => (count = value));
      return count === 1;
    });
    expect(await firing(h)).toEqual([]);
    await h.clock.advance(10_000);
    await waitFor(() => h.console.text.includes('postgres'));
    expect(await firing(h)).toEqual([
      { alertname: 'postgres', healthcheck: 'postgres', severity: 'critical', team: 'platform' },
    ]);
    const metrics = (await h.get('/metrics')).body;
    expect(sample(metrics, 'phoenix_healthcheck_up{source="probes",check="postgres"}')).toBe(0);
    expect(sample(metrics, 'phoenix_healthcheck_firing{source="probes",check="postgres"}')).toBe(1);
  });
});

describe('buildSources', () => {
  const file = () => join(dir, 'phoenix.yml');
  const issuesOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (ConfigError.isInstance(error)) return error.issues;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('gives top-level rule_files to the prometheus source that lists none', () => {
    const sources = buildSources(
      {
        rule_files: ['rules/*.yml'],
        sources: [
          { type: 'prometheus', url: 'http://user:pw@prometheus:9090' },
          { type: 'loki', url: 'http://loki:3100', rule_files: ['rules/logs.yml'] },
          { type: 'healthcheck', name: 'probes', checks: [] },
        ],
      },
      { file: file() },
    );
    expect(sources.map(({ type, name }) => [type, name])).toEqual([
      ['prometheus', 'prometheus'],
      ['loki', 'loki'],
      ['healthcheck', 'probes'],
    ]);
    expect(sources[0]).toMatchObject({
      url: 'http://prometheus:9090', // no credentials
      ruleFiles: [join(dir, 'rules', 'logs.yml'), join(dir, 'rules', 'orchestrator.yml')],
    });
    expect(sources[1]).toMatchObject({ ruleFiles: [join(dir, 'rules', 'logs.yml')] });
  });

  it('passes the snake_case options on to the package', async () => {
    writeFileSync(
      join(dir, 'rules', 'traces.yml'),
      rules.replace('up{job="orchestrator"} == 0', "'{ status = error }'"),
    );
    fake = await startFakeApi(() => ({ status: 200, body: { traces: [{ traceID: 'a' }] } }));
    const [tempo] = buildSources(
      {
        sources: [
          {
            type: 'tempo',
            url: fake.url,
            rule_files: ['rules/traces.yml'],
            tenant: 'team-a',
            search_limit: '20',
            headers: { 'X-Extra': 'yes' },
            evaluation_timeout: '2s',
          },
        ],
      },
      { file: file() },
    );
    const context = testContext();
    await tempo!.source.start(context);
    await (tempo!.source as RuleSource).evaluateNow();
    await tempo!.source.stop();
    expect(fake.requests[0]).toMatchObject({
      path: '/api/search',
      params: { q: '{ status = error }', limit: '20' },
      headers: { 'x-scope-orgid': 'team-a', 'x-extra': 'yes' },
    });
    // window defaults to 5m: start and end are 300 s apart.
    expect(Number(fake.requests[0]!.params.end) - Number(fake.requests[0]!.params.start)).toBe(300);
  });

  it('reports every bad entry at its YAML path, without secrets', () => {
    const issues = issuesOf(() =>
      buildSources(
        {
          sources: [
            { type: 'graphite', url: 'http://x' },
            {
              type: 'prometheus',
              url: 'not a url',
              rule_files: ['rules/nope.yml'],
              timeout: 'soon',
              bearer_token: 'hunter2',
              bearer_token_file: 'token',
              colour: 'red',
            },
            {
              type: 'healthcheck',
              checks: [{ name: 'x', type: 'tcp', address: 'h:1', timeout: '1m', interval: '30s' }],
            },
            { type: 'healthcheck', checks: [] },
            { type: 'tempo', name: 'api', url: 'http://tempo:3200' },
            {
              type: 'loki',
              name: 'logs',
              url: 'http://loki',
              bearer_token_file: 'empty-token',
              rule_files: ['rules/logs.yml'],
            },
          ],
        },
        { file: file() },
      ),
    );
    const lines = issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`);
    const at = (path: string) => lines.filter((line) => line.includes(`: ${path}: `));
    expect(at('sources[0].type')).toEqual([
      `${file()}: sources[0].type: unknown source type "graphite"; one of prometheus, loki, tempo, healthcheck`,
    ]);
    expect(at('sources[1].timeout')).toHaveLength(1);
    expect(at('sources[1].colour')).toEqual([`${file()}: sources[1].colour: unknown key`]);
    expect(at('sources[2].checks[0].timeout')[0]).toContain('must not exceed the interval (30s)');
    expect(at('sources[3].name')[0]).toContain('duplicate source name "healthcheck"');
    expect(at('sources[4].name')[0]).toContain("the server's own source");
    expect(at('sources[4].rule_files')[0]).toContain('a tempo source needs its own rule_files');
    expect(at('sources[5].bearer_token_file')).toEqual([
      `${file()}: sources[5].bearer_token_file: ${join(dir, 'empty-token')} is empty`,
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('checks values with the package’s schema once the YAML is well-formed', () => {
    const issues = issuesOf(() =>
      buildSources(
        {
          sources: [
            {
              type: 'prometheus',
              url: 'not a url',
              rule_files: ['rules/nope.yml', 'rules/*.nothing'],
              bearer_token: 'hunter2',
              retries: -1,
            },
          ],
        },
        { file: file() },
      ),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['sources[0].rule_files[0]']);
    expect(issues[0]!.message).toBe(`${join(dir, 'rules', 'nope.yml')} does not exist`);

    const values = issuesOf(() =>
      buildSources(
        {
          sources: [
            {
              type: 'prometheus',
              url: 'not a url',
              rule_files: ['rules/orchestrator.yml'],
              bearer_token: 'hunter2',
              retries: -1,
            },
          ],
        },
        { file: file() },
      ),
    );
    expect(values.map((issue) => issue.path).sort()).toEqual([
      'sources[0].retries',
      'sources[0].url',
    ]);
    expect(JSON.stringify(values)).not.toContain('hunter2');
  });

  it('names what to add when top-level rule_files have no prometheus source', () => {
    expect(
      issuesOf(() => buildSources({ rule_files: ['rules/*.yml'], sources: [] }, { file: file() })),
    ).toEqual([
      {
        file: file(),
        path: 'rule_files',
        message:
          'nothing evaluates these rule files: add a source for them, e.g. ' +
          'sources: [{type: prometheus, url: http://prometheus:9090}]',
      },
    ]);
  });

  it('reports problems of the rule files in those files', () => {
    writeFileSync(join(dir, 'bad.yml'), 'groups:\n  - name: g\n    rules:\n      - alert: A\n');
    const issues = issuesOf(() =>
      buildSources(
        { sources: [{ type: 'prometheus', url: 'http://p:9090', rule_files: ['bad.yml'] }] },
        { file: file() },
      ),
    );
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((issue) => issue.file === join(dir, 'bad.yml'))).toBe(true);
    expect(issues.map((issue) => issue.path)).toContain('groups[0].rules[0].expr');
  });
});
