// The conformance suite of `Store.escalation`: incidents, timelines, durable steps and the page
// outbox with their leases, overrides, and what survives a reopen. Framework-agnostic, like
// describeStoreConformance.
import type {
  EscalationPage,
  EscalationStep,
  EscalationStore,
  IncidentRecord,
} from '../escalation-store.js';
import type { StopOptions } from '../plugin.js';
import type { Store } from '../store.js';
import { buildAlert } from './builders.js';
import type { StoreConformanceTestApi, StoreUnderTest } from './store-conformance.js';

const T0 = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;
const stopOptions = (): StopOptions => ({
  deadline: Number.MAX_SAFE_INTEGER,
  signal: new AbortController().signal,
});

function incident(
  id: string,
  number: number,
  overrides: Partial<IncidentRecord> = {},
): IncidentRecord {
  return {
    id,
    number,
    dedupKey: `ops/critical/{}:{alertname="Down${id}"}`,
    title: `Down ${id}: ünïcødé "quoted"`,
    severity: 'critical',
    status: 'new',
    receiver: 'ops',
    policy: 'critical',
    groupKey: `{}:{alertname="Down${id}"}`,
    labels: { alertname: `Down${id}`, severity: 'critical' },
    groupLabels: { alertname: `Down${id}` },
    route: {
      receiver: 'ops',
      groupBy: ['alertname'],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
      muteTimeIntervals: [],
      activeTimeIntervals: [],
      routeKey: '{}',
      routeId: '{}',
    },
    alerts: [buildAlert({ labels: { alertname: `Down${id}`, severity: 'critical' }, now: T0 })],
    level: 0,
    cycle: 0,
    round: 0,
    decisions: 0,
    exhausted: false,
    paged: [],
    actionsTaken: [],
    createdAt: T0 + number * MINUTE,
    updatedAt: T0 + number * MINUTE,
    ...overrides,
  };
}

function step(incidentId: string, level: number, dueAt: number): EscalationStep {
  return {
    id: `${incidentId}/0/level/0/${level}`,
    incidentId,
    kind: 'level',
    level,
    cycle: 0,
    round: 0,
    dueAt,
    status: 'pending',
    createdAt: T0,
  };
}

function page(record: IncidentRecord, person: string, nextAttemptAt = T0): EscalationPage {
  return {
    key: `${record.id}/0/1/0/slack/${person}`,
    incidentId: record.id,
    channel: 'slack',
    recipient: person,
    status: 'pending',
    attempts: 0,
    nextAttemptAt,
    createdAt: T0,
    notification: {
      receiver: record.receiver,
      groupKey: record.groupKey,
      groupLabels: {},
      alerts: record.alerts,
      timestamp: T0,
      route: record.route,
      incident: {
        id: record.id,
        number: record.number,
        title: record.title,
        severity: record.severity,
        status: record.status,
        event: 'triggered',
        level: 1,
        recipients: [{ name: person, slack: 'U0001' }],
      },
    },
  };
}

async function rejects(promise: Promise<unknown>): Promise<boolean> {
  try {
    await promise;
    return false;
  } catch {
    return true;
  }
}

/**
 * Registers the escalation-store conformance tests for stores made by `makeStore` (whose
 * `store.escalation` must be set; the suite is skipped otherwise). Pass vitest's
 * `{ describe, it, expect }`.
 */
