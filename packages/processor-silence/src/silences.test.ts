// Ports TestSilenceSet, TestSetActiveSilence, TestSilenceCanUpdate, TestSilenceExpire,
// TestSilencer and the GC tests of Alertmanager 0.25's silence/silence_test.go, on the FakeClock.
import { Matcher, createLogger, parseMatchers, silenceState } from '@phoenix-alerting/core';
import type { ApiMatcher, Silence, Store } from '@phoenix-alerting/core';
import { FakeClock, createMemoryStore } from '@phoenix-alerting/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { SilenceError } from './errors.js';
import { canUpdateSilence } from './silence-rules.js';
import { createSilences } from './silences.js';
import type { SilencesOptions } from './silences.js';

const T0 = Date.UTC(2024, 0, 1);
const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const eq = (name: string, value: string): ApiMatcher => ({ name, value, isRegex: false });

function setup(options: Partial<SilencesOptions> = {}, store: Store = createMemoryStore()) {
  const clock = new FakeClock(T0);
  const silences = createSilences({
    store,
    clock,
    logger: createLogger({ level: 'silent' }),
    ...options,
  });
  return { clock, store, silences };
}

async function reason(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return SilenceError.isInstance(error) ? error.reason : String(error);
}

describe('create', () => {
  it('assigns a UUID v4, starts now when no start is given, and persists the silence', async () => {
    const { silences, store } = setup();
    const silence = await silences.create({
      matchers: [eq('alertname', 'DiskFull')],
      endsAt: T0 + HOUR,
      createdBy: 'alice',
      comment: 'maintenance',
    });
    expect(silence).toEqual({
      id: expect.stringMatching(UUID_V4),
      matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true }],
      startsAt: T0,
      endsAt: T0 + HOUR,
      updatedAt: T0,
      createdBy: 'alice',
      comment: 'maintenance',
    });
    expect(await store.silences.get(silence.id)).toEqual(silence);
    expect(silences.get(silence.id)).toEqual(silence);
    const other = await silences.create({ matchers: [eq('a', 'b')], endsAt: T0 + HOUR });
    expect(other.id).not.toBe(silence.id);
    await silences.stop();
  });

  it('moves a start in the past to now and keeps a future start (TestSilenceSet)', async () => {
    const { silences } = setup();
    const past = await silences.create({
      matchers: [eq('a', 'b')],
      startsAt: T0 - HOUR,
      endsAt: T0 + HOUR,
    });
    expect(past.startsAt).toBe(T0);
    const future = await silences.create({
      matchers: [eq('a', 'b')],
      startsAt: T0 + 2 * MINUTE,
      endsAt: T0 + 5 * MINUTE,
    });
    expect(future.startsAt).toBe(T0 + 2 * MINUTE);
    expect(silenceState(future, T0)).toBe('pending');
    await silences.stop();
  });

  it('hands out copies: changing a returned silence changes nothing', async () => {
    const { silences } = setup();
    const silence = await silences.create({ matchers: [eq('a', 'b')], endsAt: T0 + HOUR });
    silence.matchers[0]!.value = 'c';
    silence.endsAt = T0;
    expect(silences.get(silence.id)).toMatchObject({
      endsAt: T0 + HOUR,
      matchers: [{ value: 'b' }],
    });
    expect(silences.mutes({ a: 'b' })).toEqual([silence.id]);
    await silences.stop();
  });
});

