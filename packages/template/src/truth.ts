import { GoInteger, isMapLike, mapEntries } from './values.js';

/** Go's template.IsTrue: [truth, ok]; ok is false for values that have no truth (none here). */
export function isTrue(value: unknown): [boolean, boolean] {
  if (value === undefined || value === null) return [false, true];
  switch (typeof value) {
    case 'boolean':
      return [value, true];
    case 'string':
      return [value.length > 0, true];
    case 'bigint':
      return [value !== 0n, true];
    case 'number':
      return [value !== 0, true];
    case 'function':
      return [true, true];
  }
  if (value instanceof GoInteger) return [value.value !== 0n, true];
  if (Array.isArray(value) || value instanceof Uint8Array) return [value.length > 0, true];
  if (isMapLike(value)) return [mapEntries(value)!.length > 0, true];
  return [true, true];
}

/** The `and` and `or` builtins are evaluated lazily by the executor; these are their identities. */
export function andFunc(...args: unknown[]): unknown {
  return args.find((arg) => !isTrue(arg)[0]) ?? args[args.length - 1];
}
export function orFunc(...args: unknown[]): unknown {
  return args.find((arg) => isTrue(arg)[0]) ?? args[args.length - 1];
}
