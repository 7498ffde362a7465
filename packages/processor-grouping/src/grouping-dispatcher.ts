import { PhoenixError, isResolved } from '@phoenix-alerting/core';
import type {
  Alert,
  DispatchContext,
  GroupState,
  Notification,
  RouteMatch,
  StopOptions,
} from '@phoenix-alerting/core';
import { AggregationGroup } from './aggregation-group.js';
import { parseGroupingDispatcherOptions } from './options.js';
import type { GroupingDispatcherOptions } from './options.js';
import { RouteIndex } from './route-index.js';
import { listGroups } from './list-groups.js';
import type { GroupingDispatcher, RestoreResult } from './types.js';

/**
 * Creates Alertmanager 0.25's dispatcher (`dispatch/dispatch.go`) on Phoenix's clock and store.
 * Hand it to `createPipeline({ dispatcher })`; the pipeline starts it, calls `dispatch` with each
 * routed batch, and stops it.
 *
 * Each (route, values of the route's `group_by` labels) pair is an aggregation group. A new group
 * flushes after `group_wait` (at once when an alert in it started more than `group_wait` ago and
 * the group has not flushed yet), then every `group_interval`. A flush notifies every alert of the
 * group, firing ones with `endsAt` cleared as Alertmanager does, and waits for delivery; the
 * notification log downstream decides whether anything changed or `repeat_interval` has passed.
 * Once delivered, the resolved alerts it carried are removed unless they changed meanwhile, and a
 * group left empty is removed.
 *
 * @throws ConfigError when `options` are invalid.
 */
