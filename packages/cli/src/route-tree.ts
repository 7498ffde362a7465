// The routing-tree pictures of `amtool config routes show` and `amtool config routes test --tree`
// (Alertmanager 0.25 cli/routing.go), drawn from the router's own tree.
import type { RouteNode } from '@phoenix-alerting/router';
import { printTree } from './tree-print.js';
import type { TreeNode } from './tree-print.js';

// amtool's separator between the parts of a node's text.
const SEPARATOR = '  ';

/**
 * `getRouteTreeSlug`: the matchers as Alertmanager prints them (sorted, `match_re` anchored) or
 * `default-route` when there are none, then optionally `continue: true` and the receiver.
 * amtool 0.25 does not show `group_by`.
 */
export function routeSlug(
  node: RouteNode,
  options: { showContinue: boolean; showReceiver: boolean },
): string {
  let slug = node.matchers.length === 0 ? 'default-route' : node.matchersText;
  if (node.continue && options.showContinue) slug += `${SEPARATOR}continue: true`;
  if (options.showReceiver) slug += `${SEPARATOR}receiver: ${node.route.receiver}`;
  return slug;
}

/** The text `routes show` prints: `Routing tree:`, the whole tree, a blank line. */
export function formatRoutingTree(root: RouteNode): string {
  const convert = (node: RouteNode): TreeNode => ({
    value: routeSlug(node, { showContinue: true, showReceiver: true }),
    children: node.children.map(convert),
  });
  return `Routing tree:\n${printTree([convert(root)])}\n`;
}

/**
 * The text `routes test --tree` prints before the receivers: `Matching routes:`, the routes the
 * labels went through, with the receiver on those they ended at (`matched`, what the router
 * returned), then two blank lines. A route is drawn when it or a route under it matched: the
 * routes amtool's `getMatchingTree` walks through.
 */
export function formatMatchingTree(root: RouteNode, matched: ReadonlySet<RouteNode>): string {
  const convert = (node: RouteNode): TreeNode | undefined => {
    const children = node.children.map(convert).filter((child) => child !== undefined);
    const final = matched.has(node);
    if (!final && children.length === 0) return undefined;
    return { value: routeSlug(node, { showContinue: false, showReceiver: final }), children };
  };
  // The root always matches: it has no matchers.
  const top = convert(root) ?? {
    value: routeSlug(root, { showContinue: false, showReceiver: false }),
    children: [],
  };
  return `Matching routes:\n${printTree([top])}\n\n`;
}
