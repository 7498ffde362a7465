// Prometheus → server → webhook. A real Prometheus 2.42 evaluates an always-firing rule every
// second and pushes the alert over API v2 to two servers at once: the reference Alertmanager 0.25
// and the target (Phoenix). Each sends its grouped notification to its own path of one webhook
// sink; the target's payload must be Alertmanager's version 4 with the rule's labels, and equal to
// the reference's payload except for `externalURL` (each server's own address).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookConfig } from '../lib/config.mjs';
import { startPrometheus } from '../lib/systems.mjs';
import type { RunningSystem } from '../lib/systems.mjs';
import type { Notification, WebhookSink } from '../lib/webhook-sink.mjs';
import { describeTarget, Harness } from './support/harness.js';

const RULE_NAME = 'PhoenixE2EAlwaysFiring';
const RULES = `groups:
  - name: phoenix-e2e
    interval: 1s
    rules:
      - alert: ${RULE_NAME}
        expr: vector(1) > 0
        labels:
          severity: page
          team: e2e
        annotations:
          summary: 'always firing, value {{ $value }}'
`;
const EXPECTED_LABELS = {
  alertname: RULE_NAME,
  severity: 'page',
  team: 'e2e',
  // Prometheus adds its external labels to every alert it sends.
  cluster: 'phoenix-e2e',
};

describe(`Prometheus 2.42 → ${describeTarget()} → webhook`, () => {
  const harness = new Harness('prometheus');
  let sink: WebhookSink;
  let reference: RunningSystem;
  let target: RunningSystem;
  let prometheusStartedAtMs = 0;

  beforeAll(async () => {
    sink = await harness.sink();
    const writeConfig = (path: string): string => {
      const file = join(harness.root, `${path}.yml`);
      writeFileSync(
        file,
        webhookConfig({
          webhookUrl: sink.url(`/${path}`),
          receiver: 'e2e-webhook',
          groupWait: '0s',
          groupInterval: '1m',
          repeatInterval: '1h',
        }),
      );
      return file;
    };
    [reference, target] = await Promise.all([
      harness.start(writeConfig('reference'), { kind: 'alertmanager', name: 'reference' }),
      harness.start(writeConfig('target'), { name: 'target' }),
    ]);
    const rulesFile = join(harness.root, 'rules.yml');
    writeFileSync(rulesFile, RULES);
    prometheusStartedAtMs = Date.now();
    await startPrometheus({
      rulesFile,
      alertmanagers: [`127.0.0.1:${reference.port}`, `127.0.0.1:${target.port}`],
      dir: harness.dir('prometheus'),
      logFile: join(harness.root, 'prometheus.log'),
      externalLabels: { cluster: 'phoenix-e2e' },
    });
  });

  afterAll(() => harness.cleanup());

  const firstFiring = async (path: string): Promise<Notification> => {
    const isFiring = (notification: Notification): boolean =>
      notification.path === path && notification.body?.status === 'firing';
    await sink.waitFor((all) => all.some(isFiring), 60_000);
    return sink.notifications.find(isFiring)!;
  };

  it('delivers the firing rule as an Alertmanager version 4 webhook notification', async () => {
    const notification = await firstFiring('/target');
    console.info(
      `target: first notification ${notification.receivedAtMs - prometheusStartedAtMs} ms ` +
        'after Prometheus started',
    );
    const body = notification.body;
    expect(body).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'e2e-webhook',
      groupKey: `{}:{alertname="${RULE_NAME}"}`,
      groupLabels: { alertname: RULE_NAME },
      commonLabels: EXPECTED_LABELS,
      commonAnnotations: { summary: 'always firing, value 1' },
      truncatedAlerts: 0,
    });
    expect(body.alerts).toHaveLength(1);
    const [alert] = body.alerts;
    expect(alert).toMatchObject({
      status: 'firing',
      labels: EXPECTED_LABELS,
      annotations: { summary: 'always firing, value 1' },
      // Alertmanager clears endsAt of a firing alert in the webhook payload.
      endsAt: '0001-01-01T00:00:00Z',
    });
    expect(alert.generatorURL).toMatch(/^http:\/\/.*\/graph\?g0\.expr=/);
    expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(Date.parse(alert.startsAt)).toBeGreaterThan(prometheusStartedAtMs - 1_000);
  });

  it('sends the same payload as Alertmanager (except externalURL)', async () => {
    const [ours, theirs] = await Promise.all([firstFiring('/target'), firstFiring('/reference')]);
    console.info(
      `reference: first notification ${theirs.receivedAtMs - prometheusStartedAtMs} ms ` +
        'after Prometheus started',
    );
    const withoutExternalUrl = ({ externalURL: _, ...rest }: Record<string, unknown>) => rest;
    expect(withoutExternalUrl(ours.body)).toEqual(withoutExternalUrl(theirs.body));
    expect(typeof ours.body.externalURL).toBe('string');
  });

  it('sends one notification per group, not one per Prometheus resend', async () => {
    // Prometheus resends the firing alert every second (--rules.alert.resend-delay=1s); with
    // group_interval 1m and an unchanged group, there must be no second notification.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const count = (path: string) =>
      sink.notifications.filter((notification) => notification.path === path).length;
    expect(count('/reference')).toBe(1);
    expect(count('/target')).toBe(1);
  });
});
