import { compareUtf8 } from './labels.js';
import type { Labels } from './labels.js';

// FNV-1a 64 (prometheus/common model/fnv.go) without BigInt. The prime is 2^40 + 0x1b3, so
// h * prime = h * 0x1b3 + (h << 40) (mod 2^64). The high half is an int32 multiplied with
// Math.imul; the low half is kept as two 16-bit limbs so that every product stays a small integer
// (twice as fast in V8 as one 32-bit low half in a double).
const OFFSET_HIGH = 0xcbf29ce4 | 0;
const OFFSET_LOW_1 = 0x8422;
const OFFSET_LOW_0 = 0x2325;
const SEPARATOR = 0xff; // model.SeparatorByte: never part of UTF-8

const HEX_DIGITS = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
const encoder = new TextEncoder();
let scratch = new Uint8Array(1024);

function utf8(text: string): { bytes: Uint8Array; length: number } {
  if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
  // Lone surrogates become U+FFFD, as Go's JSON decoder does when Alertmanager reads them.
  return { bytes: scratch, length: encoder.encodeInto(text, scratch).written };
}

/** In-place sort in JavaScript's default order; faster than Array#sort for a few labels. */
function sortNames(names: string[]): string[] {
  if (names.length > 24) return names.sort();
  for (let i = 1; i < names.length; i++) {
    const name = names[i] as string;
    let j = i - 1;
    for (; j >= 0 && (names[j] as string) > name; j--) names[j + 1] = names[j] as string;
    names[j + 1] = name;
  }
  return names;
}

/**
 * Hashes the pairs of `names` (sorted, repeats adjacent) that `labels` holds, each name and value
 * followed by the separator. Returns undefined when `strictOrder` and a name is not ASCII: the
 * caller must then sort by UTF-8 bytes, as JavaScript's order may differ from Go's.
 */
function hashPairs(
  labels: Labels,
  names: readonly string[],
  strictOrder: boolean,
): string | undefined {
  let high = OFFSET_HIGH;
  let low1 = OFFSET_LOW_1;
  let low0 = OFFSET_LOW_0;
  let previous: string | undefined;
  for (const name of names) {
    const value = labels[name];
    if (name === previous || typeof value !== 'string') continue;
    previous = name;
    for (let part = 0; part < 2; part++) {
      const text = part === 0 ? name : value;
      const length = text.length;
      let i = 0;
      // ASCII fast path: UTF-16 code unit = UTF-8 byte. Position `length` is the separator.
      for (; i <= length; i++) {
        const byte = i < length ? text.charCodeAt(i) : SEPARATOR;
        if (byte >= 0x80 && i < length) break;
        low0 ^= byte;
        const product0 = low0 * 0x1b3;
        const product1 = low1 * 0x1b3 + (product0 >>> 16);
        high = (Math.imul(high, 0x1b3) + (product1 >>> 16) + (((low1 << 16) | low0) << 8)) | 0;
        low0 = product0 & 0xffff;
        low1 = product1 & 0xffff;
      }
      if (i > length) continue;
      if (part === 0 && strictOrder) return undefined;
      // The ASCII prefix has the same bytes in UTF-8: carry on from byte i.
      const { bytes, length: size } = utf8(text);
      for (; i <= size; i++) {
        low0 ^= i < size ? (bytes[i] as number) : SEPARATOR;
        const product0 = low0 * 0x1b3;
        const product1 = low1 * 0x1b3 + (product0 >>> 16);
        high = (Math.imul(high, 0x1b3) + (product1 >>> 16) + (((low1 << 16) | low0) << 8)) | 0;
        low0 = product0 & 0xffff;
        low1 = product1 & 0xffff;
      }
    }
  }
  return hex64(high, low1, low0);
}

/**
 * `%016x` of the hash, made in one `String.fromCharCode`: a flat string. Concatenated pieces made a
 * cons string, and every Map keyed by fingerprints (dedup, grouping, marks, the store) then paid for
 * flattening and hashing it: Map writes and reads took twice as long.
 */
function hex64(high: number, low1: number, low0: number): string {
  const digit = (word: number, shift: number) => HEX_DIGITS[(word >>> shift) & 0xf]!;
  return String.fromCharCode(
    digit(high, 28),
    digit(high, 24),
    digit(high, 20),
    digit(high, 16),
    digit(high, 12),
    digit(high, 8),
    digit(high, 4),
    digit(high, 0),
    digit(low1, 12),
    digit(low1, 8),
    digit(low1, 4),
    digit(low1, 0),
    digit(low0, 12),
    digit(low0, 8),
    digit(low0, 4),
    digit(low0, 0),
  );
}

function sortAndHash(labels: Labels, names: string[]): string {
  if (names.length < 2) return hashPairs(labels, names, false) as string;
  return (
    hashPairs(labels, sortNames(names), true) ??
    (hashPairs(labels, names.sort(compareUtf8), false) as string)
  );
}

/**
 * Alertmanager's alert fingerprint, `model.LabelSet.Fingerprint()`: FNV-1a 64 over the label
 * names in Go string order, each name and value followed by byte 0xff, as 16 lowercase hex digits
 * (`%016x`, the API's `fingerprint` field). The empty set gives `cbf29ce484222325`.
 *
 * Hashes the labels as given: the Alertmanager API drops labels with an empty value before it
 * fingerprints, so do the same to get its fingerprint for such input.
 */
export function fingerprint(labels: Labels): string {
  return sortAndHash(labels, Object.keys(labels));
}

/**
 * The fingerprint of the sub-set of `labels` whose names are in `names`; names missing from
 * `labels` and repeated names are skipped. Equal to `fingerprint` of that sub-set, so it is the
 * fingerprint of a route's group labels (Alertmanager's `getGroupLabels` then `Fingerprint()`)
 * without building the sub-set.
 */
export function fingerprintOfNames(labels: Labels, names: readonly string[]): string {
  return sortAndHash(labels, names.slice());
}