describe('state over time', () => {
  it('goes pending → active → expired, and mutes only while active', async () => {
    const { silences, clock } = setup();
    const { id } = await silences.create({
      matchers: [eq('alertname', 'A')],
      startsAt: T0 + HOUR,
      endsAt: T0 + 2 * HOUR,
    });
    const labels = { alertname: 'A', instance: 'x' };
    expect(silences.list({ state: 'pending' }).map((s) => s.id)).toEqual([id]);
    expect(silences.mutes(labels)).toEqual([]);

    await clock.advance(HOUR);
    expect(silences.list({ state: 'active' }).map((s) => s.id)).toEqual([id]);
    expect(silences.mutes(labels)).toEqual([id]);
    expect(silences.mutes({ alertname: 'B' })).toEqual([]);

    await clock.advance(HOUR - 1);
    expect(silences.mutes(labels)).toEqual([id]);
    await clock.advance(1);
    expect(silences.list({ state: 'expired' }).map((s) => s.id)).toEqual([id]);
    expect(silences.mutes(labels)).toEqual([]);
    await silences.stop();
  });

  it('mutes with pending silences becoming active and overlapping ones (TestSilencer, #2426)', async () => {
    const { silences, clock } = setup();
    const labels = { foo: 'bar' };
    expect(silences.mutes(labels)).toEqual([]);
    await silences.create({ matchers: [eq('foo', 'baz')], endsAt: T0 + 5 * MINUTE });
    expect(silences.mutes(labels)).toEqual([]);
    const second = await silences.create({ matchers: [eq('foo', 'bar')], endsAt: T0 + 5 * MINUTE });
    expect(silences.mutes(labels)).toEqual([second.id]);

    await clock.advance(HOUR);
    expect(silences.mutes(labels)).toEqual([]);
    // The expired silence cannot be updated: a new one starting in an hour replaces it.
    const future = await silences.update(second.id, {
      startsAt: T0 + 2 * HOUR,
      endsAt: T0 + 4 * HOUR,
    });
    expect(future.id).not.toBe(second.id);
    expect(silences.mutes(labels)).toEqual([]);

    await clock.advance(2 * HOUR);
    expect(silences.mutes(labels)).toEqual([future.id]);
    const overlapping = await silences.create({
      matchers: [{ name: 'foo', value: 'b..', isRegex: true }],
      startsAt: T0 + 4 * HOUR,
      endsAt: T0 + 6 * HOUR,
    });
    expect(silences.mutes(labels)).toEqual([future.id]);
    await clock.advance(2 * HOUR);
    expect(silences.mutes(labels)).toEqual([overlapping.id]);
    await silences.stop();
  });
});