export function describeEscalationStoreConformance(
  name: string,
  makeStore: () => StoreUnderTest | Promise<StoreUnderTest>,
  test: StoreConformanceTestApi,
): void {
  const { describe, it, expect } = test;

  function run(
    title: string,
    body: (store: EscalationStore, reopen: () => Promise<EscalationStore>) => Promise<void>,
    needsReopen = false,
  ): void {
    it(title, async (context) => {
      const subject = await makeStore();
      const opened: Store[] = [subject.store];
      try {
        if (!subject.store.escalation) {
          context.skip?.('the store has no escalation part');
          return;
        }
        if (needsReopen && !subject.reopen) {
          context.skip?.('makeStore gives no reopen: this store does not persist');
          return;
        }
        await body(subject.store.escalation, async () => {
          await opened.at(-1)!.stop?.(stopOptions());
          const next = await subject.reopen!();
          opened.push(next);
          return next.escalation!;
        });
      } finally {
        await opened.at(-1)!.stop?.(stopOptions());
        await subject.cleanup?.();
      }
    });
  }

  describe(`escalation store conformance: ${name}`, () => {
    run('allocates incident numbers 1, 2, 3…', async (store) => {
      expect([
        await store.nextIncidentNumber(),
        await store.nextIncidentNumber(),
        await store.nextIncidentNumber(),
      ]).toEqual([1, 2, 3]);
    });

    run('stores incidents as copies and finds them by id, number and dedup key', async (store) => {
      const first = incident('a', 1, { status: 'resolved', resolvedAt: T0 + 5 * MINUTE });
      const second = incident('b', 2, { dedupKey: first.dedupKey });
      await store.commit({ at: T0, incidents: [first, second] });
      second.title = 'changed after commit';
      expect(await store.getIncident('a')).toEqual(first);
      expect((await store.getIncident('b'))!.title).toBe(incident('b', 2).title);
      expect((await store.getIncidentByNumber(1))!.id).toBe('a');
      expect(await store.getIncidentByNumber(9)).toBeUndefined();
      expect((await store.findIncident(first.dedupKey))!.id).toBe('b');
      expect(await store.findIncident('nope')).toBeUndefined();
      const changed = { ...first, title: 'renamed', assignedTo: 'alice' };
      await store.commit({ at: T0, incidents: [changed] });
      expect(await store.getIncident('a')).toEqual(changed);
    });

    run('keeps at most one open incident per dedup key', async (store) => {
      await store.commit({ at: T0, incidents: [incident('a', 1)] });
      const twin = incident('b', 2, { dedupKey: incident('a', 1).dedupKey });
      expect(await rejects(store.commit({ at: T0, incidents: [twin] }))).toBe(true);
      expect(await store.getIncident('b')).toBeUndefined();
      await store.commit({ at: T0, incidents: [incident('a', 1, { status: 'resolved' }), twin] });
      expect((await store.findIncident(twin.dedupKey))!.id).toBe('b');
    });

    run('lists incidents newest first, filtered and limited', async (store) => {
      await store.commit({
        at: T0,
        incidents: [
          incident('a', 1),
          incident('b', 2, { severity: 'warning', status: 'acknowledged' }),
          incident('c', 3, { receiver: 'db' }),
        ],
      });
      const ids = (list: IncidentRecord[]) => list.map((item) => item.id);
      expect(ids(await store.listIncidents())).toEqual(['c', 'b', 'a']);
      expect(ids(await store.listIncidents({ status: ['new'] }))).toEqual(['c', 'a']);
      expect(ids(await store.listIncidents({ severity: ['warning'] }))).toEqual(['b']);
      expect(ids(await store.listIncidents({ receiver: 'ops' }))).toEqual(['b', 'a']);
      expect(ids(await store.listIncidents({ since: T0 + 2 * MINUTE }))).toEqual(['c', 'b']);
      expect(ids(await store.listIncidents({ until: T0 + 2 * MINUTE }))).toEqual(['a']);
      expect(ids(await store.listIncidents({ limit: 2 }))).toEqual(['c', 'b']);
    });

    run('appends timeline events in order', async (store) => {
      await store.commit({ at: T0, incidents: [incident('a', 1), incident('b', 2)] });
      const event = (id: string, kind: string, at: number) => ({
        incidentId: id,
        at,
        kind,
        actor: 'system',
        message: `${kind} ünïcødé`,
        data: { level: 1, people: ['alice'] },
      });
      await store.commit({
        at: T0,
        timeline: [event('a', 'incident-created', T0), event('b', 'incident-created', T0)],
      });
      await store.commit({ at: T0, timeline: [event('a', 'level-paged', T0 + 1)] });
      const timeline = await store.timeline('a');
      expect(timeline.map((entry) => entry.kind)).toEqual(['incident-created', 'level-paged']);
      expect(timeline[0]!.seq < timeline[1]!.seq).toBe(true);
      const { seq: _seq, ...rest } = timeline[1]!;
      expect(rest).toEqual(event('a', 'level-paged', T0 + 1));
      expect(await store.timeline('zzz')).toEqual([]);
    });

    run(
      'claims due steps earliest first, leases them, and gives expired leases back',
      async (store) => {
        const a = incident('a', 1);
        await store.commit({
          at: T0,
          incidents: [a],
          steps: [step('a', 2, T0 + 15 * MINUTE), step('a', 1, T0), step('a', 3, T0 + 30 * MINUTE)],
        });
        expect(await store.nextStepDueAt()).toBe(T0);
        expect(await store.claimDueSteps(T0 - 1, 'w1', MINUTE, 10)).toEqual([]);
        const claimed = await store.claimDueSteps(T0 + 15 * MINUTE, 'w1', MINUTE, 1);
        expect(claimed.map((item) => [item.level, item.claimedBy, item.leaseUntil])).toEqual([
          [1, 'w1', T0 + 16 * MINUTE],
        ]);
        const second = await store.claimDueSteps(T0 + 15 * MINUTE, 'w2', MINUTE, 10);
        expect(second.map((item) => item.level)).toEqual([2]);
        // The leased steps are not claimable until their leases end.
        expect(await store.claimDueSteps(T0 + 15 * MINUTE, 'w3', MINUTE, 10)).toEqual([]);
        expect(await store.nextStepDueAt()).toBe(T0 + 16 * MINUTE);
        const retaken = await store.claimDueSteps(T0 + 16 * MINUTE, 'w3', MINUTE, 10);
        expect(retaken.map((item) => [item.level, item.claimedBy])).toEqual([
          [1, 'w3'],
          [2, 'w3'],
        ]);
      },
    );

    run('completes a step only for its claimant, and a conflict commits nothing', async (store) => {
      await store.commit({ at: T0, incidents: [incident('a', 1)], steps: [step('a', 1, T0)] });
      const [claimed] = await store.claimDueSteps(T0, 'w1', MINUTE, 10);
      const changed = { ...incident('a', 1), level: 1 };
      expect(
        await rejects(
          store.commit({
            at: T0,
            incidents: [changed],
            completeSteps: [{ id: claimed!.id, owner: 'w2', status: 'done' }],
            steps: [step('a', 2, T0 + 15 * MINUTE)],
          }),
        ),
      ).toBe(true);
      expect((await store.getIncident('a'))!.level).toBe(0);
      expect((await store.steps('a')).map((item) => item.status)).toEqual(['pending']);

      await store.commit({
        at: T0 + 1,
        incidents: [changed],
        completeSteps: [{ id: claimed!.id, owner: 'w1', status: 'done' }],
        steps: [step('a', 2, T0 + 15 * MINUTE)],
        timeline: [
          { incidentId: 'a', at: T0 + 1, kind: 'level-paged', message: 'level 1', data: {} },
        ],
      });
      const steps = await store.steps('a');
      expect(steps.map((item) => [item.level, item.status])).toEqual([
        [1, 'done'],
        [2, 'pending'],
      ]);
      expect(steps[0]!.finishedAt).toBe(T0 + 1);
      // A finished step cannot be completed again: no step fires twice.
      expect(
        await rejects(
          store.commit({
            at: T0,
            completeSteps: [{ id: claimed!.id, owner: 'w1', status: 'done' }],
          }),
        ),
      ).toBe(true);
      expect(await store.nextStepDueAt()).toBe(T0 + 15 * MINUTE);
    });

    run('cancels every pending step of an incident', async (store) => {
      await store.commit({
        at: T0,
        incidents: [incident('a', 1), incident('b', 2)],
        steps: [step('a', 1, T0), step('a', 2, T0 + MINUTE), step('b', 1, T0 + 2 * MINUTE)],
      });
      await store.commit({ at: T0 + 5, cancelStepsOf: ['a'] });
      expect((await store.steps('a')).map((item) => item.status)).toEqual(['canceled', 'canceled']);
      expect(await store.nextStepDueAt()).toBe(T0 + 2 * MINUTE);
      expect(
        (await store.claimDueSteps(T0 + 10 * MINUTE, 'w', MINUTE, 10)).map((s) => s.incidentId),
      ).toEqual(['b']);
    });

    run(
      'records a page once, claims it, and records its outcome for its claimant',
      async (store) => {
        const a = incident('a', 1);
        const first = page(a, 'alice');
        await store.commit({ at: T0, incidents: [a], pages: [first, page(a, 'bob', T0 + MINUTE)] });
        // The same key again (a replayed decision) keeps the first record.
        await store.commit({ at: T0, pages: [{ ...first, recipient: 'mallory' }] });
        expect(await store.nextPageDueAt()).toBe(T0);
        const claimed = await store.claimDuePages(T0, 'w1', MINUTE, 10);
        expect(claimed.map((item) => [item.recipient, item.claimedBy])).toEqual([['alice', 'w1']]);
        expect(claimed[0]!.notification).toEqual(first.notification);
        expect(
          await rejects(
            store.commit({
              at: T0,
              pageUpdates: [
                { key: first.key, owner: 'w2', status: 'sent', attempts: 1, nextAttemptAt: T0 },
              ],
            }),
          ),
        ).toBe(true);
        await store.commit({
          at: T0 + 2,
          pageUpdates: [
            {
              key: first.key,
              owner: 'w1',
              status: 'pending',
              attempts: 1,
              nextAttemptAt: T0 + 1000,
              lastError: 'HTTP 503',
            },
          ],
        });
        const retry = await store.claimDuePages(T0 + 1000, 'w1', MINUTE, 10);
        expect(retry.map((item) => [item.recipient, item.attempts, item.lastError])).toEqual([
          ['alice', 1, 'HTTP 503'],
        ]);
        await store.commit({
          at: T0 + 1001,
          pageUpdates: [
            { key: first.key, owner: 'w1', status: 'sent', attempts: 2, nextAttemptAt: T0 + 1000 },
          ],
        });
        const pages = await store.pages('a');
        expect(pages.map((item) => [item.recipient, item.status])).toEqual([
          ['alice', 'sent'],
          ['bob', 'pending'],
        ]);
        expect(pages[0]!.finishedAt).toBe(T0 + 1001);
        expect(await store.nextPageDueAt()).toBe(T0 + MINUTE);
      },
    );

    run('stores, lists and deletes rotation overrides', async (store) => {
      const late = {
        id: 'o2',
        rotation: 'primary',
        person: 'bob',
        start: T0 + 60 * MINUTE,
        end: T0 + 120 * MINUTE,
        createdAt: T0,
      };
      const early = {
        id: 'o1',
        rotation: 'primary',
        person: 'alice',
        replaces: 'carol',
        start: T0,
        end: T0 + 60 * MINUTE,
        reason: 'vacation',
        createdBy: 'dave',
        createdAt: T0,
      };
      await store.putOverride(late);
      await store.putOverride(early);
      expect(await store.listOverrides()).toEqual([early, late]);
      expect(await store.deleteOverride('o2')).toBe(true);
      expect(await store.deleteOverride('o2')).toBe(false);
      expect(await store.listOverrides()).toEqual([early]);
    });

    run(
      'keeps incidents, timelines, pending steps and leases, pages and overrides across a reopen',
      async (store, reopen) => {
        await store.nextIncidentNumber();
        const a = incident('a', 1);
        await store.commit({
          at: T0,
          incidents: [a],
          timeline: [
            { incidentId: 'a', at: T0, kind: 'incident-created', message: 'created', data: {} },
          ],
          steps: [step('a', 1, T0), step('a', 2, T0 + 15 * MINUTE)],
          pages: [page(a, 'alice')],
        });
        await store.claimDueSteps(T0, 'dead-worker', MINUTE, 10);
        await store.putOverride({
          id: 'o',
          rotation: 'primary',
          person: 'bob',
          start: T0,
          end: T0 + 1,
          createdAt: T0,
        });
        const next = await reopen();
        expect(await next.getIncident('a')).toEqual(a);
        expect((await next.timeline('a')).map((entry) => entry.kind)).toEqual(['incident-created']);
        expect(await next.nextIncidentNumber()).toBe(2);
        // The dead worker's lease still holds until it ends; then the step is taken over.
        expect(await next.claimDueSteps(T0 + 1, 'w2', MINUTE, 10)).toEqual([]);
        expect(await next.nextStepDueAt()).toBe(T0 + MINUTE);
        const taken = await next.claimDueSteps(T0 + MINUTE, 'w2', MINUTE, 10);
        expect(taken.map((item) => [item.level, item.claimedBy])).toEqual([[1, 'w2']]);
        expect((await next.pages('a')).map((item) => item.status)).toEqual(['pending']);
        expect(await next.listOverrides()).toHaveLength(1);
      },
      true,
    );
  });
}
