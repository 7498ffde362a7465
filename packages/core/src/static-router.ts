import type { RouteMatch, RouteSettings } from './notification.js';
import type { Router } from './plugin.js';

/** Alertmanager's defaults for a route that does not set its timers. */
export const defaultRouteSettings: Omit<RouteSettings, 'receiver'> = {
  groupBy: [],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3_600_000,
  muteTimeIntervals: [],
  activeTimeIntervals: [],
};

/**
 * A router with a single root route: every alert goes to one receiver. The default when a
 * pipeline is given no routing tree; `@phoenix-alerting/router` provides the real one.
 */
export function createStaticRouter(
  settings: Partial<RouteSettings> & { receiver: string },
): Router {
  const route: RouteMatch = { ...defaultRouteSettings, ...settings, routeKey: '{}', routeId: '{}' };
  const routes = [route] as const;
  return { match: () => routes };
}
