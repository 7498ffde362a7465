// Alertmanager 0.25's routing tree (dispatch/route.go): NewRoute's inheritance, Match's
// depth-first search with `continue`, and the Key()/ID() strings that group keys are built from.
import { ConfigError, compareUtf8, createMatcher } from '@phoenix-alerting/core';
import type {
  ConfigIssue,
  Labels,
  Matcher,
  RouteConfig,
  RouteMatch,
  RouteSettings,
  Router,
} from '@phoenix-alerting/core';

/** Timer and grouping settings of the root route where the configuration leaves them out. */
export type RouteDefaults = Pick<
  RouteSettings,
  'groupBy' | 'groupWaitMs' | 'groupIntervalMs' | 'repeatIntervalMs'
>;

/** Alertmanager's `DefaultRouteOpts`: no grouping, 30s, 5m, 4h. */
export const defaultRouteOptions: Readonly<RouteDefaults> = Object.freeze({
  groupBy: Object.freeze([]) as readonly string[],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3_600_000,
});

export interface CreateRouterOptions {
  /** Overrides Alertmanager's defaults for the root route (and so for the whole tree). */
  defaults?: Partial<RouteDefaults>;
}

/** A node of the routing tree, for inspection (`routes show`, `routes test --tree`). */
export interface RouteNode {
  /** `undefined` for the root. */
  readonly parent: RouteNode | undefined;
  /** Position among the parent's children; 0 for the root. */
  readonly index: number;
  /** 0 for the root. */
  readonly depth: number;
  /** The route's own matchers, sorted as Alertmanager sorts them (name, value, operator). */
  readonly matchers: readonly Matcher[];
  /** Alertmanager's `Matchers.String()`: `{env="prod",team=~"^(?:a|b)$"}`; `{}` for the root. */
  readonly matchersText: string;
  readonly continue: boolean;
  /** What an alert matching this node is routed with, inherited settings resolved. */
  readonly route: RouteMatch;
  readonly children: readonly RouteNode[];
}

/** A {@link Router} over an Alertmanager routing tree, with the tree open to inspection. */
export interface AlertmanagerRouter extends Router {
  /**
   * The routes an alert with `labels` takes, in tree order, as Alertmanager's `Route.Match`.
   * A missing label reads as `''`. The returned objects are shared and must not be modified.
   */
  match(labels: Labels): readonly RouteMatch[];
  /** Like {@link match}, returning the tree nodes (so callers can walk up via `parent`). */
  matchNodes(labels: Labels): readonly RouteNode[];
  /** The root of the tree. */
  readonly root: RouteNode;
  /** Visits every node depth-first, parents before children (Alertmanager's `Route.Walk`). */
  walk(visit: (node: RouteNode) => void): void;
  /** Every node in {@link walk} order. */
  routeTree(): readonly RouteNode[];
}

// Go's MatchType order, used as the last sort key.
const typeOrder = { '=': 0, '!=': 1, '=~': 2, '!~': 3 } as const;

function compareMatchers(a: Matcher, b: Matcher): number {
  return (
    compareUtf8(a.name, b.name) ||
    compareUtf8(a.value, b.value) ||
    typeOrder[a.type] - typeOrder[b.type]
  );
}

/** The route's matchers as Alertmanager's NewRoute builds them: match, match_re, matchers. */
function routeMatchers(config: RouteConfig): Matcher[] {
  const matchers: Matcher[] = [];
  for (const [name, value] of Object.entries(config.match ?? {})) {
    matchers.push(createMatcher('=', name, value));
  }
  // Alertmanager keeps the compiled, anchored pattern, and that is what Key() shows.
  for (const [name, pattern] of Object.entries(config.match_re ?? {})) {
    matchers.push(createMatcher('=~', name, `^(?:${pattern})$`));
  }
  matchers.push(...(config.matchers ?? []));
  return matchers.sort(compareMatchers);
}

function resolveSettings(config: RouteConfig, parent: RouteSettings): RouteSettings {
  let groupBy = parent.groupBy;
  const labels = config.group_by?.filter((label) => label !== '...') ?? [];
  // `group_by: []` inherits, as in Alertmanager, where it leaves GroupBy nil.
  if (labels.length > 0) groupBy = Object.freeze([...new Set(labels)]);
  else if (config.group_by?.includes('...')) groupBy = '...';
  return {
    receiver: config.receiver || parent.receiver,
    groupBy,
    groupWaitMs: config.group_wait ?? parent.groupWaitMs,
    groupIntervalMs: config.group_interval ?? parent.groupIntervalMs,
    repeatIntervalMs: config.repeat_interval ?? parent.repeatIntervalMs,
    // Not inherited: each route names its own time intervals.
    muteTimeIntervals: Object.freeze([...(config.mute_time_intervals ?? [])]),
    activeTimeIntervals: Object.freeze([...(config.active_time_intervals ?? [])]),
  };
}

class Node implements RouteNode {
  readonly children: Node[] = [];
  readonly matchersText: string;
  readonly continue: boolean;
  readonly route: RouteMatch;
  /** For each matcher, the slot of its label name in the tree's label table. */
  slots: number[] = [];

