// Go 1.19's builtin template functions (text/template/funcs.go).
import { compareUtf8 } from '@phoenix-alerting/core';
import { andFunc, isTrue, orFunc } from './truth.js';
import { formatValue, sprint, sprintf, sprintln } from './fmt.js';
import { goFunc, specOf } from './func-spec.js';
import type { GoFuncSpec, StaticTypes } from './func-spec.js';
import { isGoPrint } from './go-quote.js';
import {
  GoMap,
  GoInteger,
  byteLength,
  goTypeName,
  isMapLike,
  mapEntries,
  mapLookup,
} from './values.js';

type Kind = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'invalid';

function basicKind(value: unknown): Kind {
  if (value instanceof GoInteger) return value.kind;
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
  }
  return 'invalid';
}

/** Go's reflect.Kind of a non-basic value, for eq's comparability rules. */
function reflectKind(value: unknown): string {
  if (Array.isArray(value) || value instanceof Uint8Array) return 'slice';
  if (isMapLike(value)) return 'map';
  if (typeof value === 'function') return 'func';
  return 'struct';
}

const intValue = (value: unknown): bigint =>
  value instanceof GoInteger ? value.value : (value as bigint);

const isNilish = (value: unknown): boolean => value === undefined || value === null;

function eq(arg1: unknown, ...arg2: unknown[]): boolean {
  if (arg2.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of arg2) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      // Go compares int with uint by value; any other mix is an error unless one side is nil.
      if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int'))
        truth = intValue(arg1) === intValue(arg);
      else if (!isNilish(arg1) && !isNilish(arg))
        throw new Error('incompatible types for comparison');
    } else if (k1 === 'uint' || k1 === 'int') {
      truth = intValue(arg1) === intValue(arg);
    } else if (k1 !== 'invalid') {
      truth = arg1 === arg;
    } else if (isNilish(arg1) || isNilish(arg)) {
      truth = isNilish(arg1) === isNilish(arg);
    } else {
      // Go formats the first operand with %s here, so numbers inside it print as %!s(float64=1).
      if (reflectKind(arg1) !== reflectKind(arg)) {
        throw new Error(
          `non-comparable types ${formatValue(arg1, 's')}: ${goTypeName(arg1)}, ${goTypeName(arg)}: ${formatValue(arg, 'v')}`,
        );
      }
      if (Array.isArray(arg) || isMapLike(arg) || typeof arg === 'function') {
        throw new Error(`non-comparable type ${formatValue(arg, 's')}: ${goTypeName(arg)}`);
      }
      truth = arg1 === arg;
    }
    if (truth) return true;
  }
  return false;
}

function lt(arg1: unknown, arg2: unknown): boolean {
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new Error('invalid type for comparison');
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new Error('invalid type for comparison');
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int'))
      return intValue(arg1) < intValue(arg2);
    throw new Error('incompatible types for comparison');
  }
  switch (k1) {
    case 'int':
    case 'uint':
      return intValue(arg1) < intValue(arg2);
    case 'bool':
      throw new Error('invalid type for comparison');
    case 'string':
      return compareUtf8(arg1 as string, arg2 as string) < 0;
    default:
      return (arg1 as number) < (arg2 as number);
  }
}

function le(arg1: unknown, arg2: unknown): boolean {
  return lt(arg1, arg2) || eq(arg1, arg2);
}

