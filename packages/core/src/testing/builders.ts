import { createAlert } from '../alert.js';
import type { Alert, AlertInput } from '../alert.js';
import type { Notification, RouteMatch } from '../notification.js';
import type { NotificationAttempt } from '../store.js';
import { defaultRouteSettings } from '../static-router.js';

/** Builds a valid alert for tests; labels default to `{alertname: 'TestAlert'}`. */
export function buildAlert(overrides: Partial<AlertInput> & { now?: number } = {}): Alert {
  const { now = Date.UTC(2024, 0, 1), ...input } = overrides;
  return createAlert({ labels: { alertname: 'TestAlert' }, ...input }, { now });
}

/** Builds `count` alerts named `alertname`, with an `instance` label `host-<i>`. */
export function buildAlerts(
  count: number,
  base: Partial<AlertInput> & { now?: number } = {},
): Alert[] {
  return Array.from({ length: count }, (_, i) =>
    buildAlert({
      ...base,
      labels: { alertname: 'TestAlert', ...base.labels, instance: `host-${i}` },
    }),
  );
}

/** A route match with Alertmanager's default timers. */
export function buildRoute(overrides: Partial<RouteMatch> = {}): RouteMatch {
  return {
    ...defaultRouteSettings,
    receiver: 'default',
    routeKey: '{}',
    routeId: '{}',
    ...overrides,
  };
}

/** A notification for `alerts` with a default route and group key. */
export function buildNotification(
  alerts: readonly Alert[],
  overrides: Partial<Notification> = {},
): Notification {
  const route = overrides.route ?? buildRoute();
  return {
    receiver: route.receiver,
    groupKey: `${route.routeKey}:{}`,
    groupLabels: {},
    alerts,
    timestamp: Date.UTC(2024, 0, 1),
    route,
    ...overrides,
  };
}

/** A successful first delivery attempt of a two-alert notification at `at`, with `extra` on top. */
export function buildNotificationAttempt(
  at: number,
  extra: Partial<NotificationAttempt> = {},
): NotificationAttempt {
  return {
    at,
    groupKey: '{}:{alertname="A"}',
    receiver: 'team-a',
    integration: 'team-a/webhook/0',
    attempt: 1,
    ok: true,
    latencyMs: 12,
    firing: 2,
    resolved: 0,
    ...extra,
  };
}
