import { FakeClock } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { specOnCall } from './__fixtures__/spec-rotations.js';
import { chicago, inChicago } from './__fixtures__/helpers.js';
import { createHandoffNotifier } from './handoff-notifier.js';
import type { HandoffEvent } from './handoff-notifier.js';
import { createOnCallSchedule } from './schedule.js';
import type { OnCallSchedule } from './types.js';

const line = (event: HandoffEvent) =>
  `${event.rotation} ${inChicago(event.at)} ${event.outgoing.person.name}→${event.incoming.person.name}`;

function setup(start: string, rotations: readonly string[] = ['primary_oncall']) {
  const clock = new FakeClock(chicago(start));
  let schedule: OnCallSchedule = createOnCallSchedule(specOnCall);
  const events: HandoffEvent[] = [];
  const errors: unknown[] = [];
  const notifier = createHandoffNotifier({
    schedule: () => schedule,
    clock,
    rotations,
    onHandoff: (event) => {
      events.push(event);
    },
    onError: (error) => errors.push(error),
  });
  return {
    clock,
    events,
    errors,
    notifier,
    setSchedule: (next: OnCallSchedule) => (schedule = next),
  };
}

describe('createHandoffNotifier', () => {
  it('notifies at 08:00 and 20:00 local across the March change, re-arming after each', async () => {
    const { clock, events, notifier } = setup('2026-03-07T07:00');
    expect(inChicago(notifier.nextHandoff('primary_oncall')!)).toBe('2026-03-07T08:00:00-06:00');
    await clock.advanceTo(chicago('2026-03-09T09:00'));
    expect(events.map(line)).toEqual([
      'primary_oncall 2026-03-07T08:00:00-06:00 dave→alice',
      'primary_oncall 2026-03-07T20:00:00-06:00 alice→carol',
      'primary_oncall 2026-03-08T08:00:00-05:00 carol→erin',
      'primary_oncall 2026-03-08T20:00:00-05:00 erin→bob',
      'primary_oncall 2026-03-09T08:00:00-05:00 bob→dave',
    ]);
    // The 11-hour night shift: the handoff came 11 h after the previous one.
    expect(events[2]!.at - events[1]!.at).toBe(11 * 3_600_000);
    expect(events[2]!.incoming.start).toBe(events[2]!.at);
    expect(events[2]!.outgoing.end).toBe(events[2]!.at);
    expect(clock.pendingTimers).toBe(1);
  });

  it('notifies 13 h apart over the November change', async () => {
    const { clock, events } = setup('2026-10-31T19:00');
    await clock.advanceTo(chicago('2026-11-01T09:00'));
    expect(events.map((event) => inChicago(event.at))).toEqual([
      '2026-10-31T20:00:00-05:00',
      '2026-11-01T08:00:00-06:00',
    ]);
    expect(events[1]!.at - events[0]!.at).toBe(13 * 3_600_000);
  });

  it('watches every rotation of the schedule by default', async () => {
    const clock = new FakeClock(chicago('2026-03-07T07:30'));
    const events: HandoffEvent[] = [];
    createHandoffNotifier({
      schedule: () => createOnCallSchedule(specOnCall),
      clock,
      onHandoff: (event) => {
        events.push(event);
      },
    });
    await clock.advanceTo(chicago('2026-03-07T09:30'));
    expect(events.map((event) => `${event.rotation} ${inChicago(event.at)}`)).toEqual([
      'primary_oncall 2026-03-07T08:00:00-06:00',
      'secondary_oncall 2026-03-07T09:00:00-06:00',
    ]);
  });

  it('stop() cancels the timers; nothing is reported afterwards', async () => {
    const { clock, events, notifier } = setup('2026-03-07T07:00');
    notifier.stop();
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(3 * 86_400_000);
    expect(events).toEqual([]);
    notifier.refresh();
    expect(clock.pendingTimers).toBe(0);
  });

  it('reports override boundaries after refresh(), and skips a handoff to the same person', async () => {
    const { clock, events, notifier, setSchedule } = setup('2026-03-07T09:00');
    setSchedule(
      createOnCallSchedule(specOnCall, [
        {
          id: 'o1',
          rotation: 'primary_oncall',
          person: 'bob',
          start: chicago('2026-03-07T12:00'),
          end: chicago('2026-03-07T14:00'),
          createdAt: 0,
        },
        // carol covers the start of her own shift's predecessor: no handoff at 20:00.
        {
          id: 'o2',
          rotation: 'primary_oncall',
          person: 'carol',
          start: chicago('2026-03-07T19:00'),
          end: chicago('2026-03-07T20:00'),
          createdAt: 0,
        },
      ]),
    );
    notifier.refresh();
    await clock.advanceTo(chicago('2026-03-08T09:00'));
    expect(events.map(line)).toEqual([
      'primary_oncall 2026-03-07T12:00:00-06:00 alice→bob',
      'primary_oncall 2026-03-07T14:00:00-06:00 bob→alice',
      'primary_oncall 2026-03-07T19:00:00-06:00 alice→carol',
      'primary_oncall 2026-03-08T08:00:00-05:00 carol→erin',
    ]);
    expect(events[0]!.incoming.overrideId).toBe('o1');
  });

  it('sees a schedule changed between handoffs at the next one, without refresh()', async () => {
    const { clock, events, setSchedule } = setup('2026-03-07T09:00');
    setSchedule(
      createOnCallSchedule(specOnCall, [
        {
          id: 'o',
          rotation: 'primary_oncall',
          person: 'dave',
          replaces: 'carol',
          start: chicago('2026-03-07T20:00'),
          end: chicago('2026-03-08T08:00'),
          createdAt: 0,
        },
      ]),
    );
    await clock.advanceTo(chicago('2026-03-07T21:00'));
    expect(events.map(line)).toEqual(['primary_oncall 2026-03-07T20:00:00-06:00 alice→dave']);
  });

  it('routes a failing onHandoff (thrown or rejected) to onError and keeps going', async () => {
    const clock = new FakeClock(chicago('2026-03-07T07:00'));
    const errors: unknown[] = [];
    let calls = 0;
    createHandoffNotifier({
      schedule: () => createOnCallSchedule(specOnCall),
      clock,
      rotations: ['primary_oncall'],
      onHandoff: async () => {
        calls++;
        throw new Error(`pager down ${calls}`);
      },
      onError: (error, context) => errors.push(`${context.rotation}: ${(error as Error).message}`),
    });
    await clock.advanceTo(chicago('2026-03-07T21:00'));
    expect(calls).toBe(2);
    expect(errors).toEqual(['primary_oncall: pager down 1', 'primary_oncall: pager down 2']);
  });

  it('reports an unknown rotation to onError at start', () => {
    const { errors, notifier } = setup('2026-03-07T07:00', ['nope']);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/unknown rotation "nope"/);
    expect(notifier.nextHandoff('nope')).toBeUndefined();
  });

  it('catches up on every handoff a late timer missed, in order', async () => {
    const clock = new FakeClock(chicago('2026-03-07T07:00'));
    const events: HandoffEvent[] = [];
    // A clock whose timers fire a day late, like a suspended laptop.
    const lateClock = {
      now: () => clock.now(),
      setTimeout: (callback: () => void, delayMs: number) =>
        clock.setTimeout(callback, delayMs + 86_400_000),
      clearTimeout: clock.clearTimeout.bind(clock),
      sleep: clock.sleep.bind(clock),
    };
    createHandoffNotifier({
      schedule: () => createOnCallSchedule(specOnCall),
      clock: lateClock,
      rotations: ['primary_oncall'],
      onHandoff: (event) => {
        events.push(event);
      },
    });
    await clock.advanceTo(chicago('2026-03-08T09:00'));
    expect(events.map((event) => inChicago(event.at))).toEqual([
      '2026-03-07T08:00:00-06:00',
      '2026-03-07T20:00:00-06:00',
      '2026-03-08T08:00:00-05:00',
    ]);
  });
});