describe('update', () => {
  it('follows TestSilenceSet: in place for comment and end, a new silence for new matchers or start', async () => {
    const { silences, clock, store } = setup({ retentionMs: HOUR });
    const start1 = clock.now();
    const sil1 = await silences.create({
      matchers: [eq('a', 'b')],
      startsAt: start1 + 2 * MINUTE,
      endsAt: start1 + 5 * MINUTE,
    });

    await clock.advance(MINUTE);
    const start2 = clock.now();
    // Alertmanager's test ends this silence at start2+1m and extends it at exactly that instant,
    // when Go still counts it active; core's silenceState counts it expired then, so end later.
    const sil2 = await silences.create({ matchers: [eq('a', 'b')], endsAt: start2 + 2 * MINUTE });
    expect(sil2.startsAt).toBe(start2);

    // No change: same id.
    const sil3 = await silences.update(sil2.id, {});
    expect(sil3.id).toBe(sil2.id);
    // A comment: same id.
    const sil4 = await silences.update(sil2.id, { comment: 'c' });
    expect(sil4).toMatchObject({ id: sil2.id, comment: 'c' });

    // A later end of an active silence: same id.
    await clock.advance(MINUTE);
    const start5 = clock.now();
    const sil5 = await silences.update(sil2.id, { endsAt: start5 + 100 * MINUTE });
    expect(sil5).toEqual({
      ...sil4,
      endsAt: start5 + 100 * MINUTE,
      updatedAt: start5,
    });

    // New matchers: the old silence is expired now and a new one takes over.
    await clock.advance(MINUTE);
    const start6 = clock.now();
    const sil6 = await silences.update(sil2.id, { matchers: [eq('a', 'c')] });
    expect(sil6.id).not.toBe(sil2.id);
    expect(sil6).toEqual({
      id: expect.stringMatching(UUID_V4),
      matchers: [{ name: 'a', value: 'c', isRegex: false, isEqual: true }],
      startsAt: start6,
      endsAt: start5 + 100 * MINUTE,
      updatedAt: start6,
      createdBy: '',
      comment: 'c',
    });
    expect(silences.get(sil2.id)).toEqual({ ...sil5, endsAt: start6, updatedAt: start6 });
    expect(await store.silences.get(sil2.id)).toEqual(silences.get(sil2.id));

    // Re-creating the replaced (expired) silence with an old start: a new one, starting now.
    await clock.advance(MINUTE);
    const start7 = clock.now();
    const sil7 = await silences.update(sil2.id, {
      startsAt: start1,
      endsAt: start1 + 5 * MINUTE,
    });
    expect(sil7.id).not.toBe(sil2.id);
    expect(sil7).toMatchObject({ startsAt: start7, endsAt: start1 + 5 * MINUTE, comment: 'c' });
    expect(silences.get(sil2.id)).toEqual({ ...sil5, endsAt: start6, updatedAt: start6 });
    expect(silences.get(sil1.id)).toEqual(sil1);
    expect(silences.size).toBe(4);

    // An invalid update changes nothing, and does not expire the silence.
    await clock.advance(1);
    expect(await reason(silences.update(sil7.id, { endsAt: clock.now() - MINUTE }))).toBe(
      'invalid',
    );
    expect(silenceState(silences.get(sil7.id)!, clock.now())).toBe('active');
    expect(silences.size).toBe(4);
    await silences.stop();
  });

  it('updates an active silence in place when the start moves within the same second (TestSetActiveSilence)', async () => {
    const { silences, clock } = setup();
    const sil1 = await silences.create({
      matchers: [eq('a', 'b')],
      startsAt: T0 - MINUTE,
      endsAt: T0 + 5 * MINUTE,
    });
    await clock.advance(MINUTE);
    const updated = await silences.update(sil1.id, {
      startsAt: T0 + 2,
      endsAt: T0 + 7 * MINUTE,
    });
    expect(updated).toEqual({
      ...sil1,
      startsAt: T0 + 2,
      endsAt: T0 + 7 * MINUTE,
      updatedAt: T0 + MINUTE,
    });

    const moved = await silences.update(sil1.id, { startsAt: T0 + SECOND });
    expect(moved.id).not.toBe(sil1.id);
    expect(moved.startsAt).toBe(T0 + MINUTE);
    expect(silences.get(sil1.id)?.endsAt).toBe(T0 + MINUTE);
    await silences.stop();
  });

  it('updates a pending silence in place, unless its new start is in the past', async () => {
    const { silences, clock } = setup();
    const pending = await silences.create({
      matchers: [eq('a', 'b')],
      startsAt: T0 + HOUR,
      endsAt: T0 + 2 * HOUR,
    });
    const moved = await silences.update(pending.id, {
      startsAt: T0 + 30 * MINUTE,
      endsAt: T0 + 3 * HOUR,
    });
    expect(moved).toMatchObject({
      id: pending.id,
      startsAt: T0 + 30 * MINUTE,
      endsAt: T0 + 3 * HOUR,
    });

    await clock.advance(MINUTE);
    const now = clock.now();
    const started = await silences.update(pending.id, { startsAt: T0 });
    expect(started.id).not.toBe(pending.id);
    expect(started).toMatchObject({ startsAt: now, endsAt: T0 + 3 * HOUR });
    // The pending silence never became active: it is expired with start = end = now.
    expect(silences.get(pending.id)).toMatchObject({ startsAt: now, endsAt: now, updatedAt: now });
    await silences.stop();
  });

  it('refuses an unknown id', async () => {
    const { silences } = setup();
    expect(await reason(silences.update('nope', { endsAt: T0 + HOUR }))).toBe('not-found');
    await silences.stop();
  });

  it('serialises concurrent updates of one silence', async () => {
    const { silences } = setup();
    const silence = await silences.create({ matchers: [eq('a', 'b')], endsAt: T0 + HOUR });
    const [first, second] = await Promise.all([
      silences.update(silence.id, { matchers: [eq('a', 'c')], endsAt: T0 + HOUR }),
      silences.update(silence.id, { matchers: [eq('a', 'd')], endsAt: T0 + HOUR }),
    ]);
    expect(first.id).not.toBe(second.id);
    // The second update saw the first one's expiry, so it did not expire the silence twice.
    expect(silences.list({ state: 'active' })).toHaveLength(2);
    expect(silences.list({ state: 'expired' }).map((s) => s.id)).toEqual([silence.id]);
    await silences.stop();
  });
});

