import { describe, expect, it } from 'vitest';
import { ConfigError } from '@phoenix-alerting/core';
import { createGroupingDispatcher } from './grouping-dispatcher.js';
import { T0, firing, harness, route, staticRoutes } from './__fixtures__/harness.js';

const S = 1_000;
const M = 60 * S;

describe('aggregation group timeline (Alertmanager TestAggrGroup, through a pipeline)', () => {
  it('notifies after group_wait, then changes at group_interval ticks, repeats after repeat_interval, resolves and removes', async () => {
    const h = harness();
    await h.pipeline.start();

    await h.emit(firing({ alertname: 'HighLatency', instance: 'a' }));
    await h.at(30 * S - 1);
    expect(h.timeline()).toEqual([]);
    await h.at(30 * S);
    expect(h.timeline()).toEqual([
      { at: 30 * S, groupKey: '{}:{alertname="HighLatency"}', alerts: ['a:firing'] },
    ]);

    // A second alert joins the flushed group: notified at the next group_interval tick only.
    await h.at(1 * M);
    await h.emit(firing({ alertname: 'HighLatency', instance: 'b' }));
    await h.at(30 * S + 5 * M - 1);
    expect(h.timeline()).toHaveLength(1);
    await h.at(30 * S + 5 * M);
    expect(h.timeline()[1]).toEqual({
      at: 330 * S,
      groupKey: '{}:{alertname="HighLatency"}',
      alerts: ['a:firing', 'b:firing'],
    });

    // Nothing changes: the group still flushes every 5m, but the notification log holds the
    // repeat back until a tick strictly after last sent + repeat_interval (330s + 1h = 3930s is
    // not; 4230s is), exactly as Alertmanager's `entry.Timestamp.Before(now - repeat)`.
    const flushesBefore = h.dispatcher.stats().flushes;
    await h.at(3930 * S);
    expect(h.timeline()).toHaveLength(2);
    expect(h.dispatcher.stats().flushes - flushesBefore).toBe(12);
    await h.at(4230 * S);
    expect(h.timeline()).toHaveLength(3);
    expect(h.timeline()[2]).toMatchObject({ at: 4230 * S, alerts: ['a:firing', 'b:firing'] });

    // A resolves: notified (send_resolved) at the next tick, then dropped from the group.
    await h.at(4300 * S);
    await h.emit(firing({ alertname: 'HighLatency', instance: 'a' }, { endsAt: h.clock.now() }));
    await h.at(4530 * S - 1);
    expect(h.timeline()).toHaveLength(3);
    await h.at(4530 * S);
    expect(h.timeline()[3]).toMatchObject({ at: 4530 * S, alerts: ['a:resolved', 'b:firing'] });
    expect(h.dispatcher.groups().map((g) => g.alerts.map((a) => a.labels.instance))).toEqual([
      ['b'],
    ]);
    expect((await h.store.groups.list())[0]!.fingerprints).toHaveLength(1);

    // B resolves: the last notification carries only B, and the group is gone.
    await h.at(4600 * S);
    await h.emit(firing({ alertname: 'HighLatency', instance: 'b' }, { endsAt: h.clock.now() }));
    await h.at(4830 * S);
    expect(h.timeline()[4]).toMatchObject({ at: 4830 * S, alerts: ['b:resolved'] });
    expect(h.dispatcher.groups()).toEqual([]);
    expect(h.dispatcher.stats()).toMatchObject({ groups: 0, alerts: 0, flushesInFlight: 0 });
    expect(await h.store.groups.list()).toEqual([]);
    expect(h.clock.pendingTimers).toBe(0);

    // A new alert with the same labels starts a new group, with a new group_wait.
    await h.at(5000 * S);
    await h.emit(firing({ alertname: 'HighLatency', instance: 'c' }));
    await h.at(5030 * S);
    expect(h.timeline()[5]).toMatchObject({ at: 5030 * S, alerts: ['c:firing'] });
    expect(h.timeline()).toHaveLength(6);
    await h.pipeline.stop();
  });

  it('builds the notification as Alertmanager flushes it', async () => {
    const r = route({ groupBy: ['alertname', 'cluster'], receiver: 'default' });
    const h = harness({ router: staticRoutes(r) });
    await h.pipeline.start();
    await h.emit(
      firing({ alertname: 'Disk', cluster: 'eu', instance: '9' }),
      firing({ alertname: 'Disk', cluster: 'eu', instance: '10' }),
      firing({ alertname: 'Disk', cluster: 'eu', job: 'node', instance: '11' }),
    );
    await h.at(30 * S);
    const [{ notification }] = h.notifier.sent as [(typeof h.notifier.sent)[0]];
    expect(notification.receiver).toBe('default');
    expect(notification.groupKey).toBe('{}:{alertname="Disk", cluster="eu"}');
    expect(notification.groupLabels).toEqual({ alertname: 'Disk', cluster: 'eu' });
    expect(notification.timestamp).toBe(T0 + 30 * S);
    expect(notification.route).toBe(r);
    // job first, then instance as strings ("10" < "9"); firing alerts have endsAt cleared.
    expect(notification.alerts.map((a) => a.labels.instance)).toEqual(['11', '10', '9']);
    expect(notification.alerts.map((a) => a.endsAt)).toEqual([0, 0, 0]);
    await h.pipeline.stop();
  });
});

