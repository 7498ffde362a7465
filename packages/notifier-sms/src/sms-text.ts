// SMS length rules (3GPP TS 23.038 / 23.040, as Twilio applies them): a message of GSM-7
// characters takes 160 septets in one segment or 153 per segment once concatenated (the user data
// header takes 7); anything else is sent as UCS-2, 70 UTF-16 units alone or 67 per segment. An
// escape pair (`€`, `{`…) and a surrogate pair (emoji) are never split between segments.

/** How a message is encoded on the air. */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** How long a message is once encoded. */
export interface SmsLength {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  /** Segments Twilio sends (and bills). 0 for an empty message. */
  segments: number;
}

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters of the extension table: an escape septet plus one. */
const GSM_EXTENDED = '\f^{}\\[~]|€';
const gsmBasic = new Set(GSM_BASIC);
const gsmExtended = new Set(GSM_EXTENDED);

const SINGLE = { 'GSM-7': 160, 'UCS-2': 70 } as const;
const PER_SEGMENT = { 'GSM-7': 153, 'UCS-2': 67 } as const;

/** The ellipsis that marks a cut: `…` is not a GSM-7 character and would force UCS-2. */
const ELLIPSIS = { 'GSM-7': '...', 'UCS-2': '…' } as const;

// Typographic characters that templates and titles bring in, with their GSM-7 look-alikes (a
// subset of what Twilio's Smart Encoding replaces): one curly quote would otherwise make the whole
// message UCS-2 and cut its capacity by more than half.
const LOOKALIKES: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u2032': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u201F': '"',
  '\u2033': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00A0': ' ',
  '\u2002': ' ',
  '\u2003': ' ',
  '\u2009': ' ',
  '\u200B': '',
  '\u2022': '-',
};
const lookalikePattern = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'g');

/** Replaces typographic quotes, dashes, ellipses and spaces by their GSM-7 look-alikes. */
export function toGsmLookalikes(text: string): string {
  return text.replace(lookalikePattern, (char) => LOOKALIKES[char] ?? char);
}

/** Whether every character of `text` is in the GSM-7 default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (const char of text) if (!gsmBasic.has(char) && !gsmExtended.has(char)) return false;
  return true;
}

/** The units of each indivisible piece of `text` under `encoding`. */
function pieceUnits(text: string, encoding: SmsEncoding): number[] {
  const pieces: number[] = [];
  for (const char of text) {
    if (encoding === 'GSM-7') pieces.push(gsmExtended.has(char) ? 2 : 1);
    else pieces.push(char.length);
  }
  return pieces;
}

function countSegments(pieces: readonly number[], encoding: SmsEncoding): number {
  const units = pieces.reduce((sum, n) => sum + n, 0);
  if (units === 0) return 0;
  if (units <= SINGLE[encoding]) return 1;
  let segments = 1;
  let used = 0;
  for (const n of pieces) {
    if (used + n > PER_SEGMENT[encoding]) {
      segments++;
      used = 0;
    }
    used += n;
  }
  return segments;
}

/** The encoding, length and segment count of `text` as sent (no look-alike replacement). */
export function smsLength(text: string): SmsLength {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  const pieces = pieceUnits(text, encoding);
  return {
    encoding,
    units: pieces.reduce((sum, n) => sum + n, 0),
    segments: countSegments(pieces, encoding),
  };
}

/** The parts of a message; the body is cut first, then the link. */
export interface SmsParts {
  /** The text, cut at the end (with an ellipsis) when the message is too long. */
  body: string;
  /** A link on its own line after the body; kept whole, dropped only when it alone is too long. */
  link?: string | undefined;
  /** A last line kept in any case, e.g. `Reply ACK 1234 or RESOLVE 1234`. */
  footer?: string | undefined;
}

/** A message fitted to the segment limit. */
export interface FittedSms extends SmsLength {
  text: string;
  /** Whether something was cut or dropped. */
  truncated: boolean;
}

function compose(body: string, link: string | undefined, footer: string | undefined): string {
  return [body, link, footer].filter((part) => part !== undefined && part !== '').join('\n');
}

/**
 * Joins `parts` into one message of at most `maxSegments` segments. Typographic characters become
 * their GSM-7 look-alikes first; the encoding is chosen from the whole message. When too long, the
 * body is cut at a character boundary and ends with `...` (GSM-7) or `…` (UCS-2); the link and
 * footer stay whole. Should they alone not fit, the link is dropped, and, as a last resort, the
 * footer is cut too.
 */
export function fitSms(parts: SmsParts, maxSegments: number): FittedSms {
  const body = toGsmLookalikes(parts.body).trim();
  const link = parts.link ? toGsmLookalikes(parts.link).trim() : undefined;
  const footer = parts.footer ? toGsmLookalikes(parts.footer).trim() : undefined;
  const full = compose(body, link, footer);
  const length = smsLength(full);
  if (length.segments <= maxSegments) return { text: full, truncated: false, ...length };

  // The encoding of the whole message decides the budget even if the cut removes every non-GSM
  // character: a smaller budget than needed, never a larger one.
  const encoding = length.encoding;
  const fits = (text: string) => countSegments(pieceUnits(text, encoding), encoding) <= maxSegments;
  const ellipsis = ELLIPSIS[encoding];
  const bodyChars = Array.from(body);
  const cut = (count: number, tailLink: string | undefined, tailFooter: string | undefined) =>
    compose(
      count >= bodyChars.length
        ? body
        : `${bodyChars.slice(0, count).join('').trimEnd()}${ellipsis}`,
      tailLink,
      tailFooter,
    );

  for (const tailLink of [link, undefined]) {
    if (!fits(cut(0, tailLink, footer))) continue;
    // Largest body prefix that fits (a longer prefix never takes fewer segments).
    let low = 0;
    let high = bodyChars.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (fits(cut(middle, tailLink, footer))) low = middle;
      else high = middle - 1;
    }
    const text = cut(low, tailLink, footer);
    return { text, truncated: true, ...smsLength(text) };
  }
  // Only a footer longer than the limit gets here: cut the whole message.
  const chars = Array.from(full);
  let count = chars.length;
  while (count > 0 && !fits(`${chars.slice(0, count).join('')}${ellipsis}`)) count--;
  const text = `${chars.slice(0, count).join('')}${ellipsis}`;
  return { text, truncated: true, ...smsLength(text) };
}
