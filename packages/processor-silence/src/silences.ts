// Alertmanager 0.25's silence store (silence/silence.go: Set, canUpdate, Expire, Query, GC) with the
// state kept durable through the Store instead of a snapshot file.
import { randomUUID } from 'node:crypto';
import {
  createAlertMarker,
  createLogger,
  matcherFromApi,
  matcherToApi,
  parseOptions,
  silenceState,
  systemClock,
} from '@phoenix-alerting/core';
import type {
  AlertMarker,
  ApiMatcher,
  Clock,
  Labels,
  Matcher,
  Silence,
  SilenceState,
  Store,
  TimerHandle,
} from '@phoenix-alerting/core';
import { z } from 'zod';
import { SilenceError, invalidSilence, silenceNotFound } from './errors.js';
import type { SilenceProblem } from './errors.js';
import { SilenceIndex } from './silence-index.js';
import type { IndexedSilence } from './silence-index.js';
import { compareForListing, copy, filterMatches, canUpdateSilence } from './silence-rules.js';
import { checkSilence } from './validate.js';
import type { SilenceInput } from './validate.js';

/** The part of a (pino) logger the service uses, for background failures. */
export interface SilencesLogger {
  error(details: object, message: string): void;
}

const HOUR = 3_600_000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

export const silencesOptionsSchema = z.object({
  /** Where silences live; they are loaded from it at `start` and written on every change. */
  store: z.custom<Pick<Store, 'silences'>>(
    (value) => isObject(value) && isObject(value.silences),
    'expected a Store',
  ),
  /** Default: the system clock. */
  clock: z
    .custom<Clock>(
      (value) => isObject(value) && typeof value.now === 'function',
      'expected a Clock',
    )
    .optional(),
  /** Shared with the API and the inhibitor. Default: a new in-memory marker. */
  marker: z
    .custom<AlertMarker>(
      (value) => isObject(value) && typeof value.setSilenced === 'function',
      'expected an AlertMarker',
    )
    .optional(),
  /** How long an expired silence is kept, in ms. Default 120h (`--data.retention`). */
  retentionMs: z.number().int().nonnegative().optional(),
  /** How often expired silences past retention are collected, in ms. Default 15m. */
  gcIntervalMs: z.number().int().positive().optional(),
  /** Where background failures are logged. Default: a pino logger named `silences`. */
  logger: z
    .custom<SilencesLogger>(
      (value) => isObject(value) && typeof value.error === 'function',
      'expected a logger',
    )
    .optional(),
});

export type SilencesOptions = z.input<typeof silencesOptionsSchema>;

/** What may change in `update`; fields left out keep their current value. */
export type SilenceUpdate = Partial<SilenceInput>;

export interface ListSilencesOptions {
  /**
   * Alertmanager's API `filter`: a silence is listed when, for every filter matcher, it has a
   * matcher with the same name, operator and value.
   */
  filter?: readonly (Matcher | ApiMatcher)[];
  /** Only silences in this state (or these states) at `now`. */
  state?: SilenceState | readonly SilenceState[];
  /** Default: the clock's time. */
  now?: number;
}

/** The silence service: what Alertmanager's `Silences` does, for the API and the processor. */
export interface Silences {
  /** Where the processor records which silences mute an alert. */
  readonly marker: AlertMarker;
  /** Loads the stored silences and starts garbage collection. Idempotent; mutations call it. */
  start(): Promise<void>;
  /** Stops garbage collection and waits for writes in flight. */
  stop(): Promise<void>;
  /**
   * Creates a silence with a new UUID v4. A start in the past (or none) becomes now.
   * @throws SilenceError `invalid`, naming each bad field.
   */
  create(input: SilenceInput): Promise<Silence>;
  /**
   * Alertmanager's `Set` with an id. Changing only the comment, creator or end (of an active
   * silence), or anything but the matchers of a pending one (its start not in the past), updates it
   * in place. Otherwise the silence is replaced: a new silence with a new id is created and the old
   * one, unless already expired, is expired now so that history shows what was silenced when. An
   * expired silence is never changed: updating it creates a new one. Returns the resulting silence;
   * compare its id with `id` to tell the cases apart.
   * @throws SilenceError `not-found` or `invalid`.
   */
  update(id: string, update: SilenceUpdate): Promise<Silence>;
  /**
   * Ends a silence now (a pending one gets start = end = now).
   * @throws SilenceError `not-found`, or `already-expired` as in Alertmanager 0.25.
   */
  expire(id: string): Promise<Silence>;
  get(id: string): Silence | undefined;
  /** Silences in Alertmanager's API order: active by end, pending by start, expired latest first. */
  list(options?: ListSilencesOptions): Silence[];
  /** Ids of the silences active at `now` (default: the clock's time) that match `labels`, sorted. */
  mutes(labels: Labels, now?: number): string[];
  /** Removes silences that ended more than the retention ago; returns how many. */
  gc(now?: number): Promise<number>;
  /** How many silences are held, expired ones included. */
  readonly size: number;
}

