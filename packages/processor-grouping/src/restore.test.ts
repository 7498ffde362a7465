import { describe, expect, it } from 'vitest';
import type { Alert, RouteMatch } from '@phoenix-alerting/core';
import { createMemoryStore, FakeClock } from '@phoenix-alerting/core/testing';
import { T0, firing, harness, route, staticRoutes } from './__fixtures__/harness.js';

const S = 1_000;
const M = 60 * S;

/** Runs a first process that notifies one group, then stops it as a restart would. */
async function firstRun() {
  const clock = new FakeClock(T0);
  const store = createMemoryStore();
  const r = route();
  const before = harness({ clock, store, router: staticRoutes(r) });
  await before.pipeline.start();
  await before.emit(firing({ alertname: 'A', instance: '1' }));
  await before.at(30 * S);
  expect(before.timeline()).toHaveLength(1);
  await before.at(100 * S);
  await before.pipeline.stop();
  return { clock, store, r, alerts: before.accepted };
}

async function restart(run: Awaited<ReturnType<typeof firstRun>>, alerts: Alert[] = run.alerts) {
  const after = harness({ clock: run.clock, store: run.store, router: staticRoutes(run.r) });
  await after.pipeline.start();
  const routes: RouteMatch[][] = alerts.map((alert) => [...after.router.match(alert.labels)]);
  const result = await after.dispatcher.restore(alerts, routes);
  return { after, result };
}

