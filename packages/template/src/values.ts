// How Go values are represented in JavaScript while a template runs:
//   int → bigint, float64 → number, string → string, bool → boolean, nil → undefined/null,
//   []T → Array, map[string]interface{} → plain object or Map, typed maps → GoMap,
//   structs → GoStruct, time.Time → GoTime. Exported (capitalized) prototype functions are Go methods.
import { compareUtf8 } from '@phoenix-alerting/core';

/** A Go map with a declared type: `zero` is what a missing key yields under `missingkey=zero`. */
export class GoMap<V = unknown> {
  constructor(
    readonly entries: ReadonlyMap<string, V>,
    readonly goType: string,
    readonly zero: V | undefined,
  ) {}

  sortedKeys(): string[] {
    return [...this.entries.keys()].sort(compareUtf8);
  }
}

/** A Go struct: `fields` lists the exported fields in declaration order (how `%v` prints them). */
export abstract class GoStruct {
  abstract goType(): string;
  abstract goFields(): readonly string[];
}

/**
 * A Go integer of a sized or unsigned type (`uint8` from indexing a string, `int64` from
 * `Time.Unix`); plain `int` is a bigint. `kind` is how comparisons treat it.
 */
export class GoInteger {
  readonly kind: 'int' | 'uint';
  constructor(
    readonly value: bigint,
    readonly goType: 'uint8' | 'uint' | 'uint64' | 'int64' | 'int32',
  ) {
    this.kind = goType.startsWith('u') ? 'uint' : 'int';
  }
}

/** A `[]string`, so `%T` and argument checks know the element type. */
export class StringSlice extends Array<string> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  static of2(values: readonly string[]): StringSlice {
    const slice = new StringSlice();
    slice.push(...values);
    return slice;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A Go method of `value` named `name` (exported functions on its class), if any. */
export function goMethod(
  value: unknown,
  name: string,
): ((...args: unknown[]) => unknown) | undefined {
  if (typeof value !== 'object' || value === null || !/^\p{Lu}/u.test(name)) return undefined;
  if (isPlainObject(value) || value instanceof Map) return undefined;
  const fn = (value as Record<string, unknown>)[name];
  if (typeof fn !== 'function' || Object.prototype.hasOwnProperty.call(value, name))
    return undefined;
  return fn as (...args: unknown[]) => unknown;
}

/** Go's `%T`-style type name, used in error messages. */
export function goTypeName(value: unknown): string {
  if (value === undefined || value === null) return '<nil>';
  switch (typeof value) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'func(...interface {}) interface {}';
  }
  if (value instanceof GoMap) return value.goType;
  if (value instanceof GoInteger) return value.goType;
  if (value instanceof GoStruct) return value.goType();
  if (value instanceof StringSlice) return '[]string';
  if (Array.isArray(value)) {
    const named = (value as { goType?: () => string }).goType;
    return typeof named === 'function' ? named.call(value) : '[]interface {}';
  }
  if (value instanceof Uint8Array) return '[]uint8';
  if (isPlainObject(value) || value instanceof Map) return 'map[string]interface {}';
  const custom = (value as { goType?: () => string }).goType;
  if (typeof custom === 'function') return custom.call(value);
  return `*${value.constructor?.name ?? 'object'}`;
}

/** Entries of a map-like value sorted by key as Go's fmtsort does (byte order of the UTF-8). */
export function mapEntries(value: unknown): [string, unknown][] | undefined {
  if (value instanceof GoMap) return value.sortedKeys().map((key) => [key, value.entries.get(key)]);
  if (value instanceof Map) {
    return [...value.entries()]
      .map(([key, v]) => [String(key), v] as [string, unknown])
      .sort((a, b) => compareUtf8(a[0], b[0]));
  }
  if (isPlainObject(value))
    return Object.keys(value)
      .sort(compareUtf8)
      .map((key) => [key, value[key]]);
  return undefined;
}

export function isMapLike(value: unknown): boolean {
  return value instanceof GoMap || value instanceof Map || isPlainObject(value);
}

/** Looks a key up in a map-like value: `found` false when absent. */
export function mapLookup(
  value: unknown,
  key: string,
): { found: boolean; value: unknown; zero: unknown } {
  if (value instanceof GoMap) {
    return { found: value.entries.has(key), value: value.entries.get(key), zero: value.zero };
  }
  if (value instanceof Map)
    return { found: value.has(key), value: value.get(key), zero: undefined };
  const record = value as Record<string, unknown>;
  const found = Object.prototype.hasOwnProperty.call(record, key);
  return { found, value: found ? record[key] : undefined, zero: undefined };
}

/** UTF-8 byte length, Go's len(string). */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