  constructor(
    readonly parent: Node | undefined,
    readonly index: number,
    readonly depth: number,
    readonly matchers: readonly Matcher[],
    matchContinue: boolean,
    settings: RouteSettings,
  ) {
    this.continue = matchContinue;
    this.matchersText = `{${matchers.map((matcher) => matcher.toString()).join(',')}}`;
    const routeKey = parent ? `${parent.route.routeKey}/${this.matchersText}` : this.matchersText;
    const routeId = parent ? `${routeKey}/${index}` : routeKey;
    this.route = Object.freeze({ ...settings, routeKey, routeId });
  }
}

function build(
  config: RouteConfig,
  parent: Node | undefined,
  index: number,
  inherited: RouteSettings,
): Node {
  const settings = resolveSettings(config, inherited);
  const node = new Node(
    parent,
    index,
    parent ? parent.depth + 1 : 0,
    Object.freeze(routeMatchers(config)),
    config.continue ?? false,
    settings,
  );
  config.routes?.forEach((child, i) => node.children.push(build(child, node, i, settings)));
  return node;
}

/**
 * Evaluates the tree. A label read with a computed name is a slow, megamorphic lookup, and the
 * same names recur across siblings (`team` in every team route), so each label name the tree uses
 * gets a slot, read at most once per match and only when a matcher needs it.
 */
class TreeMatcher {
  readonly #names: string[] = [];
  readonly #values: string[];
  readonly #stamps: Int32Array;
  #generation = 0;

  constructor(root: Node) {
    const slots = new Map<string, number>();
    const assign = (node: Node) => {
      node.slots = node.matchers.map((matcher) => {
        let slot = slots.get(matcher.name);
        if (slot === undefined) {
          slot = this.#names.length;
          slots.set(matcher.name, slot);
          this.#names.push(matcher.name);
        }
        return slot;
      });
      node.children.forEach(assign);
    };
    assign(root);
    this.#values = this.#names.map(() => '');
    this.#stamps = new Int32Array(this.#names.length);
  }

  /** Alertmanager's Route.Match, appending what `pick` gives for each matching node to `out`. */
  match<T>(root: Node, labels: Labels, out: T[], pick: (node: Node) => T): void {
    // Stamps mark which slots this call has read; a new generation invalidates them all.
    if (++this.#generation === 0x7fffffff) {
      this.#generation = 1;
      this.#stamps.fill(0);
    }
    this.#matchNode(root, labels, out, pick);
  }

  #matchNode<T>(node: Node, labels: Labels, out: T[], pick: (node: Node) => T): boolean {
    const { matchers, slots } = node;
    for (let i = 0; i < matchers.length; i++) {
      if (!matchers[i]!.matches(this.#read(labels, slots[i]!))) return false;
    }
    const before = out.length;
    const children = node.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if (this.#matchNode(child, labels, out, pick) && !child.continue) break;
    }
    // A node none of whose children matched is itself the match.
    if (out.length === before) out.push(pick(node));
    return true;
  }

  #read(labels: Labels, slot: number): string {
    if (this.#stamps[slot] === this.#generation) return this.#values[slot]!;
    // A missing label reads as ''. Only strings count, so nothing inherited from
    // Object.prototype (`constructor`, `toString`) is taken for a label.
    const value: unknown = labels[this.#names[slot]!];
    const text = typeof value === 'string' ? value : '';
    this.#values[slot] = text;
    this.#stamps[slot] = this.#generation;
    return text;
  }
}

const pickRoute = (node: Node): RouteMatch => node.route;
const pickNode = (node: Node): RouteNode => node;

/**
 * Builds a router from an Alertmanager routing tree (the `route` section of a configuration
 * parsed by `parseAlertmanagerConfig`). Matchers are compiled and settings resolved once here;
 * `match` allocates nothing but its result array.
 *
 * @throws ConfigError when the root route has no receiver or has matchers (it must match every
 *   alert).
 */
export function createRouter(
  route: RouteConfig,
  options: CreateRouterOptions = {},
): AlertmanagerRouter {
  const root = build(route, undefined, 0, {
    ...defaultRouteOptions,
    ...options.defaults,
    receiver: '',
    muteTimeIntervals: [],
    activeTimeIntervals: [],
  });
  const problems: ConfigIssue[] = [];
  if (!root.route.receiver) {
    problems.push({ path: 'receiver', message: 'root route must specify a default receiver' });
  }
  if (root.matchers.length > 0) {
    problems.push({ path: '', message: 'root route must not have any matchers' });
  }
  if (problems.length > 0) throw new ConfigError(problems, { subject: 'routing tree' });

  const nodes: Node[] = [];
  const collect = (node: Node) => {
    nodes.push(node);
    node.children.forEach(collect);
  };
  collect(root);
  const tree: readonly RouteNode[] = Object.freeze(nodes);
  const matcher = new TreeMatcher(root);

  return {
    root,
    match(labels) {
      const out: RouteMatch[] = [];
      matcher.match(root, labels, out, pickRoute);
      return out;
    },
    matchNodes(labels) {
      const out: RouteNode[] = [];
      matcher.match(root, labels, out, pickNode);
      return out;
    },
    walk(visit) {
      for (const node of tree) visit(node);
    },
    routeTree: () => tree,
  };
}
