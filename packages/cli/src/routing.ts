import { readFileSync } from 'node:fs';
import {
  ConfigError,
  loadAlertmanagerConfig,
  alertmanagerScalarDecoding,
  parseConfig,
  routeConfigSchema,
} from '@phoenix-alerting/core';
import type { RouteConfig } from '@phoenix-alerting/core';
import { createRouter } from '@phoenix-alerting/router';
import type { AlertmanagerRouter } from '@phoenix-alerting/router';
import { z } from 'zod';
import { PROGRAM } from './io.js';
import type { CommandIo } from './io.js';

type Env = Readonly<Record<string, string | undefined>>;

// core's message for a `${NAME}` whose variable is not set.
const UNSET_VARIABLE = /^environment variable (\S+) is not set/;

// The `route` section alone; the other sections are checked by check-config.
const routingOnlySchema = z.looseObject({ route: routeConfigSchema });

/**
 * Loads a configuration file and builds its router, for `routes show` and `routes test`.
 *
 * The whole file is validated, as Alertmanager does, with one exception: when the only problems
 * are unset environment variables outside `route` (secrets such as `${SLACK_WEBHOOK_URL}`, which
 * routing never reads), a warning names them on stderr and the routing tree is built anyway, so
 * that routes can be tested where the secrets are not available (amtool does not substitute
 * variables at all).
 *
 * @throws ConfigError naming the file and every problem.
 */
export function loadRouting(
  file: string,
  env: Env = process.env,
  io?: CommandIo,
): AlertmanagerRouter {
  try {
    return createRouter(loadAlertmanagerConfig(file, { env }).route);
  } catch (error) {
    const unset = unsetOutsideRoute(error);
    if (unset === undefined) throw error;
    io?.stderr.write(
      `${PROGRAM}: warning: ${unset.join(', ')} ${unset.length === 1 ? 'is' : 'are'} not set; ` +
        `routing does not use ${unset.length === 1 ? 'it' : 'them'}, so only the route section ` +
        `was checked (check-config checks the whole file)\n`,
    );
    const placeholders = Object.fromEntries(unset.map((name) => [name, '']));
    const { route } = parseConfig(readFileSync(file, 'utf8'), {
      schema: routingOnlySchema,
      file,
      env: { ...env, ...placeholders },
      scalars: alertmanagerScalarDecoding,
    }) as { route: RouteConfig };
    return createRouter(route);
  }
}

/** The unset variables, when they are the only problems and none is in `route`. */
function unsetOutsideRoute(error: unknown): string[] | undefined {
  if (!ConfigError.isInstance(error)) return undefined;
  const names = new Set<string>();
  for (const issue of error.issues) {
    const name = UNSET_VARIABLE.exec(issue.message)?.[1];
    if (name === undefined || /^route(?![\w-])/.test(issue.path)) return undefined;
    names.add(name);
  }
  return names.size > 0 ? [...names] : undefined;
}
