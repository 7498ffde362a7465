import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '@phoenix-alerting/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthCheckSource } from './healthcheck-source.js';
import type { ScoreCheckConfig } from './options.js';
import { functionCheck, scoreCheck, scoreFromBody } from './score-check.js';
import { createHarness } from './test-kit.js';

let reply = { status: 200, body: '' };
const server = createServer((_request, response) => {
  response.statusCode = reply.status;
  response.end(reply.body);
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const signal = new AbortController().signal;
const score = (config: Omit<ScoreCheckConfig, 'type' | 'name'>) =>
  scoreCheck({ type: 'score', name: 'agent-health', ...config }, new FakeClock())(signal);

describe('score check', () => {
  it('fails below `below` and above `above`, with the score as value', async () => {
    expect(await score({ read: () => 0.72, below: 0.8 })).toEqual({
      ok: false,
      value: 0.72,
      message: 'score 0.72 is below 0.8',
    });
    expect(await score({ read: async () => 0.8, below: 0.8 })).toEqual({
      ok: true,
      value: 0.8,
      message: 'score 0.8',
    });
    expect(await score({ read: () => 97, below: 10, above: 95 })).toEqual({
      ok: false,
      value: 97,
      message: 'score 97 is above 95',
    });
    expect(await score({ read: () => Number.NaN, below: 1 })).toEqual({
      ok: false,
      message: 'score is not a number: NaN',
    });
  });

  it('reads the score from an HTTP endpoint: a bare number or a JSON field', async () => {
    reply = { status: 200, body: '0.93\n' };
    expect(await score({ http: { url: base }, below: 0.8 })).toMatchObject({
      ok: true,
      value: 0.93,
    });
    reply = { status: 200, body: JSON.stringify({ agents: { score: 0.5, total: 12 } }) };
    expect(await score({ http: { url: base, field: 'agents.score' }, below: 0.8 })).toMatchObject({
      ok: false,
      value: 0.5,
    });
    reply = { status: 500, body: '0.99' };
    await expect(score({ http: { url: base }, below: 0.8 })).rejects.toThrow(
      `${base}/: status 500, expected 200-299`,
    );
  });

  it('explains a body without a score', () => {
    expect(() => scoreFromBody('healthy', undefined)).toThrow('the body is not a number');
    expect(() => scoreFromBody('', undefined)).toThrow('the body is not a number');
    expect(() => scoreFromBody('<html>', 'score')).toThrow('the body is not JSON');
    expect(() => scoreFromBody('{"score":"n/a"}', 'score')).toThrow(
      'field "score" of the body is not a number',
    );
    expect(scoreFromBody('{"items":[{"v":"0.25"}]}', 'items.0.v')).toBe(0.25);
  });

  it("expresses the spec's AgentUnhealthy rule (agent_health_score < 0.8, for 5m)", async () => {
    let current = 0.95;
    const source = createHealthCheckSource({
      checks: [
        {
          type: 'score',
          name: 'agent-health',
          alertname: 'AgentUnhealthy',
          read: () => current,
          below: 0.8,
          intervalMs: 60_000,
          // Prometheus fires at the first evaluation 5m after the condition began: 6 at 1m.
          failureThreshold: 6,
          labels: { severity: 'critical', category: 'agents', team: 'backend' },
          annotations: {
            summary: 'Agent health degraded',
            description: 'Agent health score is below 80%',
            runbook_url: 'docs/runbooks/agent_unhealthy.md',
          },
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.step(source, 0);
    current = 0.7;
    for (let minute = 1; minute <= 5; minute++) await h.step(source, 60_000);
    expect(h.emitted).toEqual([]);
    await h.step(source, 60_000);
    expect(h.emitted).toEqual([
      {
        labels: {
          alertname: 'AgentUnhealthy',
          healthcheck: 'agent-health',
          severity: 'critical',
          category: 'agents',
          team: 'backend',
        },
        annotations: {
          summary: 'Agent health degraded',
          description: 'Agent health score is below 80%',
          runbook_url: 'docs/runbooks/agent_unhealthy.md',
          failure: 'score 0.7 is below 0.8',
          value: '0.7',
        },
        startsAt: h.clock.now() - 5 * 60_000,
        endsAt: h.clock.now() + 4 * 60_000,
      },
    ]);
    await source.stop();
  });
});

describe('function check', () => {
  it('takes a boolean or { ok, value, message }', async () => {
    const run = (fn: () => unknown) =>
      functionCheck({ type: 'function', name: 'f', run: fn as never })(signal);
    expect(await run(() => true)).toEqual({ ok: true, message: 'check passed' });
    expect(await run(async () => false)).toEqual({ ok: false, message: 'check failed' });
    expect(await run(() => ({ ok: false, value: 3, message: '3 workers stuck' }))).toEqual({
      ok: false,
      value: 3,
      message: '3 workers stuck',
    });
    expect(await run(() => 'yes')).toEqual({
      ok: false,
      message: 'check returned neither a boolean nor { ok: boolean }',
    });
  });
});