describe('grouping', () => {
  it("group_by ['...'] makes one group per alert", async () => {
    const h = harness({ router: staticRoutes(route({ groupBy: '...' })) });
    await h.pipeline.start();
    await h.emit(
      firing({ alertname: 'A', instance: '1' }),
      firing({ alertname: 'A', instance: '2' }),
    );
    await h.at(30 * S);
    expect(
      h
        .timeline()
        .map((n) => n.groupKey)
        .sort(),
    ).toEqual(['{}:{alertname="A", instance="1"}', '{}:{alertname="A", instance="2"}']);
    expect(h.dispatcher.stats().groups).toBe(2);
    await h.pipeline.stop();
  });

  it('groups by the values of the group_by labels the alert has', async () => {
    const h = harness({ router: staticRoutes(route({ groupBy: ['alertname', 'cluster'] })) });
    await h.pipeline.start();
    await h.emit(
      firing({ alertname: 'A', cluster: 'x', instance: '1' }),
      firing({ alertname: 'A', cluster: 'x', instance: '2' }),
      firing({ alertname: 'A', cluster: 'y', instance: '3' }),
      firing({ alertname: 'B', cluster: 'x', instance: '4' }),
      firing({ alertname: 'A', instance: '5' }),
    );
    await h.at(30 * S);
    expect(
      h
        .timeline()
        .map((n) => `${n.groupKey} ${n.alerts.join(',')}`)
        .sort(),
    ).toEqual([
      '{}:{alertname="A", cluster="x"} 1:firing,2:firing',
      '{}:{alertname="A", cluster="y"} 3:firing',
      '{}:{alertname="A"} 5:firing',
      '{}:{alertname="B", cluster="x"} 4:firing',
    ]);
    await h.pipeline.stop();
  });

  it('empty group_by puts every alert of a route in one group', async () => {
    const h = harness({ router: staticRoutes(route({ groupBy: [] })) });
    await h.pipeline.start();
    await h.emit(firing({ alertname: 'A' }), firing({ alertname: 'B' }));
    await h.at(30 * S);
    expect(h.timeline()).toEqual([
      { at: 30 * S, groupKey: '{}:{}', alerts: ['A:firing', 'B:firing'] },
    ]);
    await h.pipeline.stop();
  });

  it('keeps only the newest state of an alert', async () => {
    const h = harness();
    await h.pipeline.start();
    await h.emit(firing({ alertname: 'A', instance: '1' }, { annotations: { v: '1' } }));
    await h.at(10 * S);
    await h.emit(firing({ alertname: 'A', instance: '1' }, { annotations: { v: '2' } }));
    await h.at(30 * S);
    expect(h.notifier.sent[0]!.notification.alerts.map((a) => a.annotations.v)).toEqual(['2']);
    await h.pipeline.stop();
  });
});