interface Entry {
  silence: Silence;
  /** Compiled once per silence; absent when a stored silence's matchers do not compile. */
  indexed: IndexedSilence | undefined;
}

/** Creates the silence service. @throws ConfigError naming every invalid option. */
export function createSilences(options: SilencesOptions): Silences {
  const parsed = parseOptions(silencesOptionsSchema, options, 'processor-silence options');
  const { store } = parsed;
  const clock = parsed.clock ?? systemClock;
  const marker = parsed.marker ?? createAlertMarker();
  const retentionMs = parsed.retentionMs ?? 120 * HOUR;
  const gcIntervalMs = parsed.gcIntervalMs ?? 15 * 60_000;
  const logger: SilencesLogger = parsed.logger ?? createLogger({ name: 'silences' });

  const entries = new Map<string, Entry>();
  const index = new SilenceIndex();
  let started: Promise<void> | undefined;
  let stopped = false;
  let timer: TimerHandle | undefined;
  // Changes run one at a time: two concurrent updates of one silence must not both replace it.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(change: () => Promise<T>): Promise<T> => {
    const result = tail.then(change);
    tail = result.catch(() => undefined);
    return result;
  };

  function put(silence: Silence, compiled: readonly Matcher[] | undefined): void {
    const previous = entries.get(silence.id);
    if (previous?.indexed) index.remove(previous.indexed);
    let indexed: IndexedSilence | undefined;
    if (compiled) {
      indexed = {
        id: silence.id,
        startsAt: silence.startsAt,
        endsAt: silence.endsAt,
        matchers: compiled,
      };
      // An expired silence never becomes active again (updating it creates a new one).
      if (silenceState(silence, clock.now()) !== 'expired') index.add(indexed);
    }
    entries.set(silence.id, { silence, indexed });
  }

  function compile(silence: Silence): Matcher[] | undefined {
    try {
      return silence.matchers.map((matcher) => matcherFromApi(matcher));
    } catch (error) {
      logger.error({ err: error, silenceId: silence.id }, 'stored silence has invalid matchers');
      return undefined;
    }
  }

  async function write(silence: Silence, compiled: readonly Matcher[] | undefined): Promise<void> {
    await store.silences.upsert(silence);
    put(silence, compiled);
  }

  function expired(silence: Silence, now: number): Silence {
    return silenceState(silence, now) === 'pending'
      ? { ...silence, startsAt: now, endsAt: now, updatedAt: now }
      : { ...silence, endsAt: now, updatedAt: now };
  }

  function check(input: Partial<SilenceInput>, now: number, defaultStartsAt: number) {
    const problems: SilenceProblem[] = [];
    const checked = checkSilence(input, now, defaultStartsAt, problems);
    if (!checked) throw invalidSilence(problems);
    return checked;
  }

  async function gc(now?: number): Promise<number> {
    const at = now ?? clock.now();
    const cutoff = at - retentionMs;
    let removed = 0;
    for (const [id, entry] of entries) {
      const { silence, indexed } = entry;
      if (silence.endsAt < cutoff) {
        entries.delete(id);
        if (indexed) index.remove(indexed);
        removed++;
      } else if (indexed && silence.endsAt <= at) {
        index.remove(indexed);
      }
    }
    await exclusive(() => store.silences.deleteExpiredBefore(cutoff));
    return removed;
  }

  const arm = () => {
    timer = clock.setTimeout(() => {
      arm();
      gc().catch((error: unknown) =>
        logger.error({ err: error }, 'silence garbage collection failed'),
      );
    }, gcIntervalMs);
  };

  const start = (): Promise<void> =>
    (started ??= (async () => {
      for (const silence of await store.silences.list()) put(silence, compile(silence));
      if (!stopped) arm();
    })().catch((error: unknown) => {
      started = undefined; // the next call tries again
      throw error;
    }));

  return {
    marker,
    start,
    async stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      await tail;
    },
    async create(input) {
      await start();
      return exclusive(async () => {
        const now = clock.now();
        const checked = check(input, now, now);
        const silence: Silence = {
          id: randomUUID(),
          matchers: checked.matchers,
          startsAt: Math.max(checked.startsAt, now),
          endsAt: checked.endsAt,
          updatedAt: now,
          createdBy: checked.createdBy,
          comment: checked.comment,
        };
        await write(silence, checked.compiled);
        return copy(silence);
      });
    },
    async update(id, update) {
      await start();
      return exclusive(async () => {
        const now = clock.now();
        const previous = entries.get(id)?.silence;
        if (!previous) throw silenceNotFound(id);
        const checked = check(
          {
            matchers: update.matchers ?? previous.matchers,
            startsAt: update.startsAt,
            endsAt: update.endsAt ?? previous.endsAt,
            createdBy: update.createdBy ?? previous.createdBy,
            comment: update.comment ?? previous.comment,
          },
          now,
          previous.startsAt,
        );
        const next: Silence = {
          id,
          matchers: checked.matchers,
          startsAt: checked.startsAt,
          endsAt: checked.endsAt,
          updatedAt: now,
          createdBy: checked.createdBy,
          comment: checked.comment,
        };
        if (canUpdateSilence(previous, next, now)) {
          await write(next, checked.compiled);
          return copy(next);
        }
        const replacement: Silence = {
          ...next,
          id: randomUUID(),
          startsAt: Math.max(next.startsAt, now),
        };
        // The replacement is stored before the old silence is expired: a crash in between leaves
        // both in force rather than neither.
        await write(replacement, checked.compiled);
        if (silenceState(previous, now) !== 'expired') {
          await write(expired(previous, now), entries.get(id)?.indexed?.matchers);
        }
        return copy(replacement);
      });
    },
    async expire(id) {
      await start();
      return exclusive(async () => {
        const now = clock.now();
        const entry = entries.get(id);
        if (!entry) throw silenceNotFound(id);
        if (silenceState(entry.silence, now) === 'expired') {
          throw new SilenceError('already-expired', `silence ${id} already expired`, {
            silenceId: id,
          });
        }
        const silence = expired(entry.silence, now);
        await write(silence, entry.indexed?.matchers);
        return copy(silence);
      });
    },
    get(id) {
      const silence = entries.get(id)?.silence;
      return silence && copy(silence);
    },
    list(listOptions = {}) {
      const now = listOptions.now ?? clock.now();
      const states =
        listOptions.state === undefined
          ? undefined
          : new Set<SilenceState>(
              typeof listOptions.state === 'string' ? [listOptions.state] : listOptions.state,
            );
      const filter = (listOptions.filter ?? []).map((matcher) =>
        'type' in matcher
          ? matcherToApi(matcher)
          : { ...matcher, isEqual: matcher.isEqual ?? true },
      );
      const result: { silence: Silence; state: SilenceState }[] = [];
      for (const { silence } of entries.values()) {
        const state = silenceState(silence, now);
        if (states && !states.has(state)) continue;
        if (filter.length > 0 && !filterMatches(silence, filter)) continue;
        result.push({ silence, state });
      }
      result.sort(compareForListing);
      return result.map(({ silence }) => copy(silence));
    },
    mutes: (labels, now) => index.matching(labels, now ?? clock.now()),
    gc,
    get size() {
      return entries.size;
    },
  };
}
