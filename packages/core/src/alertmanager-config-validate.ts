// The checks Alertmanager 0.25 makes across sections once every section has parsed
// (Config.UnmarshalYAML and Load in config/config.go). Alertmanager stops at the first; these are
// all reported, each at the path of the value that is wrong. They also run when some sections are
// invalid (so that one error lists every problem), on whatever parts are well-formed: the input is
// the schema's partial result, so every value is checked for its shape before it is used.

/** A cross-section problem: the path of the offending value and Alertmanager's message. */
export interface ConfigProblem {
  path: PropertyKey[];
  message: string;
}

type Entries = Readonly<Record<string, unknown>>;

function entries(value: unknown): Entries | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Entries)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

// A section that is absent is empty; one that is not a list has names nobody can know.
function section(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : undefined;
}

function isNonEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  const record = entries(value);
  return record !== undefined && Object.keys(record).length > 0;
}

/**
 * Every cross-section problem of a configuration, as far as its parts are well-formed: a check
 * that needs a section which is not (receivers that are not a list, say) is skipped, as the
 * section's own problem is reported already.
 */
export function validateAlertmanagerConfig(input: unknown): ConfigProblem[] {
  const config = entries(input);
  if (config === undefined) return [];
  const problems: ConfigProblem[] = [];
  const report = (path: PropertyKey[], message: string) => problems.push({ path, message });

  const receiverList = section(config.receivers);
  const receivers = new Set<string>();
  receiverList?.forEach((receiver, index) => {
    const name = text(entries(receiver)?.name);
    if (name === undefined || name === '') return;
    if (receivers.has(name)) {
      report(
        ['receivers', index, 'name'],
        `notification config name ${JSON.stringify(name)} is not unique`,
      );
    }
    receivers.add(name);
  });

  let intervalsKnown = true;
  const intervals = new Set<string>();
  const intervalSections = [
    ['mute_time_intervals', 'mute time interval'],
    ['time_intervals', 'time interval'],
  ] as const;
  for (const [key, what] of intervalSections) {
    const list = section(config[key]);
    if (list === undefined) intervalsKnown = false;
    list?.forEach((interval, index) => {
      const name = text(entries(interval)?.name);
      if (name === undefined || name === '') return;
      if (intervals.has(name)) {
        report([key, index, 'name'], `${what} ${JSON.stringify(name)} is not unique`);
      }
      intervals.add(name);
    });
  }

  const root = entries(config.route);
  if (root === undefined) return problems;
  if (root.receiver === undefined || root.receiver === '') {
    report(['route', 'receiver'], 'root route must specify a default receiver');
  }
  for (const key of ['match', 'match_re', 'matchers'] as const) {
    if (isNonEmpty(root[key])) report(['route', key], 'root route must not have any matchers');
  }
  if (root.continue === true) report(['route', 'continue'], 'cannot have continue in root route');
  if (isNonEmpty(root.mute_time_intervals)) {
    report(['route', 'mute_time_intervals'], 'root route must not have any mute time intervals');
  }
  if (isNonEmpty(root.active_time_intervals)) {
    report(
      ['route', 'active_time_intervals'],
      'root route must not have any active time intervals',
    );
  }

  walkRoutes(root, ['route'], (route, path) => {
    const receiver = text(route.receiver);
    if (receiverList !== undefined && receiver && !receivers.has(receiver)) {
      report([...path, 'receiver'], `undefined receiver ${JSON.stringify(receiver)} used in route`);
    }
    if (!intervalsKnown) return;
    for (const key of ['mute_time_intervals', 'active_time_intervals'] as const) {
      const names = route[key];
      if (!Array.isArray(names)) continue;
      names.forEach((name: unknown, index) => {
        if (typeof name === 'string' && !intervals.has(name)) {
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
  route: Entries,
  path: PropertyKey[],
  visit: (route: Entries, path: PropertyKey[]) => void,
): void {
  visit(route, path);
  const children = route.routes;
  if (!Array.isArray(children)) return;
  children.forEach((child: unknown, index) => {
    const entry = entries(child);
    if (entry !== undefined) walkRoutes(entry, [...path, 'routes', index], visit);
  });
}