describe('immediate flush of old alerts', () => {
  it('flushes at once an alert that started more than group_wait ago', async () => {
    const h = harness();
    await h.pipeline.start();
    await h.emit(firing({ alertname: 'Old', instance: '1' }, { startsAt: T0 - 30 * S - 1 }));
    await h.at(0);
    expect(h.timeline()).toEqual([
      { at: 0, groupKey: '{}:{alertname="Old"}', alerts: ['1:firing'] },
    ]);
    // ...then keeps the group_interval cadence from there.
    await h.emit(firing({ alertname: 'Old', instance: '2' }));
    await h.at(5 * M - 1);
    expect(h.timeline()).toHaveLength(1);
    await h.at(5 * M);
    expect(h.timeline()[1]).toMatchObject({ at: 5 * M, alerts: ['1:firing', '2:firing'] });
    await h.pipeline.stop();
  });

  it('waits group_wait when startsAt + group_wait is not strictly before now', async () => {
    const h = harness();
    await h.pipeline.start();
    await h.emit(firing({ alertname: 'Edge', instance: '1' }, { startsAt: T0 - 30 * S }));
    await h.at(30 * S - 1);
    expect(h.timeline()).toEqual([]);
    await h.at(30 * S);
    expect(h.timeline()).toHaveLength(1);
    await h.pipeline.stop();
  });

  it('an old alert joining a waiting group cuts group_wait short, not group_interval', async () => {
    const h = harness();
    await h.pipeline.start();
    await h.emit(firing({ alertname: 'A', instance: '1' }));
    await h.at(10 * S);
    await h.emit(firing({ alertname: 'A', instance: '2' }, { startsAt: T0 - 1 * M }));
    await h.at(10 * S);
    expect(h.timeline()).toEqual([
      { at: 10 * S, groupKey: '{}:{alertname="A"}', alerts: ['1:firing', '2:firing'] },
    ]);
    // Once flushed, old alerts wait for the tick like any other.
    await h.emit(firing({ alertname: 'A', instance: '3' }, { startsAt: T0 - 1 * M }));
    await h.at(10 * S + 5 * M - 1);
    expect(h.timeline()).toHaveLength(1);
    await h.at(10 * S + 5 * M);
    expect(h.timeline()).toHaveLength(2);
    await h.pipeline.stop();
  });
});