describe('canUpdateSilence (TestSilenceCanUpdate)', () => {
  const now = T0;
  const silence = (startsAt: number, endsAt: number): Silence => ({
    id: 'x',
    matchers: [{ name: 'a', value: 'b', isRegex: false, isEqual: true }],
    startsAt,
    endsAt,
    updatedAt: now - HOUR,
    createdBy: '',
    comment: '',
  });
  it.each([
    ['expired silence', silence(now - HOUR, now - SECOND), silence(now, now), false],
    [
      'pending, new start in the past',
      silence(now + HOUR, now + 2 * HOUR),
      silence(now - MINUTE, now + HOUR),
      false,
    ],
    [
      'pending, new start in the future',
      silence(now + HOUR, now + 2 * HOUR),
      silence(now + MINUTE, now + MINUTE),
      true,
    ],
    [
      'pending, new start exactly now',
      silence(now + HOUR, now + 2 * HOUR),
      silence(now, now + 2 * HOUR),
      true,
    ],
    [
      'active, start changed',
      silence(now - HOUR, now + 2 * HOUR),
      silence(now - MINUTE, now + 2 * HOUR),
      false,
    ],
    [
      'active, end in the past',
      silence(now - HOUR, now + 2 * HOUR),
      silence(now - HOUR, now - SECOND),
      false,
    ],
    ['active, end now', silence(now - HOUR, now + 2 * HOUR), silence(now - HOUR, now), true],
    [
      'active, end later',
      silence(now - HOUR, now + 2 * HOUR),
      silence(now - HOUR, now + 3 * HOUR),
      true,
    ],
  ])('%s → %s', (_, a, b, expected) => {
    expect(canUpdateSilence(a, b, now)).toBe(expected);
  });

  it('never updates when the matchers differ', () => {
    const a = silence(now - HOUR, now + HOUR);
    const b = { ...a, matchers: [{ name: 'a', value: 'c', isRegex: false, isEqual: true }] };
    expect(canUpdateSilence(a, b, now)).toBe(false);
  });
});

describe('expire (TestSilenceExpire)', () => {
  it('ends active silences now, pending ones before they start, and refuses expired ones', async () => {
    const { silences, clock, store } = setup({ retentionMs: HOUR });
    const pending = await silences.create({
      matchers: [eq('a', 'b')],
      startsAt: T0 + 2 * MINUTE,
      endsAt: T0 + HOUR,
    });
    const active = await silences.create({ matchers: [eq('a', 'b')], endsAt: T0 + HOUR });
    const expired = await silences.create({ matchers: [eq('a', 'b')], endsAt: T0 + MINUTE });
    await clock.advance(MINUTE);
    const now = clock.now();
    expect(silences.list({ state: 'pending' })).toHaveLength(1);
    expect(silences.list({ state: 'expired' })).toHaveLength(1);

    expect(await silences.expire(pending.id)).toEqual({
      ...pending,
      startsAt: now,
      endsAt: now,
      updatedAt: now,
    });
    expect(await silences.expire(active.id)).toEqual({ ...active, endsAt: now, updatedAt: now });
    expect(await reason(silences.expire(expired.id))).toBe('already-expired');
    expect(silences.get(expired.id)).toEqual(expired);
    expect(await reason(silences.expire('unknown'))).toBe('not-found');

    expect(silences.list({ state: ['pending', 'active'] })).toEqual([]);
    expect(silences.list({ state: 'expired' })).toHaveLength(3);
    expect(silences.mutes({ a: 'b' })).toEqual([]);
    expect((await store.silences.get(active.id))?.endsAt).toBe(now);
    await silences.stop();
  });

  it('names the silence in the already-expired error, as Alertmanager 0.25 does', async () => {
    const { silences } = setup();
    const { id } = await silences.create({ matchers: [eq('a', 'b')], endsAt: T0 + HOUR });
    await silences.expire(id);
    await expect(silences.expire(id)).rejects.toThrow(`silence ${id} already expired`);
    await silences.stop();
  });
});

