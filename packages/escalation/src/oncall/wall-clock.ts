import { DateTime, IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const HALF_DAY_MS = 12 * 60 * MINUTE_MS;
const BUCKET_MS = 15 * MINUTE_MS;
const CACHE_LIMIT = 4096;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HAS_OFFSET = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * Converts between instants (ms since the epoch) and "local" times of one IANA zone. A local
 * time is the wall-clock reading encoded as if it were UTC (`Date.UTC(y, m, d, h, min)`), so
 * wall-clock arithmetic is plain addition on it.
 */
export class WallClock {
  readonly zone: IANAZone;
  // Asking Intl for an offset costs microseconds; shift arithmetic asks about the same few
  // instants again and again. Offsets are cached per 15-minute bucket, but only for buckets with
  // the same offset at both ends (no transition inside), and instants resolved by fromLocal too.
  private readonly offsets = new Map<number, number>();
  private readonly instants = new Map<number, number>();

  constructor(readonly timezone: string) {
    this.zone = IANAZone.create(timezone);
  }

  /** The zone's offset from UTC at `at`, in ms. */
  offsetMs(at: number): number {
    const bucket = Math.floor(at / BUCKET_MS);
    const cached = this.offsets.get(bucket);
    if (cached !== undefined) return cached;
    // No zone changes its offset twice within 15 minutes: equal ends mean no change inside.
    const first = this.zone.offset(bucket * BUCKET_MS) * MINUTE_MS;
    const last = this.zone.offset((bucket + 1) * BUCKET_MS - 1) * MINUTE_MS;
    if (first !== last) return this.zone.offset(at) * MINUTE_MS;
    remember(this.offsets, bucket, first);
    return first;
  }

  /** The wall-clock reading at instant `at`. */
  toLocal(at: number): number {
    return at + this.offsetMs(at);
  }

  /**
   * The instant whose wall-clock reading is `local`. A reading the clocks show twice (the hour
   * repeated when DST ends) resolves to its first occurrence; a reading they skip (the hour lost
   * when DST starts) resolves to the moment of the jump, the first instant whose reading is later.
   */
  fromLocal(local: number): number {
    const cached = this.instants.get(local);
    if (cached !== undefined) return cached;
    const at = this.resolveLocal(local);
    remember(this.instants, local, at);
    return at;
  }

  private resolveLocal(local: number): number {
    const before = this.offsetMs(local - HALF_DAY_MS);
    const after = this.offsetMs(local + HALF_DAY_MS);
    let best: number | undefined;
    for (const offset of before === after ? [before] : [before, after]) {
      const at = local - offset;
      if (this.offsetMs(at) === offset && (best === undefined || at < best)) best = at;
    }
    if (best !== undefined) return best;
    // In a gap: the transition lies in (local - after, local - before]; find its first instant.
    let low = local - Math.max(before, after);
    let high = local - Math.min(before, after);
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (this.offsetMs(middle) === before) low = middle;
      else high = middle;
    }
    return high;
  }

  /**
   * An instant from a configuration date: `YYYY-MM-DD` is local midnight, `YYYY-MM-DDTHH:MM` a
   * local time, and an ISO date-time with `Z` or an offset that exact instant. Undefined when the
   * text is none of these.
   */
  parseInstant(text: string): number | undefined {
    const date = LOCAL_DATE.exec(text);
    if (date) {
      const local = localDate(text);
      return local === undefined ? undefined : this.fromLocal(local);
    }
    if (HAS_OFFSET.test(text)) {
      const parsed = DateTime.fromISO(text, { setZone: true });
      return parsed.isValid ? parsed.toMillis() : undefined;
    }
    const parsed = DateTime.fromISO(text, { zone: 'UTC' });
    return parsed.isValid ? this.fromLocal(parsed.toMillis()) : undefined;
  }

  /** `at` as ISO 8601 in this zone, with its offset and without milliseconds when they are 0. */
  format(at: number): string {
    return formatInstant(at, this.timezone);
  }
}

/** `YYYY-MM-DD` as a local time (midnight), or undefined when it is not a real date. */
export function localDate(text: string): number | undefined {
  const match = LOCAL_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const local = Date.UTC(year, month - 1, day);
  const check = new Date(local);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return local;
}

/** Whether `text` is a date or date-time `WallClock.parseInstant` accepts. */
export function isInstantText(text: string): boolean {
  return new WallClock('UTC').parseInstant(text) !== undefined;
}

/** Whether `name` is an IANA time zone luxon knows (`UTC` included). */
export function isValidTimezone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

/**
 * Formats `at` (ms since the epoch) as ISO 8601 in `timezone`, with its offset:
 * `2026-03-08T08:00:00-05:00`; milliseconds appear only when they are not 0.
 */
export function formatInstant(at: number, timezone: string): string {
  const text = DateTime.fromMillis(at, { zone: timezone }).toISO({ suppressMilliseconds: true });
  return text ?? new Date(at).toISOString();
}

/**
 * Parses a time as configuration and the CLI accept it: an ISO 8601 date-time with `Z` or an
 * offset is that instant; `YYYY-MM-DDTHH:MM[:SS]` and `YYYY-MM-DD` (midnight) are wall-clock times
 * of `timezone` (a skipped time resolves to the jump, a repeated one to its first occurrence).
 * Undefined when the text is none of these.
 */
export function parseInstant(text: string, timezone: string): number | undefined {
  return new WallClock(timezone).parseInstant(text);
}

function remember(cache: Map<number, number>, key: number, value: number): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
}
