import { labelsToString } from '@phoenix-alerting/core';
import type { Alert, Labels, RouteMatch } from '@phoenix-alerting/core';

/** The value of a group-by label on an alert; undefined when absent (not an own string). */
function valueOf(labels: Labels, name: string): string | undefined {
  const value = labels[name];
  return typeof value === 'string' ? value : undefined;
}

/** A group's place in its route's index: the key of each level of nested maps. */
export type GroupPath = readonly (string | undefined)[];

interface Node<G> {
  children: Map<string | undefined, Node<G>> | undefined;
  group: G | undefined;
}

/**
 * The aggregation groups of one route, found from an alert without building its group labels:
 * one level of maps per group-by name, keyed by the alert's value of that label (`undefined` when
 * the alert lacks it), so a lookup allocates nothing. `group_by: ['...']` keys by the alert's
 * fingerprint, which is the fingerprint of its group labels (all of them).
 */
export class RouteIndex<G> {
  /** The route's settings as last seen; groups read their timers and receiver from here. */
  route: RouteMatch;
  /** Group-by names, de-duplicated; undefined for `'...'`. */
  readonly names: readonly string[] | undefined;
  private readonly root: Node<G> = { children: undefined, group: undefined };
  private readonly byFingerprint = new Map<string, G>();

  constructor(route: RouteMatch) {
    this.route = route;
    this.names = route.groupBy === '...' ? undefined : [...new Set(route.groupBy)];
  }

  /** Whether `route` groups the same way as this index (its timers or receiver may differ). */
  groupsLike(route: RouteMatch): boolean {
    const groupBy = route.groupBy;
    const names = this.names;
    if (groupBy === '...' || names === undefined) return groupBy === '...' && names === undefined;
    if (groupBy === this.route.groupBy) return true;
    // Routers that build a fresh RouteMatch per call usually keep the names in order: no allocation.
    if (groupBy.length === names.length && groupBy.every((name, i) => name === names[i]))
      return true;
    const unique = new Set(groupBy);
    return unique.size === names.length && names.every((name) => unique.has(name));
  }

  find(alert: Alert): G | undefined {
    const names = this.names;
    if (names === undefined) return this.byFingerprint.get(alert.fingerprint);
    const labels = alert.labels;
    let node: Node<G> | undefined = this.root;
    for (let i = 0; i < names.length; i++) {
      node = node.children?.get(valueOf(labels, names[i]!));
      if (node === undefined) return undefined;
    }
    return node.group;
  }

  /** The group labels and group key an alert's group has (or would have) on this route. */
  identify(alert: Alert): { labels: Labels; groupKey: string; path: GroupPath } {
    const names = this.names;
    let labels: Record<string, string>;
    let path: (string | undefined)[];
    if (names === undefined) {
      labels = { ...alert.labels };
      path = [alert.fingerprint];
    } else {
      labels = {};
      path = names.map((name) => valueOf(alert.labels, name));
      names.forEach((name, i) => {
        if (path[i] !== undefined) labels[name] = path[i]!;
      });
    }
    // Alertmanager's `fmt.Sprintf("%s:%s", routeKey, groupLabels)`.
    return { labels, groupKey: `${this.route.routeKey}:${labelsToString(labels)}`, path };
  }

  add(path: GroupPath, group: G): void {
    if (this.names === undefined) {
      this.byFingerprint.set(path[0]!, group);
      return;
    }
    let node = this.root;
    for (const key of path) {
      node.children ??= new Map();
      let child = node.children.get(key);
      if (child === undefined) {
        child = { children: undefined, group: undefined };
        node.children.set(key, child);
      }
      node = child;
    }
    node.group = group;
  }

  /** Removes the group at `path`, pruning levels left empty. */
  remove(path: GroupPath, group: G): void {
    if (this.names === undefined) {
      if (this.byFingerprint.get(path[0]!) === group) this.byFingerprint.delete(path[0]!);
      return;
    }
    const trail: Node<G>[] = [this.root];
    for (const key of path) {
      const child = trail[trail.length - 1]!.children?.get(key);
      if (child === undefined) return;
      trail.push(child);
    }
    const leaf = trail[trail.length - 1]!;
    if (leaf.group !== group) return;
    leaf.group = undefined;
    for (let level = path.length; level > 0; level--) {
      const node = trail[level]!;
      if (node.group !== undefined || (node.children?.size ?? 0) > 0) break;
      trail[level - 1]!.children!.delete(path[level - 1]);
    }
  }
}