describe('list', () => {
  it('filters by exact matchers as the API does and sorts active, pending, then expired', async () => {
    const { silences, clock } = setup();
    const activeLate = await silences.create({
      matchers: [eq('alertname', 'A'), eq('env', 'prod')],
      endsAt: T0 + 3 * HOUR,
    });
    const activeSoon = await silences.create({
      matchers: [eq('alertname', 'A')],
      endsAt: T0 + HOUR,
    });
    const pendingLate = await silences.create({
      matchers: [{ name: 'alertname', value: 'A|B', isRegex: true }],
      startsAt: T0 + 2 * HOUR,
      endsAt: T0 + 5 * HOUR,
    });
    const pendingSoon = await silences.create({
      matchers: [eq('alertname', 'B')],
      startsAt: T0 + HOUR + MINUTE,
      endsAt: T0 + 5 * HOUR,
    });
    const expiredFirst = await silences.create({
      matchers: [eq('x', 'y')],
      endsAt: T0 + 30 * SECOND,
    });
    await clock.advance(MINUTE);
    const expiredLast = await silences.expire(
      (await silences.create({ matchers: [eq('x', 'z')], endsAt: T0 + HOUR })).id,
    );

    expect(silences.list().map((s) => s.id)).toEqual(
      [activeSoon, activeLate, pendingSoon, pendingLate, expiredLast, expiredFirst].map(
        (s) => s.id,
      ),
    );
    expect(silences.list({ filter: parseMatchers('alertname="A"') }).map((s) => s.id)).toEqual([
      activeSoon.id,
      activeLate.id,
    ]);
    // A filter names a matcher of the silence, not an alert it would match.
    expect(silences.list({ filter: parseMatchers('alertname=~"A|B"') }).map((s) => s.id)).toEqual([
      pendingLate.id,
    ]);
    expect(
      silences
        .list({ filter: [{ name: 'env', value: 'prod', isRegex: false }], state: 'active' })
        .map((s) => s.id),
    ).toEqual([activeLate.id]);
    expect(silences.list({ filter: parseMatchers('alertname!="A"') })).toEqual([]);
    await silences.stop();
  });
});

describe('persistence', () => {
  it('survives a restart through the store, with changes made before it', async () => {
    const store = createMemoryStore();
    const before = setup({}, store);
    const kept = await before.silences.create({
      matchers: [eq('alertname', 'A')],
      endsAt: T0 + 2 * HOUR,
      comment: 'kept',
    });
    const pending = await before.silences.create({
      matchers: [eq('alertname', 'B')],
      startsAt: T0 + HOUR,
      endsAt: T0 + 2 * HOUR,
    });
    const gone = await before.silences.create({
      matchers: [eq('alertname', 'C')],
      endsAt: T0 + HOUR,
    });
    await before.silences.expire(gone.id);
    const extended = await before.silences.update(kept.id, { endsAt: T0 + 3 * HOUR });
    await before.silences.stop();
    const listed = before.silences.list();

    const after = setup({}, store);
    await after.clock.advance(HOUR);
    await after.silences.start();
    expect(after.silences.list({ now: T0 })).toEqual(listed);
    expect(after.silences.get(kept.id)).toEqual(extended);
    expect(after.silences.mutes({ alertname: 'A' })).toEqual([kept.id]);
    expect(after.silences.mutes({ alertname: 'B' })).toEqual([pending.id]);
    expect(after.silences.mutes({ alertname: 'C' })).toEqual([]);
    await after.silences.expire(kept.id);
    expect((await store.silences.get(kept.id))?.endsAt).toBe(T0 + HOUR);
    await after.silences.stop();
  });

  it('loads the store once, however often it is started', async () => {
    const store = createMemoryStore();
    const list = vi.spyOn(store.silences, 'list');
    const { silences } = setup({}, store);
    await Promise.all([silences.start(), silences.start()]);
    await silences.create({ matchers: [eq('a', 'b')], endsAt: T0 + HOUR });
    expect(list).toHaveBeenCalledTimes(1);
    await silences.stop();
  });

  it('keeps but cannot apply a stored silence whose matchers do not compile', async () => {
    const store = createMemoryStore();
    await store.silences.upsert({
      id: 'broken',
      matchers: [{ name: 'a', value: '((', isRegex: true }],
      startsAt: T0,
      endsAt: T0 + HOUR,
      updatedAt: T0,
      createdBy: '',
      comment: '',
    });
    const error = vi.fn();
    const { silences } = setup({ logger: { error } }, store);
    await silences.start();
    expect(error).toHaveBeenCalledTimes(1);
    expect(silences.get('broken')).toBeDefined();
    expect(silences.mutes({ a: '((' })).toEqual([]);
    expect((await silences.expire('broken')).endsAt).toBe(T0);
    await silences.stop();
  });
});

