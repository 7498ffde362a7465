// Byte-for-byte parity with what Alertmanager 0.25 computes and sends, from the Go generator in
// scripts/alertmanager-payloads.go (Alertmanager's own types and helpers, run with Go).
import { readFileSync } from 'node:fs';
import { buildAlert, buildNotification } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { pagerdutyConfigSchema } from './pagerduty-config.js';
import {
  alertmanagerDedupKey,
  buildEventV1,
  buildEventV2,
  encodeMessage,
  goJson,
  MAX_EVENT_BYTES,
  truncateRunes,
} from './payload.js';

const fixture = JSON.parse(
  readFileSync(new URL('./__fixtures__/alertmanager-payloads.json', import.meta.url), 'utf8'),
) as {
  groupKey: string;
  hashes: Record<string, string>;
  truncations: { input: string; n: number; output: string; truncated: boolean }[];
  v2Trigger: string;
  v2Resolve: string;
  v1Trigger: string;
};

const identity = (template: string) => template;
const long = 'é'.repeat(1100);
const now = Date.UTC(2024, 0, 1);
const firing = buildNotification([buildAlert(), buildAlert({ labels: { alertname: 'Other' } })], {
  groupKey: fixture.groupKey,
});
const resolved = buildNotification(
  [
    buildAlert({
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now - 1000).toISOString(),
      now,
    }),
  ],
  {
    groupKey: fixture.groupKey,
  },
);

describe('Alertmanager parity', () => {
  it('dedup key: the SHA-256 of the group key', () => {
    for (const [groupKey, hash] of Object.entries(fixture.hashes)) {
      expect(alertmanagerDedupKey(groupKey)).toBe(hash);
    }
  });

  it('truncates by characters, ending with …', () => {
    for (const { input, n, output, truncated } of fixture.truncations) {
      expect(truncateRunes(input, n)).toEqual({ text: output, truncated });
    }
  });

  it('a v2 trigger: fields, order, omitted empties, sorted details, Go escaping', () => {
    const config = pagerdutyConfigSchema.parse({
      routing_key: 'R0UTINGKEY0123456789abcdefABCDEF',
      description: long,
      client: 'Alertmanager',
      client_url: 'http://am.example.com/#/alerts?receiver=pd',
      component: 'db',
      images: [
        {
          src: 'https://img.example.com/a.png',
          alt: 'graph <1>',
          href: 'https://grafana.example.com/d?a=1&b=2',
        },
        { alt: 'no src: dropped' },
      ],
      links: [
        { href: 'https://runbooks.example.com/x', text: 'Runbook' },
        { text: 'no href: dropped' },
      ],
    });
    const details = {
      num_firing: '2',
      firing: 'Labels:\n - alertname = X\n',
      num_resolved: '0',
      resolved: '',
      'b<&>': '\u2028',
    };
    const built = buildEventV2(
      firing,
      config,
      identity,
      'R0UTINGKEY0123456789abcdefABCDEF',
      details,
    );
    expect(built.truncatedSummary).toBe(true);
    expect(encodeMessage(built.message).body).toBe(fixture.v2Trigger);
  });

  it('a v2 resolve when every alert is resolved', () => {
    const config = pagerdutyConfigSchema.parse({
      routing_key: 'x',
      description: '[RESOLVED] X',
      client: '',
      client_url: '',
      source: 'Alertmanager',
    });
    const built = buildEventV2(resolved, config, identity, 'R0UTINGKEY0123456789abcdefABCDEF', {});
    expect(encodeMessage(built.message).body).toBe(fixture.v2Resolve);
  });

  it('a v1 trigger: service_key, incident_key, event_action "" and payload null', () => {
    const config = pagerdutyConfigSchema.parse({
      service_key: 'x',
      description: '[FIRING:2] HighLatency',
      client: 'Alertmanager',
      client_url: 'http://am.example.com/#/alerts?receiver=pd',
    });
    const built = buildEventV1(firing, config, identity, 'SERV1CEKEY0123456789abcdefABCDEF', {
      num_firing: '2',
      z: 'last',
      a: 'first',
    });
    expect(encodeMessage(built.message).body).toBe(fixture.v1Trigger);
  });

  it('replaces custom details when the event exceeds 512 KB, as Alertmanager', () => {
    const config = pagerdutyConfigSchema.parse({
      routing_key: 'x',
      description: 'big',
      client: 'c',
    });
    const built = buildEventV2(firing, config, identity, 'R0UTINGKEY0123456789abcdefABCDEF', {
      huge: 'x'.repeat(MAX_EVENT_BYTES),
    });
    const encoded = encodeMessage(built.message);
    expect(encoded.replaced).toBeGreaterThan(MAX_EVENT_BYTES);
    expect(JSON.parse(encoded.body).payload.custom_details).toEqual({
      error:
        'Custom details have been removed because the original event exceeds the maximum size of 512KB',
    });
    expect(goJson({ a: '<&>' })).toBe('{"a":"\\u003c\\u0026\\u003e"}\n');
  });
});