describe('delivery outcome', () => {
  it('keeps resolved alerts in the group while delivery fails, removes them once delivered', async () => {
    const h = harness();
    await h.pipeline.start();
    await h.emit(firing({ alertname: 'A', instance: '1' }));
    await h.at(30 * S);
    expect(h.timeline()).toHaveLength(1);

    await h.at(1 * M);
    await h.emit(firing({ alertname: 'A', instance: '1' }, { endsAt: h.clock.now() }));
    h.notifier.failing = true;
    await h.at(330 * S);
    expect(h.notifier.attempts()).toBe(2);
    expect(h.dispatcher.stats()).toMatchObject({ groups: 1, alerts: 1, flushFailures: 1 });

    h.notifier.failing = false;
    await h.at(630 * S);
    expect(h.timeline()[1]).toEqual({
      at: 630 * S,
      groupKey: '{}:{alertname="A"}',
      alerts: ['1:resolved'],
    });
    expect(h.dispatcher.stats().groups).toBe(0);
    await h.pipeline.stop();
  });

  it('keeps a resolved alert that fired again while its resolution was being delivered', async () => {
    let hold: Promise<void> | undefined;
    let release!: () => void;
    const sent: string[][] = [];
    const h = harness({
      notifier: {
        name: 'held',
        async notify(notification) {
          if (hold) await hold;
          sent.push(notification.alerts.map((a) => (a.endsAt === 0 ? 'firing' : 'resolved')));
          return { ok: true };
        },
      },
    });
    await h.pipeline.start();
    await h.emit(firing({ alertname: 'A', instance: '1' }));
    await h.at(30 * S);
    await h.emit(firing({ alertname: 'A', instance: '1' }, { endsAt: h.clock.now() }));
    hold = new Promise<void>((resolve) => (release = resolve));
    await h.at(330 * S);
    // Fires again during the flush that carries its resolution.
    await h.at(331 * S);
    await h.emit(firing({ alertname: 'A', instance: '1' }));
    hold = undefined;
    release();
    await h.at(331 * S);
    expect(sent).toEqual([['firing'], ['resolved']]);
    expect(h.dispatcher.stats()).toMatchObject({ groups: 1, alerts: 1 });
    await h.at(630 * S);
    expect(sent).toEqual([['firing'], ['resolved'], ['firing']]);
    await h.pipeline.stop();
  });

  it('removes a resolved group without a notice when the receiver does not send_resolved', async () => {
    const h = harness({ sendResolved: false });
    await h.pipeline.start();
    await h.emit(firing({ alertname: 'A', instance: '1' }));
    await h.at(30 * S);
    await h.emit(firing({ alertname: 'A', instance: '1' }, { endsAt: h.clock.now() }));
    await h.at(330 * S);
    expect(h.timeline()).toHaveLength(1);
    expect(h.dispatcher.stats().groups).toBe(0);
    expect((await h.store.notificationLog.list())[0]).toMatchObject({ firingAlerts: [] });
    await h.pipeline.stop();
  });

  it('never overlaps two flushes of a group; a tick missed during a slow flush runs right after', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inFlight = 0;
    let maxInFlight = 0;
    const calls: number[] = [];
    const h = harness({
      router: staticRoutes(route({ groupWaitMs: 0, groupIntervalMs: 1 * M })),
      notifier: {
        name: 'slow',
        async notify(notification) {
          calls.push(notification.alerts.length);
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await gate;
          inFlight--;
          return { ok: true };
        },
      },
    });
    await h.pipeline.start();
    await h.emit(firing({ alertname: 'A', instance: '1' }));
    await h.at(0);
    expect(calls).toEqual([1]);
    await h.emit(firing({ alertname: 'A', instance: '2' }));
    await h.at(3 * M);
    expect(calls).toEqual([1]);
    expect(h.dispatcher.stats().flushesInFlight).toBe(1);

    release();
    await h.at(3 * M);
    expect(calls).toEqual([1, 2]);
    expect(maxInFlight).toBe(1);
    // The catch-up flush re-armed the cadence from its own start.
    expect(h.clock.nextDue()).toBe(T0 + 4 * M);
    await h.pipeline.stop();
  });
});

