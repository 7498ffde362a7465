import { parseConfig } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { healthCheckSourceConfigSchema } from './config-schema.js';
import { createHealthCheckSource } from './healthcheck-source.js';

const parse = (text: string, env: Record<string, string> = {}) =>
  parseConfig(text, {
    schema: healthCheckSourceConfigSchema,
    file: 'phoenix.yml',
    env,
    subject: 'sources',
  });

const errorOf = (run: () => unknown): Error => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('healthCheckSourceConfigSchema', () => {
  it('turns the YAML form into createHealthCheckSource options', () => {
    const options = parse(
      `
type: healthcheck
name: orchestrator
resend_interval: 2m
checks:
  - name: api
    type: http
    url: https://orchestrator.internal:8443/healthz
    method: GET
    headers: { Authorization: "Bearer \${PROBE_TOKEN}" }
    expected_status: [200, "300-399"]
    body_contains: '"status":"ok"'
    body_matches: '"agents":[1-9]'
    max_latency: 2s
    tls_config: { ca_file: /etc/phoenix/ca.pem, expiry_warning_days: 14 }
    interval: 30s
    timeout: 5s
    failure_threshold: 3
    success_threshold: 2
    labels: { severity: critical, team: platform }
    annotations: { runbook_url: docs/runbooks/high_error_rate.md }
  - name: postgres
    type: tcp
    address: db.internal:5432
  - name: replication
    type: command
    command: [/usr/local/bin/check-replication, --max-lag, 30s]
    expected_exit_codes: [0, 1]
    env: { PGHOST: db.internal }
    max_output_bytes: "\${MAX_OUTPUT}"
  - name: agent-health
    alertname: AgentUnhealthy
    type: score
    http: { url: "http://orchestrator.internal:8080/agents/health", field: score }
    below: 0.8
    interval: 1m
    failure_threshold: 6
`,
      { PROBE_TOKEN: 't0ken', MAX_OUTPUT: '2048' },
    );
    expect(options).toEqual({
      name: 'orchestrator',
      resendIntervalMs: 120_000,
      checks: [
        {
          type: 'http',
          name: 'api',
          intervalMs: 30_000,
          timeoutMs: 5_000,
          failureThreshold: 3,
          successThreshold: 2,
          labels: { severity: 'critical', team: 'platform' },
          annotations: { runbook_url: 'docs/runbooks/high_error_rate.md' },
          url: 'https://orchestrator.internal:8443/healthz',
          method: 'GET',
          headers: { Authorization: 'Bearer t0ken' },
          expectedStatus: [200, '300-399'],
          tls: { caFile: '/etc/phoenix/ca.pem', expiryWarningDays: 14 },
          bodyContains: '"status":"ok"',
          bodyMatches: '"agents":[1-9]',
          maxLatencyMs: 2_000,
        },
        { type: 'tcp', name: 'postgres', address: 'db.internal:5432' },
        {
          type: 'command',
          name: 'replication',
          command: ['/usr/local/bin/check-replication', '--max-lag', '30s'],
          expectedExitCodes: [0, 1],
          env: { PGHOST: 'db.internal' },
          maxOutputBytes: 2048,
        },
        {
          type: 'score',
          name: 'agent-health',
          alertname: 'AgentUnhealthy',
          intervalMs: 60_000,
          failureThreshold: 6,
          http: { url: 'http://orchestrator.internal:8080/agents/health', field: 'score' },
          below: 0.8,
        },
      ],
    });
    expect(createHealthCheckSource(options).name).toBe('orchestrator');
  });

  it('names the YAML path and the file of every problem', () => {
    const error = errorOf(() =>
      parse(`
checks:
  - name: api
    type: http
    url: http://x/
    interval: 30
    failure_threshold: 0
    tls_config: { expiry_warning_days: 3 }
  - name: fn
    type: function
  - name: db
    type: tcp
    address: db
    timeout: 1m
  - name: score
    type: score
    http: { url: "http://x/" }
  - name: extra
    type: tcp
    address: db:1
    colour: blue
`),
    );
    const message = error.message;
    expect(message).toContain('invalid sources:');
    expect(message).toContain(
      'phoenix.yml: checks[0].interval: expected a duration such as 30s, 5m or 1h30m, got the number 30 (add a unit, e.g. "30s") (line 6, column 15)',
    );
    expect(message).toContain(
      'phoenix.yml: checks[1].type: type must be one of http, tcp, command, score (function checks are configured in code) (line 10, column 11)',
    );
    expect(message).toContain(
      'phoenix.yml: checks[4].colour: unknown key "colour" (line 21, column 5)',
    );
  });

  it('reports value problems found by the code schema at their YAML keys', () => {
    const error = errorOf(() =>
      parse(`
checks:
  - name: api
    type: http
    url: http://x/
    failure_threshold: 0
    tls_config: { expiry_warning_days: 3 }
  - name: db
    type: tcp
    address: db
    timeout: 1m
  - name: score
    type: score
    http: { url: "http://x/" }
`),
    );
    const message = error.message;
    expect(message).toContain('checks[0].failure_threshold: must be at least 1');
    expect(message).toContain(
      'checks[0].tls_config.expiry_warning_days: a certificate expiry warning needs an https:// URL',
    );
    expect(message).toContain('checks[1].address: address "db" must be host:port');
    expect(message).toContain(
      'checks[1].timeout: the timeout (1m) must not exceed the interval (30s)',
    );
    expect(message).toContain('checks[2]: a score check needs a threshold');
  });
});
