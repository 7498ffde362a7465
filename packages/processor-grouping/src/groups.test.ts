import { describe, expect, it } from 'vitest';
import type { Labels, RouteMatch, Router } from '@phoenix-alerting/core';
import { buildRoute } from '@phoenix-alerting/core/testing';
import { firing, harness } from './__fixtures__/harness.js';

/**
 * The routing tree of Alertmanager's `TestGroups` (dispatch_test.go), by hand: a root grouped by
 * alertname, `env=testing`, `env=prod` (continue) and `kafka=yes` children.
 */
function amTestRouter(): Router {
  const child = (
    name: string,
    value: string,
    index: number,
    receiver: string,
    groupBy: string[],
  ): RouteMatch & { matches: (labels: Labels) => boolean; continue: boolean } => ({
    ...buildRoute({
      receiver,
      groupBy,
      groupWaitMs: 10,
      groupIntervalMs: 10,
      routeKey: `{}/{${name}="${value}"}`,
      routeId: `{}/{${name}="${value}"}/${index}`,
    }),
    matches: (labels) => labels[name] === value,
    continue: name === 'env' && value === 'prod',
  });
  const root = buildRoute({
    receiver: 'prod',
    groupBy: ['alertname'],
    groupWaitMs: 10,
    groupIntervalMs: 10,
  });
  const children = [
    child('env', 'testing', 0, 'testing', ['alertname', 'service']),
    child('env', 'prod', 1, 'prod', ['alertname', 'service', 'cluster']),
    child('kafka', 'yes', 2, 'kafka', ['alertname', 'service', 'cluster']),
  ];
  return {
    match(labels) {
      const matched: RouteMatch[] = [];
      for (const route of children) {
        if (!route.matches(labels)) continue;
        matched.push(route);
        if (!route.continue) break;
      }
      return matched.length > 0 ? matched : [root];
    },
  };
}

describe('groups()', () => {
  it("lists groups as Alertmanager's TestGroups expects", async () => {
    const h = harness({ router: amTestRouter(), receivers: ['prod', 'testing', 'kafka'] });
    await h.pipeline.start();
    const inputs: Record<string, string>[] = [
      { alertname: 'OtherAlert', cluster: 'cc', service: 'dd' },
      { env: 'testing', alertname: 'TestingAlert', service: 'api', instance: 'inst1' },
      { env: 'prod', alertname: 'HighErrorRate', cluster: 'aa', service: 'api', instance: 'inst1' },
      { env: 'prod', alertname: 'HighErrorRate', cluster: 'aa', service: 'api', instance: 'inst2' },
      { env: 'prod', alertname: 'HighErrorRate', cluster: 'bb', service: 'api', instance: 'inst1' },
      {
        env: 'prod',
        alertname: 'HighLatency',
        cluster: 'bb',
        service: 'db',
        kafka: 'yes',
        instance: 'inst3',
      },
    ];
    await h.emit(...inputs.map((labels) => firing(labels)));
    const fp = h.accepted.map((alert) => alert.fingerprint);

    const groups = h.dispatcher.groups();
    expect(
      groups.map(({ groupKey, labels, receiver, routeId, alerts }) => ({
        groupKey,
        labels,
        receiver,
        routeId,
        alerts: alerts.map((alert) => alert.fingerprint),
      })),
    ).toEqual([
      {
        groupKey: '{}:{alertname="OtherAlert"}',
        labels: { alertname: 'OtherAlert' },
        receiver: 'prod',
        routeId: '{}',
        alerts: [fp[0]],
      },
      {
        groupKey: '{}/{env="testing"}:{alertname="TestingAlert", service="api"}',
        labels: { alertname: 'TestingAlert', service: 'api' },
        receiver: 'testing',
        routeId: '{}/{env="testing"}/0',
        alerts: [fp[1]],
      },
      {
        groupKey: '{}/{env="prod"}:{alertname="HighErrorRate", cluster="aa", service="api"}',
        labels: { alertname: 'HighErrorRate', cluster: 'aa', service: 'api' },
        receiver: 'prod',
        routeId: '{}/{env="prod"}/1',
        alerts: [fp[2], fp[3]],
      },
      {
        groupKey: '{}/{env="prod"}:{alertname="HighErrorRate", cluster="bb", service="api"}',
        labels: { alertname: 'HighErrorRate', cluster: 'bb', service: 'api' },
        receiver: 'prod',
        routeId: '{}/{env="prod"}/1',
        alerts: [fp[4]],
      },
      {
        groupKey: '{}/{kafka="yes"}:{alertname="HighLatency", cluster="bb", service="db"}',
        labels: { alertname: 'HighLatency', cluster: 'bb', service: 'db' },
        receiver: 'kafka',
        routeId: '{}/{kafka="yes"}/2',
        alerts: [fp[5]],
      },
      {
        groupKey: '{}/{env="prod"}:{alertname="HighLatency", cluster="bb", service="db"}',
        labels: { alertname: 'HighLatency', cluster: 'bb', service: 'db' },
        receiver: 'prod',
        routeId: '{}/{env="prod"}/1',
        alerts: [fp[5]],
      },
    ]);
    expect(h.dispatcher.stats()).toMatchObject({ groups: 6, alerts: 7 });

    // Every group flushes after its group_wait: 7 alert notifications, as the AM test counts.
    await h.at(10);
    expect(h.notifier.sent.flatMap((s) => s.notification.alerts)).toHaveLength(7);
    await h.pipeline.stop();
  });

  it('filters by route and alert, omitting groups left empty', async () => {
    const h = harness({ router: amTestRouter(), receivers: ['prod', 'testing', 'kafka'] });
    await h.pipeline.start();
    await h.emit(
      firing({ alertname: 'OtherAlert' }),
      firing({
        env: 'prod',
        alertname: 'HighErrorRate',
        cluster: 'aa',
        service: 'api',
        instance: 'inst1',
      }),
      firing({
        env: 'prod',
        alertname: 'HighErrorRate',
        cluster: 'aa',
        service: 'api',
        instance: 'inst2',
      }),
    );
    const groups = h.dispatcher.groups({
      route: (route) => route.receiver === 'prod' && route.routeId !== '{}',
      alert: (alert) => alert.labels.instance === 'inst2',
    });
    expect(groups.map((g) => [g.groupKey, g.alerts.map((a) => a.labels.instance)])).toEqual([
      ['{}/{env="prod"}:{alertname="HighErrorRate", cluster="aa", service="api"}', ['inst2']],
    ]);
    await h.pipeline.stop();
  });
});