describe('persistence', () => {
  it('writes group states once per dispatch batch and once per flush, deletes removed groups', async () => {
    const h = harness();
    const puts: number[] = [];
    const deletes: string[][] = [];
    const { put, delete: remove } = h.store.groups;
    h.store.groups.put = (states) => (puts.push(states.length), put(states));
    h.store.groups.delete = (keys) => (deletes.push([...keys]), remove(keys));
    await h.pipeline.start();

    await h.emit(
      ...['A', 'B', 'C'].flatMap((name) =>
        [1, 2].map((i) => firing({ alertname: name, instance: `${i}` })),
      ),
    );
    expect(puts).toEqual([3]);
    const [state] = (await h.store.groups.list()).filter((s) => s.groupKey.includes('"A"'));
    expect(state).toEqual({
      groupKey: '{}:{alertname="A"}',
      receiver: 'default',
      routeId: '{}',
      groupLabels: { alertname: 'A' },
      fingerprints: expect.any(Array),
      firstFlushAt: 0,
      lastFlushAt: 0,
      nextFlushAt: T0 + 30 * S,
    });
    expect(state!.fingerprints).toHaveLength(2);

    await h.emit(firing({ alertname: 'A', instance: '3' }));
    expect(puts).toEqual([3]);

    await h.at(30 * S);
    expect(puts).toEqual([3, 1, 1, 1]);
    expect((await h.store.groups.list()).find((s) => s.groupKey.includes('"A"'))).toMatchObject({
      fingerprints: expect.arrayContaining([expect.any(String)]),
      firstFlushAt: T0 + 30 * S,
      lastFlushAt: T0 + 30 * S,
      nextFlushAt: T0 + 330 * S,
    });

    await h.emit(
      ...[1, 2].map((i) => firing({ alertname: 'B', instance: `${i}` }, { endsAt: h.clock.now() })),
    );
    await h.at(330 * S);
    expect(deletes).toEqual([['{}:{alertname="B"}']]);
    expect((await h.store.groups.list()).map((s) => s.groupKey).sort()).toEqual([
      '{}:{alertname="A"}',
      '{}:{alertname="C"}',
    ]);
    await h.pipeline.stop();
  });
});

describe('stop', () => {
  it('clears timers and ignores later batches', async () => {
    const h = harness();
    await h.pipeline.start();
    await h.emit(firing({ alertname: 'A' }));
    expect(h.clock.pendingTimers).toBe(1);
    await h.pipeline.stop();
    expect(h.clock.pendingTimers).toBe(0);
    await h.dispatcher.dispatch(h.accepted, [[route()]], h.clock.now());
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('waits for a flush in flight, but no longer than the deadline', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const make = () =>
      harness({
        router: staticRoutes(route({ groupWaitMs: 0 })),
        notifier: { name: 'slow', notify: () => gate.then(() => ({ ok: true }) as const) },
      });

    const waiting = make();
    await waiting.pipeline.start();
    await waiting.emit(firing({ alertname: 'A' }));
    await waiting.at(0);
    let stopped = false;
    const controller = new AbortController();
    const stopping = waiting.dispatcher
      .stop({ deadline: T0 + 10 * S, signal: controller.signal })
      .then(() => (stopped = true));
    await waiting.at(1 * S);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(waiting.dispatcher.stats().flushesInFlight).toBe(0);

    const gated = new Promise<void>(() => {});
    const stuck = harness({
      router: staticRoutes(route({ groupWaitMs: 0 })),
      notifier: { name: 'stuck', notify: () => gated.then(() => ({ ok: true }) as const) },
    });
    await stuck.pipeline.start();
    await stuck.emit(firing({ alertname: 'A' }));
    await stuck.at(0);
    let done = false;
    const bounded = stuck.dispatcher
      .stop({ deadline: T0 + 10 * S, signal: new AbortController().signal })
      .then(() => (done = true));
    await stuck.at(10 * S - 1);
    expect(done).toBe(false);
    await stuck.at(10 * S);
    await bounded;
    expect(stuck.dispatcher.stats().flushesInFlight).toBe(1);
  });
});

describe('options', () => {
  it('rejects unknown and mistyped options with one ConfigError', () => {
    expect(() => createGroupingDispatcher({ persist: 'yes' } as never)).toThrow(ConfigError);
    expect(() => createGroupingDispatcher({ persits: true } as never)).toThrow(/persits/);
  });

  it('persist: false leaves the store alone', async () => {
    const h = harness({
      pipeline: { dispatcher: createGroupingDispatcher({ persist: false }) },
    });
    await h.pipeline.start();
    await h.emit(firing({ alertname: 'A' }));
    await h.at(30 * S);
    expect(await h.store.groups.list()).toEqual([]);
    expect(h.timeline()).toHaveLength(1);
    await h.pipeline.stop();
  });
});
