import { parseLabelArguments } from './parse-labels.js';
import { reportError } from './io.js';
import type { CommandIo, ExitCode } from './io.js';
import { formatMatchingTree, formatRoutingTree } from './route-tree.js';
import { loadRouting } from './routing.js';

/** Options of {@link routesTest}: `routes test --config FILE [--tree] [--verify.receivers] …`. */
export interface RoutesTestOptions {
  /** The configuration file. */
  config: string;
  /** `name=value` (or `name="value"`) arguments; none routes the empty label set. */
  labels?: readonly string[];
  /** Print the matching routes as a tree before the receivers. */
  tree?: boolean;
  /** Fail unless the receivers, comma-joined, are exactly this; `''` or absent: no check. */
  verifyReceivers?: string | undefined;
  /** Variables for `${NAME}` substitution. Defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * `routes test`: prints the receivers the labels are routed to, comma-separated in match order,
 * as `amtool config routes test` does, and with `tree` amtool's matching-routes tree first.
 * Returns 1 with amtool's warning when `verifyReceivers` differs; errors are reported on stderr.
 */
export function routesTest(options: RoutesTestOptions, io: CommandIo): ExitCode {
  try {
    // amtool loads the configuration before it looks at the labels.
    const router = loadRouting(options.config, options.env, io);
    const labels = parseLabelArguments(options.labels ?? []);
    const matches = router.match(labels);
    if (options.tree) {
      // The same search, returning the nodes, so that the picture needs no matching of its own.
      io.stdout.write(formatMatchingTree(router.root, new Set(router.matchNodes(labels))));
    }
    const receivers = matches.map((match) => match.receiver).join(',');
    io.stdout.write(`${receivers}\n`);
    if (options.verifyReceivers && options.verifyReceivers !== receivers) {
      io.stdout.write('WARNING: Expected receivers did not match resolved receivers.\n');
      return 1;
    }
    return 0;
  } catch (error) {
    return reportError(error, io);
  }
}

/** Options of {@link routesShow}. */
export interface RoutesShowOptions {
  config: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/** `routes show`: prints the routing tree as `amtool config routes show` does. */
export function routesShow(options: RoutesShowOptions, io: CommandIo): ExitCode {
  try {
    const router = loadRouting(options.config, options.env, io);
    io.stdout.write(formatRoutingTree(router.root));
    return 0;
  } catch (error) {
    return reportError(error, io);
  }
}