describe('garbage collection', () => {
  it('removes silences 120h after they ended, by default every 15 minutes', async () => {
    const { silences, clock, store } = setup();
    const short = await silences.create({ matchers: [eq('a', 'b')], endsAt: T0 + HOUR });
    const long = await silences.create({ matchers: [eq('a', 'c')], endsAt: T0 + 200 * HOUR });
    await clock.advance(121 * HOUR);
    expect(silences.get(short.id)).toBeDefined();
    await clock.advance(15 * 60_000);
    expect(silences.get(short.id)).toBeUndefined();
    expect(await store.silences.get(short.id)).toBeUndefined();
    expect(silences.get(long.id)).toBeDefined();
    expect(silences.size).toBe(1);
    await silences.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('uses the configured retention and interval', async () => {
    const { silences, clock } = setup({ retentionMs: HOUR, gcIntervalMs: MINUTE });
    const { id } = await silences.create({ matchers: [eq('a', 'b')], endsAt: T0 + MINUTE });
    await silences.expire(id);
    await clock.advance(HOUR);
    expect(silences.size).toBe(1);
    await clock.advance(MINUTE);
    expect(silences.size).toBe(0);
    expect(await silences.gc()).toBe(0);
    await silences.stop();
  });
});

describe('matching', () => {
  // A small deterministic PRNG, so that the comparison below is reproducible.
  function random(seed: number) {
    return () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
  }

  it('finds exactly the silences a naive scan finds', async () => {
    const { silences, clock } = setup();
    const next = random(42);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
    const names = ['alertname', 'instance', 'env', 'team'];
    const values = ['a', 'b', 'c', ''];
    for (let i = 0; i < 300; i++) {
      const matchers: ApiMatcher[] = [];
      const count = 1 + Math.floor(next() * 3);
      for (let j = 0; j < count; j++) {
        const isRegex = next() < 0.3;
        matchers.push({
          name: pick(names),
          value: isRegex ? pick(['a|b', 'c.*', '.+', 'b']) : pick(values),
          isRegex,
          isEqual: next() < 0.8,
        });
      }
      const startsAt = T0 + Math.floor(next() * 4) * HOUR;
      await silences
        .create({ matchers, startsAt, endsAt: startsAt + (1 + Math.floor(next() * 3)) * HOUR })
        .catch((error: unknown) => {
          if (!SilenceError.isInstance(error)) throw error;
        });
    }
    expect(silences.size).toBeGreaterThan(150);
    const all = silences.list();
    const naive = (labels: Record<string, string>, now: number) =>
      all
        .filter((silence) => silenceState(silence, now) === 'active')
        .filter((silence) =>
          silence.matchers.every((m) => {
            const type = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
            return new Matcher(type, m.name, m.value).matches(labels[m.name] ?? '');
          }),
        )
        .map((silence) => silence.id)
        .sort();
    for (let hour = 0; hour < 6; hour++) {
      for (let i = 0; i < 50; i++) {
        const labels: Record<string, string> = {};
        for (const name of names) if (next() < 0.7) labels[name] = pick(values.slice(0, 3));
        expect(silences.mutes(labels)).toEqual(naive(labels, clock.now()));
      }
      await clock.advance(HOUR);
    }
    await silences.stop();
  });
});
