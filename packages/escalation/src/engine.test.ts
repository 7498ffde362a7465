import { describe, expect, it } from 'vitest';
import { MINUTE, T0, alert, group, startHarness } from './test-support.js';
import type { Harness } from './test-support.js';

async function critical(h: Harness, name = 'DiskFull') {
  await h.notify(group(name, [alert(name, 'critical', { now: h.clock.now() })], h.clock.now()));
  const [incident] = await h.engine.listIncidents();
  return incident!;
}

/** Person on call in `rotation` at `at`, from the engine's own schedule. */
const onCall = (h: Harness, rotation: string, at: number) =>
  h.engine.whoIsOnCall(at).find((shift) => shift.rotation === rotation)!.person.name;

const everyChannel = (minute: number, level: number, people: string[]) =>
  people.flatMap((person) =>
    ['pagerduty', 'sms', 'slack'].map((channel) => [minute, level, person, channel]),
  );

describe('critical policy, end to end on a FakeClock', () => {
  it('pages level 1 at 0, level 2 at 15 and level 3 at 30 minutes without an ack, then flags the incident', async () => {
    const h = await startHarness();
    const incident = await critical(h);
    await h.advance(59 * MINUTE);
    expect(h.paging()).toEqual([
      ...everyChannel(0, 1, [onCall(h, 'primary_oncall', T0)]),
      ...everyChannel(15, 2, [onCall(h, 'secondary_oncall', T0 + 15 * MINUTE)]),
      ...everyChannel(30, 3, ['dana', 'dave']),
    ]);
    expect((await h.engine.getIncident(incident.id)).exhausted).toBe(false);
    await h.advance(MINUTE);
    const details = await h.engine.getIncident(incident.id);
    expect(details.exhausted).toBe(true);
    expect(details.status).toBe('new');
    expect(details.level).toBe(3);
    await h.advance(24 * 60 * MINUTE);
    expect(h.paging()).toHaveLength(12);
    expect(details.timeline.map((event) => event.kind)).toEqual([
      'incident-created',
      'level-paged',
      ...Array(3).fill('page-sent'),
      'level-paged',
      ...Array(3).fill('page-sent'),
      'level-paged',
      ...Array(6).fill('page-sent'),
      'policy-exhausted',
    ]);
    // Each page carries the incident, addressed to the one person paged, with a unique key.
    const keys = h.pages.map((page) => page.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(h.pages.every((page) => page.incident === incident.number)).toBe(true);
    expect(h.pages.map((page) => page.event)).toEqual([
      ...Array(3).fill('triggered'),
      ...Array(9).fill('escalated'),
    ]);
  });

  it('pages nobody after an acknowledgement at 20 minutes while the incident is worked on', async () => {
    const h = await startHarness();
    const incident = await critical(h);
    await h.advance(20 * MINUTE);
    await h.engine.acknowledge(incident.id, 'alice');
    await h.advance(14 * MINUTE);
    expect(h.paging().map(([minute]) => minute)).toEqual([0, 0, 0, 15, 15, 15]);
    // Everyone paged so far is told of the acknowledgement once, on each channel.
    const notices = h.pages.filter((page) => page.event === 'acknowledged');
    expect(notices.map((page) => (page.at - T0) / MINUTE)).toEqual(notices.map(() => 20));
    expect(new Set(notices.map((page) => page.recipients[0]))).toEqual(
      new Set(h.paging().map(([, , name]) => name)),
    );
    await h.engine.setStatus(incident.id, 'investigating', 'alice');
    await h.advance(48 * 60 * MINUTE);
    expect(h.paging()).toHaveLength(6);
    const details = await h.engine.getIncident(incident.id);
    expect(details).toMatchObject({ status: 'investigating', acknowledgedBy: 'alice', level: 2 });
  });

  it('resumes escalation when an acknowledgement is not followed up within the response time', async () => {
    const h = await startHarness();
    const incident = await critical(h);
    await h.advance(20 * MINUTE);
    await h.engine.acknowledge(incident.id, 'alice');
    await h.advance(15 * MINUTE);
    // critical's response_time is 15m: at 35 minutes level 3 is paged.
    expect(h.paging().slice(6)).toEqual(everyChannel(35, 3, ['dana', 'dave']));
    const details = await h.engine.getIncident(incident.id);
    expect(details.status).toBe('new');
    expect(details.timeline.map((event) => event.kind)).toContain('incident-unacknowledged');
  });

  it('un-acknowledging pages the next level at once', async () => {
    const h = await startHarness();
    const incident = await critical(h);
    await h.advance(5 * MINUTE);
    await h.engine.acknowledge(incident.id, 'alice');
    await h.advance(5 * MINUTE);
    await h.engine.unacknowledge(incident.id, 'alice');
    await h.advance(0);
    expect(
      h
        .paging()
        .slice(3)
        .map(([minute, level]) => [minute, level]),
    ).toEqual([
      [10, 2],
      [10, 2],
      [10, 2],
    ]);
    // Level 3 follows 15 minutes later (level 2's timeout).
    await h.advance(15 * MINUTE);
    expect(
      h
        .paging()
        .slice(6)
        .map(([minute, level]) => [minute, level])[0],
    ).toEqual([25, 3]);
  });

  it('repeats the policy `repeat` times, then flags it', async () => {
    const h = await startHarness();
    await h.notify(
      group('Down', [alert('Down', 'critical', { now: T0 })], T0),
      'ops',
      'critical_repeating',
    );
    await h.advance(3 * 60 * MINUTE);
    const slack = h.paging().filter(([, , , channel]) => channel === 'slack');
    expect(slack.map(([minute, level, person]) => [minute, level, person])).toEqual([
      [0, 1, onCall(h, 'primary_oncall', T0)],
      [15, 2, 'dana'],
      [30, 1, onCall(h, 'primary_oncall', T0 + 30 * MINUTE)],
      [45, 2, 'dana'],
    ]);
    expect(h.pages.filter((page) => page.channel === 'slack').map((page) => page.event)).toEqual([
      'triggered',
      'escalated',
      'repeated',
      'repeated',
    ]);
    const [incident] = await h.engine.listIncidents();
    expect(incident).toMatchObject({ exhausted: true, cycle: 1, level: 2 });
  });

  it('resolution notifies everyone who was paged, on every channel, and stops escalation', async () => {
    const h = await startHarness();
    const incident = await critical(h);
    await h.advance(20 * MINUTE);
    await h.engine.resolve(incident.id, 'bob');
    await h.advance(60 * MINUTE);
    const paged = [
      ...new Set([
        onCall(h, 'primary_oncall', T0),
        onCall(h, 'secondary_oncall', T0 + 15 * MINUTE),
      ]),
    ];
    const notices = h.pages.filter((page) => page.event === 'resolved');
    expect(
      notices.map((page) => [page.recipients[0], page.channel, (page.at - T0) / MINUTE]),
    ).toEqual(
      paged.flatMap((person) =>
        ['pagerduty', 'sms', 'slack'].map((channel) => [person, channel, 20]),
      ),
    );
    expect(h.paging()).toHaveLength(6);
    const details = await h.engine.getIncident(incident.id);
    expect(details).toMatchObject({
      status: 'resolved',
      resolvedBy: 'bob',
      resolvedAt: T0 + 20 * MINUTE,
    });
  });
});

describe('auto-resolution', () => {
  it('resolves a warning incident when all its alerts resolve, and notifies who was paged', async () => {
    const h = await startHarness();
    await h.notify(group('Slow', [alert('Slow', 'warning', { now: T0 })], T0), 'ops', 'warning');
    await h.advance(10 * MINUTE);
    const now = h.clock.now();
    await h.notify(
      group('Slow', [alert('Slow', 'warning', { now, resolvedAt: now })], now),
      'ops',
      'warning',
    );
    const [incident] = await h.engine.listIncidents();
    expect(incident).toMatchObject({
      status: 'resolved',
      resolvedBy: 'system',
      severity: 'warning',
    });
    expect(h.pages.map((page) => [page.event, page.channel])).toEqual([
      ['triggered', 'pagerduty'],
      ['triggered', 'slack'],
      ['resolved', 'pagerduty'],
      ['resolved', 'slack'],
    ]);
    await h.advance(3 * 60 * MINUTE);
    expect(h.pages).toHaveLength(4);
  });

  it('resolves info incidents too; info pages level 1 on slack only and does not escalate', async () => {
    const h = await startHarness();
    await h.notify(group('Note', [alert('Note', 'info', { now: T0 })], T0));
    await h.advance(5 * 60 * MINUTE);
    expect(h.paging()).toEqual([[0, 1, onCall(h, 'primary_oncall', T0), 'slack']]);
    const now = h.clock.now();
    await h.notify(group('Note', [alert('Note', 'info', { now, resolvedAt: now })], now));
    const [incident] = await h.engine.listIncidents();
    expect(incident!.status).toBe('resolved');
  });

  it('keeps a critical incident open, and escalating, when its alerts resolve', async () => {
    const h = await startHarness();
    const incident = await critical(h);
    await h.advance(5 * MINUTE);
    const now = h.clock.now();
    await h.notify(
      group('DiskFull', [alert('DiskFull', 'critical', { now, resolvedAt: now })], now),
    );
    await h.advance(10 * MINUTE);
    const details = await h.engine.getIncident(incident.id);
    expect(details.status).toBe('new');
    expect(details.timeline.map((event) => event.kind)).toEqual(
      expect.arrayContaining(['alert-resolved', 'alerts-resolved']),
    );
    expect(h.paging().map(([minute]) => minute)).toContain(15);
  });
});

describe('incidents', () => {
  it('opens one incident per aggregation group, records alerts added and raises the severity', async () => {
    const h = await startHarness();
    await h.notify(group('Api', [alert('Api', 'warning', { now: T0 })], T0));
    await h.advance(MINUTE);
    const now = h.clock.now();
    await h.notify(
      group(
        'Api',
        [alert('Api', 'warning', { now: T0 }), alert('Api', 'critical', { now, instance: 'db-2' })],
        now,
      ),
    );
    await h.notify(group('Other', [alert('Other', undefined, { now })], now));
    const incidents = await h.engine.listIncidents();
    expect(incidents.map((item) => [item.number, item.severity, item.alerts.length])).toEqual([
      [2, 'warning', 1], // no severity label: default_severity
      [1, 'critical', 2],
    ]);
    const details = await h.engine.findIncidentByNumber(1);
    expect(
      details.timeline.filter((event) => event.kind !== 'page-sent').map((event) => event.kind),
    ).toEqual(['incident-created', 'level-paged', 'alert-added', 'severity-changed']);
  });

  it('reopens a resolved incident whose alerts fire again within the window, else opens a new one', async () => {
    const h = await startHarness();
    const first = await critical(h);
    await h.engine.resolve(first.id, 'alice');
    await h.advance(30 * MINUTE);
    await h.notify(
      group('DiskFull', [alert('DiskFull', 'critical', { now: h.clock.now() })], h.clock.now()),
    );
    const reopened = await h.engine.getIncident(first.id);
    expect(reopened).toMatchObject({ status: 'new', round: 1 });
    expect(reopened.timeline.map((event) => event.kind)).toContain('incident-reopened');
    // It pages afresh from level 1, with new keys.
    expect(
      h
        .paging()
        .filter(([minute]) => minute === 30)
        .map(([, level]) => level),
    ).toEqual([1, 1, 1]);
    expect(
      h.pages.filter((page) => page.at === T0 + 30 * MINUTE).map((page) => page.event),
    ).toEqual(['reopened', 'reopened', 'reopened']);
    await h.engine.resolve(first.id, 'alice');
    await h.advance(61 * MINUTE);
    await h.notify(
      group('DiskFull', [alert('DiskFull', 'critical', { now: h.clock.now() })], h.clock.now()),
    );
    const incidents = await h.engine.listIncidents();
    expect(incidents.map((item) => [item.number, item.status])).toEqual([
      [2, 'new'],
      [1, 'resolved'],
    ]);
    const keys = h.pages.map((page) => page.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('moves only forward through the lifecycle and says which moves are allowed', async () => {
    const h = await startHarness();
    const incident = await critical(h);
    await h.engine.setStatus(incident.id, 'mitigated', 'alice');
    await expect(h.engine.setStatus(incident.id, 'acknowledged', 'alice')).rejects.toThrow(
      `incident ${incident.number} cannot move from mitigated to acknowledged: allowed moves: resolved`,
    );
    await expect(h.engine.unacknowledge(incident.id, 'alice')).rejects.toThrow(/not acknowledged/);
    await h.engine.setStatus(incident.id, 'resolved', 'alice');
    await expect(h.engine.acknowledge(incident.id, 'alice')).rejects.toThrow(/no move is allowed/);
    await expect(h.engine.getIncident('nope')).rejects.toThrow(/no incident nope/);
  });

  it('assigns, takes notes and actions, and lists with filters and label matchers', async () => {
    const { Matcher } = await import('@phoenix-alerting/core');
    const h = await startHarness();
    const disk = await critical(h, 'DiskFull');
    await h.advance(MINUTE);
    await h.notify(
      group('Slow', [alert('Slow', 'warning', { now: h.clock.now() })], h.clock.now()),
      'db',
      'warning',
    );
    await h.engine.assign(disk.id, 'bob', 'alice');
    await h.engine.addNote(disk.id, 'disk at 99%', 'bob');
    await h.engine.recordAction(disk.id, {
      action: 'ExpandVolume',
      by: 'bob',
      ok: true,
      message: '+100 GiB',
    });
    await expect(h.engine.assign(disk.id, 'mallory', 'alice')).rejects.toThrow(
      /unknown person "mallory"/,
    );
    await expect(h.engine.addNote(disk.id, '  ', 'bob')).rejects.toThrow(/needs some text/);
    const details = await h.engine.getIncident(disk.id);
    expect(details.assignedTo).toBe('bob');
    expect(details.actionsTaken).toEqual([
      { action: 'ExpandVolume', by: 'bob', ok: true, message: '+100 GiB', at: T0 + MINUTE },
    ]);
    expect(details.timeline.slice(-3).map((event) => [event.kind, event.actor])).toEqual([
      ['incident-assigned', 'alice'],
      ['note-added', 'bob'],
      ['action-recorded', 'bob'],
    ]);
    const titles = async (filters: Parameters<typeof h.engine.listIncidents>[0]) =>
      (await h.engine.listIncidents(filters)).map((item) => item.labels.alertname);
    expect(await titles({})).toEqual(['Slow', 'DiskFull']);
    expect(await titles({ severity: ['critical'] })).toEqual(['DiskFull']);
    expect(await titles({ receiver: 'db' })).toEqual(['Slow']);
    expect(await titles({ status: ['acknowledged'] })).toEqual([]);
    expect(await titles({ since: T0 + MINUTE })).toEqual(['Slow']);
    expect(await titles({ until: T0 + MINUTE })).toEqual(['DiskFull']);
    expect(await titles({ limit: 1 })).toEqual(['Slow']);
    expect(await titles({ matchers: [new Matcher('=~', 'alertname', 'Disk.*')] })).toEqual([
      'DiskFull',
    ]);
  });

  it('calls onIncidentEvent for every committed event', async () => {
    const seen: string[] = [];
    const h = await startHarness({
      engine: {
        onIncidentEvent: (event, incident) => seen.push(`${incident.number}:${event.kind}`),
      },
    });
    const incident = await critical(h);
    await h.engine.addNote(incident.id, 'hello', 'alice');
    expect(seen).toEqual([
      '1:incident-created',
      '1:level-paged',
      '1:page-sent',
      '1:page-sent',
      '1:page-sent',
      '1:note-added',
    ]);
  });
});

describe('on-call and overrides', () => {
  it('persists overrides, applies them to who is paged, and deletes them', async () => {
    const h = await startHarness();
    const scheduled = onCall(h, 'primary_oncall', T0);
    const cover = scheduled === 'carol' ? 'bob' : 'carol';
    const override = await h.engine.createOverride({
      rotation: 'primary_oncall',
      person: cover,
      start: T0 - MINUTE,
      end: T0 + 60 * MINUTE,
      reason: 'swap',
      createdBy: 'alice',
    });
    expect(override).toMatchObject({ rotation: 'primary_oncall', person: cover, createdAt: T0 });
    expect(await h.store.listOverrides()).toEqual([override]);
    expect(
      h.engine.whoIsOnCall(T0).find((shift) => shift.rotation === 'primary_oncall'),
    ).toMatchObject({
      person: { name: cover },
      overrideId: override.id,
    });
    await critical(h);
    expect(h.paging()[0]!.slice(0, 3)).toEqual([0, 1, cover]);
    expect(await h.engine.listOverrides({ rotation: 'secondary_oncall' })).toEqual([]);
    expect(await h.engine.listOverrides({ activeAfter: T0 + 60 * MINUTE })).toEqual([]);
    await expect(
      h.engine.createOverride({ rotation: 'nope', person: cover, start: T0, end: T0 + 1 }),
    ).rejects.toThrow(/nope/);
    // A restarted engine loads the overrides from the store.
    const again = await startHarness({ store: h.store, clock: h.clock });
    expect(onCall(again, 'primary_oncall', T0)).toBe(cover);
    await h.engine.deleteOverride(override.id);
    await expect(h.engine.deleteOverride(override.id)).rejects.toThrow(/no override/);
    expect(onCall(h, 'primary_oncall', T0)).toBe(scheduled);
    const shifts = again.engine.schedule('primary_oncall', T0, T0 + 24 * 60 * MINUTE);
    expect(shifts.length).toBeGreaterThanOrEqual(2);
  });
});