describe('restore', () => {
  it('resumes a flushed group on its group_interval cadence without a second group_wait or resend', async () => {
    const run = await firstRun();
    expect(await run.store.groups.list()).toMatchObject([
      { groupKey: '{}:{alertname="A"}', firstFlushAt: T0 + 30 * S, nextFlushAt: T0 + 330 * S },
    ]);

    const { after, result } = await restart(run);
    expect(result).toEqual({ resumed: 1, created: 0, alerts: 1, discarded: 0 });
    expect(after.clock.nextDue()).toBe(T0 + 330 * S);

    // No group_wait flush after the restart, and the tick at the old cadence sends nothing new.
    await after.at(330 * S);
    expect(after.dispatcher.stats().flushes).toBe(1);
    expect(after.timeline()).toEqual([]);

    // A change is notified at the next tick of the resumed cadence, not after group_wait.
    await after.at(400 * S);
    await after.emit(firing({ alertname: 'A', instance: '2' }));
    await after.at(630 * S - 1);
    expect(after.timeline()).toEqual([]);
    await after.at(630 * S);
    expect(after.timeline()).toEqual([
      { at: 630 * S, groupKey: '{}:{alertname="A"}', alerts: ['1:firing', '2:firing'] },
    ]);
    await after.pipeline.stop();
  });

  it('lets a batch that arrives before restore adopt the saved state (Prometheus re-sending)', async () => {
    const run = await firstRun();
    const after = harness({ clock: run.clock, store: run.store, router: staticRoutes(run.r) });
    await after.pipeline.start();
    await after.emit(firing({ alertname: 'A', instance: '1' }));
    expect(after.clock.nextDue()).toBe(T0 + 330 * S);
    await after.at(330 * S);
    expect(after.dispatcher.stats().flushes).toBe(1);
    expect(after.timeline()).toEqual([]);
    await after.pipeline.stop();
  });

  it('flushes at once (sending nothing unchanged) when the persisted tick passed while down', async () => {
    const run = await firstRun();
    await run.clock.advanceTo(T0 + 20 * M);
    const { after } = await restart(run);
    await after.at(20 * M);
    expect(after.dispatcher.stats().flushes).toBe(1);
    expect(after.timeline()).toEqual([]);
    expect(after.clock.nextDue()).toBe(T0 + 25 * M);
    await after.pipeline.stop();
  });

  it('resumes a group still waiting for group_wait at its original deadline', async () => {
    const clock = new FakeClock(T0);
    const store = createMemoryStore();
    const r = route();
    const before = harness({ clock, store, router: staticRoutes(r) });
    await before.pipeline.start();
    await before.emit(firing({ alertname: 'A', instance: '1' }));
    await before.at(10 * S);
    await before.pipeline.stop();

    const { after, result } = await restart({ clock, store, r, alerts: before.accepted });
    expect(result.resumed).toBe(1);
    await after.at(30 * S);
    expect(after.timeline()).toEqual([
      { at: 30 * S, groupKey: '{}:{alertname="A"}', alerts: ['1:firing'] },
    ]);
    await after.pipeline.stop();
  });

  it('skips resolved alerts the group no longer lists and discards states without alerts', async () => {
    const run = await firstRun();
    // A stale state of a group whose alerts are gone.
    await run.store.groups.put([
      {
        groupKey: '{}:{alertname="Gone"}',
        receiver: 'default',
        routeId: '{}',
        groupLabels: { alertname: 'Gone' },
        fingerprints: ['0000000000000001'],
        firstFlushAt: T0,
        lastFlushAt: T0,
        nextFlushAt: T0 + 300 * S,
      },
    ]);
    const [alert] = run.alerts;
    const notified: Alert = { ...alert!, endsAt: T0 + 50 * S };
    const { after, result } = await restart(run, [
      alert!,
      // Resolved, never part of the group's persisted state: nothing to tell anyone.
      {
        ...alert!,
        labels: { alertname: 'B' },
        fingerprint: 'ffffffffffffffff',
        endsAt: T0 + 50 * S,
      },
    ]);
    expect(result).toEqual({ resumed: 1, created: 0, alerts: 1, discarded: 1 });
    expect((await after.store.groups.list()).map((s) => s.groupKey)).toEqual([
      '{}:{alertname="A"}',
    ]);

    await after.pipeline.stop();

    // A resolved alert the state still lists is restored, so its resolution gets notified.
    const again = await restart(run, [notified]);
    expect(again.result).toMatchObject({ resumed: 1, alerts: 1 });
    await again.after.at(330 * S);
    expect(again.after.timeline()).toEqual([
      { at: 330 * S, groupKey: '{}:{alertname="A"}', alerts: ['1:resolved'] },
    ]);
    await again.after.pipeline.stop();
  });

  it('starts groups without a persisted state afresh, flushing old alerts at once', async () => {
    const clock = new FakeClock(T0 + 10 * M);
    const after = harness({ clock });
    await after.pipeline.start();
    const alerts = [firing({ alertname: 'A', instance: '1' }, { startsAt: T0 })].map(
      (input): Alert => ({
        labels: input.labels,
        annotations: {},
        startsAt: T0,
        endsAt: input.endsAt as number,
        generatorURL: '',
        updatedAt: T0,
        timeout: false,
        fingerprint: 'aaaaaaaaaaaaaaaa',
      }),
    );
    const result = await after.dispatcher.restore(alerts, [[route()]]);
    expect(result).toEqual({ resumed: 0, created: 1, alerts: 1, discarded: 0 });
    await after.at(10 * M);
    expect(after.timeline()).toHaveLength(1);
    await after.pipeline.stop();
  });

  it('needs the dispatcher started', async () => {
    const h = harness();
    await expect(h.dispatcher.restore([], [])).rejects.toThrow(/start/);
    expect(() => h.dispatcher.dispatch([], [], T0)).toThrow(/start/);
  });

  it('does not override a newer state dispatched since the start', async () => {
    const run = await firstRun();
    const after = harness({ clock: run.clock, store: run.store, router: staticRoutes(run.r) });
    await after.pipeline.start();
    await after.emit(firing({ alertname: 'A', instance: '1' }, { annotations: { v: 'new' } }));
    const result = await after.dispatcher.restore(run.alerts, [[run.r]]);
    expect(result).toMatchObject({ resumed: 1, alerts: 0 });
    // The group created by that batch adopted the persisted cadence.
    expect(after.clock.nextDue()).toBe(T0 + 330 * S);
    expect(after.dispatcher.groups()[0]!.alerts[0]!.annotations.v).toBe('new');
    await after.pipeline.stop();
  });
});