export function createGroupingDispatcher(
  options: GroupingDispatcherOptions = {},
): GroupingDispatcher {
  const { persist } = parseGroupingDispatcherOptions(options);
  let context: DispatchContext | undefined;
  const indexes = new Map<string, RouteIndex<AggregationGroup>>();
  const groups = new Set<AggregationGroup>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let stopping: Promise<void> | undefined;
  let flushes = 0;
  let flushFailures = 0;
  /** States saved by a previous process (read at start), until `restore` claims or drops them. */
  let persisted: Map<string, GroupState> | undefined;

  function report(stage: string, error: unknown, groupKey?: string): void {
    if (!context) return;
    context.logger.error({ err: error, stage, groupKey }, `aggregation group ${stage} failed`);
    context.events.emit('plugin-failed', { plugin: 'dispatcher', stage, error });
  }

  async function save(states: readonly GroupState[]): Promise<void> {
    if (!persist || states.length === 0) return;
    try {
      await context!.store.groups.put(states);
    } catch (error) {
      report('persist', error);
    }
  }

  // Most batches take one route: skip the map for a repeat of the last one.
  let lastIndex: RouteIndex<AggregationGroup> | undefined;

  function indexFor(route: RouteMatch): RouteIndex<AggregationGroup> {
    if (lastIndex !== undefined && lastIndex.route === route) return lastIndex;
    lastIndex = indexForRoute(route);
    return lastIndex;
  }

  function indexForRoute(route: RouteMatch): RouteIndex<AggregationGroup> {
    let index = indexes.get(route.routeId);
    if (index !== undefined) {
      if (index.route === route) return index;
      if (index.groupsLike(route)) {
        index.route = route;
        return index;
      }
    }
    // A new route, or its group_by changed (configuration reload): older groups live on until
    // they empty, new alerts form new groups.
    index = new RouteIndex<AggregationGroup>(route);
    indexes.set(route.routeId, index);
    return index;
  }

  function arm(group: AggregationGroup, at: number): void {
    const clock = context!.clock;
    if (group.timer !== undefined) clock.clearTimeout(group.timer);
    group.nextFlushAt = at;
    group.timer = clock.setTimeout(() => onTimer(group), at - clock.now());
  }

  function onTimer(group: AggregationGroup): void {
    group.timer = undefined;
    if (stopped || group.removed) return;
    if (group.flushing) group.tickPending = true;
    else tick(group);
  }

  function createGroup(
    index: RouteIndex<AggregationGroup>,
    alert: Alert,
    now: number,
    identity = index.identify(alert),
  ): AggregationGroup {
    const group = new AggregationGroup(index, identity.path, identity.groupKey, identity.labels, 0);
    index.add(identity.path, group);
    groups.add(group);
    const state = persisted?.get(group.groupKey);
    if (state === undefined) {
      arm(group, now + index.route.groupWaitMs);
      return group;
    }
    // The group existed before a restart: keep its flush times.
    persisted!.delete(group.groupKey);
    group.persistedFingerprints = state.fingerprints;
    group.firstFlushAt = state.firstFlushAt;
    group.lastFlushAt = state.lastFlushAt;
    group.hasFlushed = state.firstFlushAt > 0;
    arm(group, Math.max(state.nextFlushAt, now));
    return group;
  }

  function insert(group: AggregationGroup, alert: Alert, now: number): void {
    group.put(alert);
    // Alertmanager's aggrGroup.insert: an alert whose group_wait is already over flushes at once.
    if (
      !group.hasFlushed &&
      alert.startsAt + group.index.route.groupWaitMs < now &&
      group.nextFlushAt > now
    )
      arm(group, now);
  }

  /** aggrGroup.run's tick: re-arm for group_interval first, then flush. */
  function tick(group: AggregationGroup): void {
    const now = context!.clock.now();
    group.hasFlushed = true;
    if (group.firstFlushAt === 0) group.firstFlushAt = now;
    group.lastFlushAt = now;
    arm(group, now + group.index.route.groupIntervalMs);
    flushes++;
    const flush: Promise<void> = flushGroup(group, now)
      .catch((error: unknown) => report('flush', error, group.groupKey))
      .finally(() => {
        inFlight.delete(flush);
        group.flushing = undefined;
        if (group.tickPending && !group.removed && !stopped) {
          group.tickPending = false;
          tick(group);
        }
      });
    group.flushing = flush;
    inFlight.add(flush);
  }

  async function flushGroup(group: AggregationGroup, now: number): Promise<void> {
    const route = group.index.route;
    // Sorted first: the order depends on the labels only, which the firing copies keep.
    const alerts = group.sortedAlerts();
    const resolved: Alert[] = [];
    for (let i = 0; i < alerts.length; i++) {
      const alert = alerts[i]!;
      if (isResolved(alert, now)) resolved.push(alert);
      // "Ensure that alerts don't resolve as time move forwards."
      else if (alert.endsAt !== 0) alerts[i] = { ...alert, endsAt: 0 };
    }
    if (alerts.length === 0) return;
    const notification: Notification = {
      receiver: route.receiver,
      groupKey: group.groupKey,
      groupLabels: group.labels,
      alerts,
      timestamp: now,
      route,
    };
    context!.logger.debug(
      { groupKey: group.groupKey, alerts: alerts.length, resolved: resolved.length },
      'flushing aggregation group',
    );
    let delivered = false;
    try {
      const receipt = await context!.notify(notification);
      delivered = await receipt.delivered;
    } catch (error) {
      report('notify', error, group.groupKey);
    }
    if (!delivered) {
      flushFailures++;
    } else {
      // Alertmanager's DeleteIfNotModified: keep a resolved alert that was updated meanwhile.
      for (const sent of resolved) {
        const current = group.alerts.get(sent.fingerprint);
        if (
          current === sent ||
          (current !== undefined &&
            current.updatedAt === sent.updatedAt &&
            current.endsAt === sent.endsAt)
        )
          group.drop(sent.fingerprint);
      }
    }
    if (group.alerts.size === 0) await removeGroup(group);
    else await save([group.state()]);
  }

  async function removeGroup(group: AggregationGroup): Promise<void> {
    group.removed = true;
    if (group.timer !== undefined) context!.clock.clearTimeout(group.timer);
    group.timer = undefined;
    group.index.remove(group.path, group);
    groups.delete(group);
    if (!persist) return;
    try {
      await context!.store.groups.delete([group.groupKey]);
    } catch (error) {
      report('persist', error, group.groupKey);
    }
  }

  async function restore(
    alerts: readonly Alert[],
    routes: readonly (readonly RouteMatch[])[],
    at?: number,
  ): Promise<RestoreResult> {
    if (!context) {
      throw new PhoenixError('ERR_PLUGIN_FAILED', 'restore() needs the dispatcher started first');
    }
    const now = at ?? context.clock.now();
    const touched = new Set<AggregationGroup>();
    let inserted = 0;
    alerts.forEach((alert, i) => {
      for (const route of routes[i] ?? []) {
        const index = indexFor(route);
        let group = index.find(alert);
        const identity = group ? undefined : index.identify(alert);
        if (isResolved(alert, now)) {
          // Only into a group whose saved state lists it: the others were notified resolved and
          // removed, or never notified firing.
          const listed = group
            ? group.persistedFingerprints
            : persisted?.get(identity!.groupKey)?.fingerprints;
          if (!listed?.includes(alert.fingerprint)) continue;
        }
        group ??= createGroup(index, alert, now, identity);
        touched.add(group);
        const current = group.alerts.get(alert.fingerprint);
        if (current && current.updatedAt >= alert.updatedAt) continue;
        insert(group, alert, now);
        inserted++;
      }
    });
    const stale = [...(persisted?.keys() ?? [])];
    persisted = undefined;
    await save([...touched].map((group) => group.state()));
    if (persist && stale.length > 0) {
      try {
        await context.store.groups.delete(stale);
      } catch (error) {
        report('persist', error);
      }
    }
    let resumed = 0;
    for (const group of touched) if (group.persistedFingerprints) resumed++;
    return {
      resumed,
      created: touched.size - resumed,
      alerts: inserted,
      discarded: stale.length,
    };
  }

  async function stop(options?: StopOptions): Promise<void> {
    stopped = true;
    const clock = context?.clock;
    for (const group of groups) {
      if (group.timer !== undefined) clock?.clearTimeout(group.timer);
      group.timer = undefined;
    }
    if (inFlight.size > 0) {
      const drained = Promise.allSettled([...inFlight]);
      if (options && clock) {
        let timer: ReturnType<typeof clock.setTimeout> | undefined;
        let onAbort: (() => void) | undefined;
        const deadline = new Promise<void>((resolve) => {
          onAbort = resolve;
          if (options.signal.aborted) resolve();
          options.signal.addEventListener('abort', onAbort, { once: true });
          timer = clock.setTimeout(resolve, options.deadline - clock.now());
        });
        await Promise.race([drained, deadline]);
        options.signal.removeEventListener('abort', onAbort!);
        clock.clearTimeout(timer!);
      } else {
        await drained;
      }
    }
    if (context) await save([...groups].map((group) => group.state()));
  }

  return {
    async start(dispatchContext) {
      context = dispatchContext;
      if (!persist) return;
      try {
        const states = await dispatchContext.store.groups.list();
        persisted = new Map(states.map((state) => [state.groupKey, state]));
      } catch (error) {
        report('restore', error);
      }
    },

    dispatch(batch, routes, now) {
      if (context === undefined)
        throw new PhoenixError(
          'ERR_PLUGIN_FAILED',
          'dispatch() needs the dispatcher started first',
        );
      // After stop (the pipeline stops the dispatcher once its queue is drained) nothing would flush.
      if (stopped) return;
      let created: AggregationGroup[] | undefined;
      for (let i = 0; i < batch.length; i++) {
        const matches = routes[i];
        if (matches === undefined) continue;
        const alert = batch[i]!;
        for (let j = 0; j < matches.length; j++) {
          const index = indexFor(matches[j]!);
          let group = index.find(alert);
          if (group === undefined) {
            group = createGroup(index, alert, now);
            (created ??= []).push(group);
          }
          insert(group, alert, now);
        }
      }
      // One store write per batch, with the alerts the new groups hold at its end.
      if (created !== undefined && persist) return save(created.map((group) => group.state()));
    },

    restore,
    stop: (options) => (stopping ??= stop(options)),
    groups: (filter) => listGroups(groups, filter, context?.clock.now() ?? 0),

    stats() {
      let alerts = 0;
      for (const group of groups) alerts += group.alerts.size;
      return {
        groups: groups.size,
        alerts,
        flushesInFlight: inFlight.size,
        flushes,
        flushFailures,
      };
    },
  };
}
