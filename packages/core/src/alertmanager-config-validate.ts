// The checks Alertmanager 0.25 makes across sections once every section has parsed
// (Config.UnmarshalYAML and Load in config/config.go). Alertmanager stops at the first; these are
// all reported, each at the path of the value that is wrong.
import type { AlertmanagerConfig, RouteConfig } from './alertmanager-config.js';

/** A cross-section problem: the path of the offending value and Alertmanager's message. */
export interface ConfigProblem {
  path: PropertyKey[];
  message: string;
}

/** Every cross-section problem of a configuration whose sections are each valid. */
export function validateAlertmanagerConfig(config: AlertmanagerConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report = (path: PropertyKey[], message: string) => problems.push({ path, message });

  const receivers = new Set<string>();
  config.receivers.forEach((receiver, index) => {
    if (receivers.has(receiver.name)) {
      report(
        ['receivers', index, 'name'],
        `notification config name ${JSON.stringify(receiver.name)} is not unique`,
      );
    }
    receivers.add(receiver.name);
  });

  const root = config.route;
  if (!root.receiver) report(['route', 'receiver'], 'root route must specify a default receiver');
  for (const key of ['match', 'match_re', 'matchers'] as const) {
    if (Object.keys(root[key] ?? {}).length > 0) {
      report(['route', key], 'root route must not have any matchers');
    }
  }
  if (root.continue) report(['route', 'continue'], 'cannot have continue in root route');
  if (root.mute_time_intervals?.length) {
    report(['route', 'mute_time_intervals'], 'root route must not have any mute time intervals');
  }
  if (root.active_time_intervals?.length) {
    report(
      ['route', 'active_time_intervals'],
      'root route must not have any active time intervals',
    );
  }

  const intervals = new Set<string>();
  const sections = [
    ['mute_time_intervals', 'mute time interval'],
    ['time_intervals', 'time interval'],
  ] as const;
  for (const [section, what] of sections) {
    config[section].forEach((interval, index) => {
      if (intervals.has(interval.name)) {
        report([section, index, 'name'], `${what} ${JSON.stringify(interval.name)} is not unique`);
      }
      intervals.add(interval.name);
    });
  }

  walkRoutes(root, ['route'], (route, path) => {
    if (route.receiver && !receivers.has(route.receiver)) {
      report(
        [...path, 'receiver'],
        `undefined receiver ${JSON.stringify(route.receiver)} used in route`,
      );
    }
    for (const key of ['mute_time_intervals', 'active_time_intervals'] as const) {
      route[key]?.forEach((name, index) => {
        if (!intervals.has(name)) {
          report(
            [...path, key, index],
            `undefined time interval ${JSON.stringify(name)} used in route`,
          );
        }
      });
    }
  });

  return problems;
}

function walkRoutes(
  route: RouteConfig,
  path: PropertyKey[],
  visit: (route: RouteConfig, path: PropertyKey[]) => void,
): void {
  visit(route, path);
  route.routes?.forEach((child, index) => walkRoutes(child, [...path, 'routes', index], visit));
}