function indexArg(index: unknown, cap: number, staticType?: string): number {
  if (index === undefined || (index === null && staticType === undefined)) {
    throw new Error('cannot index slice/array with nil');
  }
  if (index instanceof GoInteger) index = index.value;
  if (typeof index !== 'bigint') {
    throw new Error(`cannot index slice/array with type ${staticType ?? goTypeName(index)}`);
  }
  if (index < 0n || index > BigInt(cap)) throw new Error(`index out of range: ${index}`);
  return Number(index);
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (isNilish(item)) throw new Error('index of untyped nil');
  for (const key of indexes) {
    if (isNilish(item)) throw new Error('index of nil pointer');
    if (typeof item === 'string') {
      const bytes = Buffer.from(item, 'utf8');
      const x = indexArg(key, bytes.length);
      if (x === bytes.length) throw new Error('reflect: string index out of range');
      item = new GoInteger(BigInt(bytes[x]!), 'uint8');
    } else if (Array.isArray(item)) {
      const x = indexArg(key, item.length);
      if (x === item.length) throw new Error('reflect: slice index out of range');
      item = item[x];
    } else if (isMapLike(item)) {
      if (typeof key !== 'string') {
        throw new Error(
          isNilish(key)
            ? 'value is nil; should be of type string'
            : `value has type ${goTypeName(key)}; should be string`,
        );
      }
      const entry = mapLookup(item, key);
      item = entry.found ? entry.value : item instanceof GoMap ? item.zero : null;
    } else {
      throw new Error(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function slice(this: StaticTypes | undefined, item: unknown, ...indexes: unknown[]): unknown {
  if (isNilish(item)) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let length: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    length = byteLength(item);
  } else if (Array.isArray(item)) length = item.length;
  else throw new Error(`can't slice item of type ${goTypeName(item)}`);
  const idx = [0, length, length];
  indexes.forEach((key, i) => {
    // slice does not unwrap its index arguments: one read from a map[string]interface{} keeps
    // Go's static type interface {} in the error.
    idx[i] = indexArg(key, length, this?.staticTypes[i + 1]);
  });
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!)
    throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof item === 'string')
    return Buffer.from(item, 'utf8').subarray(idx[0], idx[1]).toString('utf8');
  return item.slice(idx[0], idx[1]);
}

function length(item: unknown): bigint {
  if (isNilish(item)) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (typeof item === 'string') return BigInt(byteLength(item));
  if (Array.isArray(item) || item instanceof Uint8Array) return BigInt(item.length);
  if (isMapLike(item)) return BigInt(mapEntries(item)!.length);
  throw new Error(`len of type ${goTypeName(item)}`);
}

function call(fn: unknown, ...args: unknown[]): unknown {
  if (isNilish(fn)) throw new Error('call of nil');
  if (typeof fn !== 'function') throw new Error(`non-function of type ${goTypeName(fn)}`);
  const spec = specOf(fn as (...a: unknown[]) => unknown);
  if (spec.variadic ? args.length < spec.params.length : args.length !== spec.params.length) {
    throw new Error(`wrong number of args: got ${args.length} want ${spec.params.length}`);
  }
  return spec.fn(...args);
}

/** Go's evalArgs: one string argument as it is, otherwise fmt.Sprint with `<no value>` for missing ones. */
export function evalArgs(args: readonly unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((arg) => (arg === undefined || arg === null ? '<no value>' : arg)));
}

export function htmlEscapeString(text: string): string {
  return text.replace(
    /["'&<>\0]/g,
    (c) =>
      ({ '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\uFFFD' })[c]!,
  );
}

export function jsEscapeString(text: string): string {
  let out = '';
  for (const char of text) {
    const r = char.codePointAt(0)!;
    switch (char) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (r < 0x20) out += `\\u00${r.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (r < 0x80 || isGoPrint(r)) out += char;
    else out += `\\u${r.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** Go's url.QueryEscape. */
export function queryEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function withStaticTypes(spec: GoFuncSpec): GoFuncSpec {
  spec.staticTypes = true;
  return spec;
}

/** The builtins, with their Go signatures. */
export function builtinFuncs(): Record<string, GoFuncSpec> {
  return {
    and: goFunc(['any'], andFunc, 'any'),
    or: goFunc(['any'], orFunc, 'any'),
    not: goFunc(['any'], (arg: unknown) => !isTrue(arg)[0]),
    call: goFunc(['any'], call, 'any'),
    html: goFunc([], (...args: unknown[]) => htmlEscapeString(evalArgs(args)), 'any'),
    js: goFunc([], (...args: unknown[]) => jsEscapeString(evalArgs(args)), 'any'),
    urlquery: goFunc([], (...args: unknown[]) => queryEscape(evalArgs(args)), 'any'),
    index: goFunc(['any'], index, 'any'),
    slice: withStaticTypes(goFunc(['any'], slice, 'any')),
    len: goFunc(['any'], length),
    print: goFunc([], (...args: unknown[]) => sprint(args), 'any'),
    printf: goFunc(
      ['string'],
      (format: string, ...args: unknown[]) => sprintf(format, args),
      'any',
    ),
    println: goFunc([], (...args: unknown[]) => sprintln(args), 'any'),
    eq: goFunc(['any'], eq, 'any'),
    ne: goFunc(['any', 'any'], (a: unknown, b: unknown) => !eq(a, b)),
    lt: goFunc(['any', 'any'], lt),
    le: goFunc(['any', 'any'], le),
    gt: goFunc(['any', 'any'], (a: unknown, b: unknown) => !le(a, b)),
    ge: goFunc(['any', 'any'], (a: unknown, b: unknown) => !lt(a, b)),
  };
}
