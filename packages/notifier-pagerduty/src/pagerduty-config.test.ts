import { ConfigError } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { createPagerDutyNotifier } from './pagerduty-notifier.js';
import {
  pagerdutyConfigSchema,
  pagerdutyDefaults,
  pagerdutySectionSchema,
} from './pagerduty-config.js';

function errorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error as ConfigError;
    throw error;
  }
  throw new Error('no error');
}

describe('pagerduty_configs', () => {
  it("fills in Alertmanager 0.25's defaults", () => {
    const config = pagerdutyConfigSchema.parse({ routing_key: 'abc' });
    expect(config).toEqual({
      send_resolved: true,
      routing_key: 'abc',
      client: '{{ template "pagerduty.default.client" . }}',
      client_url: '{{ template "pagerduty.default.clientURL" . }}',
      description: '{{ template "pagerduty.default.description" .}}',
      details: pagerdutyDefaults.details,
      images: [],
      links: [],
      source: '{{ template "pagerduty.default.client" . }}',
      severity: '',
      class: '',
      component: '',
      group: '',
      timeout: 10_000,
    });
  });

  it('keeps configured details and adds the default ones it lacks; source defaults to client', () => {
    const config = pagerdutyConfigSchema.parse({
      service_key: 'k',
      client: 'my-client',
      details: { firing: 'mine', team: '{{ .CommonLabels.team }}' },
      send_resolved: 'no',
      timeout: '3s',
    });
    expect(config.details).toEqual({
      ...pagerdutyDefaults.details,
      firing: 'mine',
      team: '{{ .CommonLabels.team }}',
    });
    expect(config.source).toBe('my-client');
    expect(config.send_resolved).toBe(false);
    expect(config.timeout).toBe(3_000);
  });

  it("reports Alertmanager's errors, every one, with the path and without the key", () => {
    expect(errorOf(() => createPagerDutyNotifier({})).message).toBe(
      'invalid pagerduty notifier config:\n  - missing service or routing key in PagerDuty config',
    );
    const error = errorOf(() =>
      createPagerDutyNotifier({
        routing_key: 's3cret-routing-key',
        routing_key_file: '/k',
        service_key: 'x',
        service_key_file: '/y',
        url: 'ftp://events.example.com',
        severity: 5 as unknown as string,
        bogus: 1,
      } as never),
    );
    expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'url: unsupported scheme "ftp" for PagerDuty URL',
      ': unknown field "bogus"',
      ': at most one of routing_key & routing_key_file must be configured',
      ': at most one of service_key & service_key_file must be configured',
    ]);
    expect(error.message).not.toContain('s3cret-routing-key');
  });
});

describe('the pagerduty: section', () => {
  it("reads the spec's section, with routing keys per team", () => {
    const section = pagerdutySectionSchema.parse({
      service_key: 'DEFAULTKEY0123456789abcdefABCDEF',
      api_token: 'u+token',
      escalation_policies: { default: { id: 'PDEF01' }, critical: { id: 'PCRIT01' } },
      services: {
        platform: {
          name: 'Platform Alerts',
          id: 'PPLAT01',
          routing_key: 'PLATF0RMKEY0123456789abcdefABCDE',
        },
        backend: { name: 'Backend Alerts', id: 'PBACK01' },
      },
    });
    expect(section).toEqual({
      service_key: 'DEFAULTKEY0123456789abcdefABCDEF',
      api_token: 'u+token',
      escalation_policies: { default: { id: 'PDEF01' }, critical: { id: 'PCRIT01' } },
      services: {
        platform: {
          name: 'Platform Alerts',
          id: 'PPLAT01',
          routing_key: 'PLATF0RMKEY0123456789abcdefABCDE',
        },
        backend: { name: 'Backend Alerts', id: 'PBACK01' },
      },
      team_label: 'team',
    });
  });

  it('names every bad path', () => {
    const result = pagerdutySectionSchema.safeParse({
      service_key: 'short',
      escalation_policies: { default: { id: '' } },
      services: { web: { routing_key: 'also-short', extra: 1 } },
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toEqual([
      'service_key',
      'escalation_policies.default.id',
      'services.web.routing_key',
      'services.web',
    ]);
  });
});
