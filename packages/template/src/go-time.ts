// Go's time.Time as templates see it: prints as Go does (`2006-01-02 15:04:05.999999999 -0700 MST`)
// and has the methods templates commonly call (Format, Unix, UnixMilli, UTC, IsZero).
import { GoInteger, GoStruct } from './values.js';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** An instant with nanosecond precision and a fixed zone (UTC unless parsed with an offset). */
export class GoTime extends GoStruct {
  constructor(
    /** Milliseconds since the Unix epoch. */
    readonly ms: number,
    /** Nanoseconds within the millisecond (0–999999). */
    readonly extraNanos = 0,
    /** Zone offset east of UTC, in seconds. */
    readonly offsetSeconds = 0,
    /** Zone abbreviation; `UTC` for offset 0 unless given. */
    readonly zoneName = offsetSeconds === 0 ? 'UTC' : '',
  ) {
    super();
  }

  /** Parses RFC 3339 with up to nanosecond fractions, keeping the offset as Go's time.Parse does. */
  static parse(text: string): GoTime | undefined {
    const m =
      /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(
        text,
      );
    if (!m) return undefined;
    const [, y, mo, d, h, mi, s, fraction = '', zone] = m;
    const offset =
      zone === 'Z' || zone === 'z'
        ? 0
        : (zone!.startsWith('-') ? -1 : 1) *
          (Number(zone!.slice(1, 3)) * 3600 + Number(zone!.slice(4, 6)) * 60);
    // setUTCFullYear, not Date.UTC: years 0–99 (Go's zero time is year 1) must stay as they are.
    const date = new Date(0);
    date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
    date.setUTCHours(Number(h), Number(mi), Number(s), 0);
    const utc = date.getTime() - offset * 1000;
    const nanos = Number(fraction.padEnd(9, '0'));
    const zoneName = zone === 'Z' || zone === 'z' ? 'UTC' : '';
    return new GoTime(utc + Math.floor(nanos / 1e6), nanos % 1e6, offset, zoneName);
  }

  goType(): string {
    return 'time.Time';
  }
  goFields(): readonly string[] {
    return [];
  }

  private parts(): { date: Date; nanos: number } {
    return {
      date: new Date(this.ms + this.offsetSeconds * 1000),
      nanos: (((this.ms % 1000) + 1000) % 1000) * 1e6 + this.extraNanos,
    };
  }

  private zoneAbbrev(): string {
    return this.zoneName !== '' ? this.zoneName : formatOffset(this.offsetSeconds, false, false);
  }

  /** Go's Time.Format with a Go layout (`2006-01-02T15:04:05Z07:00`). */
  Format(layout: string): string {
    const { date, nanos } = this.parts();
    const tokens: [RegExp, () => string][] = [
      [/^January/, () => MONTHS[date.getUTCMonth()]!],
      [/^Jan/, () => MONTHS[date.getUTCMonth()]!.slice(0, 3)],
      [/^Monday/, () => DAYS[date.getUTCDay()]!],
      [/^Mon/, () => DAYS[date.getUTCDay()]!.slice(0, 3)],
      [/^MST/, () => this.zoneAbbrev()],
      [/^2006/, () => String(date.getUTCFullYear()).padStart(4, '0')],
      [/^06/, () => String(date.getUTCFullYear() % 100).padStart(2, '0')],
      [/^01/, () => String(date.getUTCMonth() + 1).padStart(2, '0')],
      [/^02/, () => String(date.getUTCDate()).padStart(2, '0')],
      [/^_2/, () => String(date.getUTCDate()).padStart(2, ' ')],
      [/^15/, () => String(date.getUTCHours()).padStart(2, '0')],
      [/^03/, () => String(date.getUTCHours() % 12 || 12).padStart(2, '0')],
      [/^04/, () => String(date.getUTCMinutes()).padStart(2, '0')],
      [/^05/, () => String(date.getUTCSeconds()).padStart(2, '0')],
      [
        /^Z07:00/,
        () => (this.offsetSeconds === 0 ? 'Z' : formatOffset(this.offsetSeconds, true, false)),
      ],
      [
        /^Z0700/,
        () => (this.offsetSeconds === 0 ? 'Z' : formatOffset(this.offsetSeconds, false, false)),
      ],
      [/^-07:00/, () => formatOffset(this.offsetSeconds, true, false)],
      [/^-0700/, () => formatOffset(this.offsetSeconds, false, false)],
      [/^-07/, () => formatOffset(this.offsetSeconds, false, true)],
      [/^PM/, () => (date.getUTCHours() >= 12 ? 'PM' : 'AM')],
      [/^pm/, () => (date.getUTCHours() >= 12 ? 'pm' : 'am')],
      [/^[.,]0+/, () => ''],
      [/^[.,]9+/, () => ''],
      [/^1/, () => String(date.getUTCMonth() + 1)],
      [/^2/, () => String(date.getUTCDate())],
      [/^3/, () => String(date.getUTCHours() % 12 || 12)],
      [/^4/, () => String(date.getUTCMinutes())],
      [/^5/, () => String(date.getUTCSeconds())],
    ];
    let out = '';
    let rest = layout;
    outer: while (rest.length > 0) {
      for (const [pattern, render] of tokens) {
        const m = pattern.exec(rest);
        if (!m) continue;
        const token = m[0];
        if (/^[.,][09]/.test(token)) {
          const digits = String(nanos)
            .padStart(9, '0')
            .slice(0, token.length - 1);
          if (token[1] === '0') out += token[0] + digits;
          else {
            const trimmed = digits.replace(/0+$/, '');
            if (trimmed !== '') out += token[0] + trimmed;
          }
        } else out += render();
        rest = rest.slice(token.length);
        continue outer;
      }
      out += rest[0];
      rest = rest.slice(1);
    }
    return out;
  }

  /** Go's Time.String(). */
  String(): string {
    return this.Format('2006-01-02 15:04:05.999999999 -0700 MST');
  }

  Unix(): GoInteger {
    return new GoInteger(BigInt(Math.floor(this.ms / 1000)), 'int64');
  }

  UnixMilli(): GoInteger {
    return new GoInteger(BigInt(this.ms), 'int64');
  }

  UTC(): GoTime {
    return new GoTime(this.ms, this.extraNanos, 0, 'UTC');
  }

  IsZero(): boolean {
    return this.ms === -62135596800000 && this.extraNanos === 0;
  }
}

function formatOffset(seconds: number, colon: boolean, hoursOnly: boolean): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const hours = String(Math.floor(abs / 3600)).padStart(2, '0');
  const minutes = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  if (hoursOnly) return sign + hours;
  return sign + hours + (colon ? ':' : '') + minutes;
}
