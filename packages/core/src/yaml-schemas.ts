// Zod schemas for settings read from YAML the way Alertmanager reads them. Go's yaml.v2 decodes a
// scalar by the type of the field it lands in (decode.go, resolve.go): `1.10` is the text "1.10"
// in a string field, `yes` is true in a bool field and `0x10` is 16 in an int field. `parseConfig`
// with `scalars: 'source'` hands every scalar over as its text; these schemas give it its type.
// Real booleans and numbers are accepted too, for configurations built in code. YAML null gives
// the field's zero value (false, 0, ''), as in Go; where null means "not set" (Go's pointer
// fields), turn it into `undefined` before these schemas see it.
import { z } from 'zod';

// yaml.v2's resolve table: the YAML 1.1 boolean words, in these spellings only.
const trueWords = new Set('y Y yes Yes YES true True TRUE on On ON'.split(' '));
const falseWords = new Set('n N no No NO false False FALSE off Off OFF'.split(' '));

const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;

/** A number as yaml.v2 resolves a plain scalar: an integer (int64 or uint64) or a float64. */
export type YamlNumber = { kind: 'int'; value: bigint } | { kind: 'float'; value: number };

// Go's strconv.ParseInt(text, 0, 64) and ParseUint(text, 0, 64) together, on text whose
// underscores are already removed: sign, then 0x/0o/0b, a leading 0 (octal) or decimal digits.
function parseGoInteger(text: string): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(
    text,
  );
  if (!match) return undefined;
  const [, sign, digits] = match as unknown as [string, string, string];
  // BigInt reads 0x, 0o and 0b itself; a leading 0 is octal in Go.
  const magnitude = BigInt(/^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits);
  const value = sign === '-' ? -magnitude : magnitude;
  if (sign === '' && value > MAX_INT64) return value <= MAX_UINT64 ? value : undefined;
  return value >= MIN_INT64 && value <= MAX_INT64 ? value : undefined;
}

/**
 * How yaml.v2 resolves a plain scalar to a number, or `undefined` when it resolves to anything
 * else (a string, a boolean, null, a timestamp). Integers may be written in decimal, `0x` hex,
 * `0o` or leading-`0` octal and `0b` binary, with a sign and `_` anywhere after the first
 * character; floats as `1.5`, `1e3`, `.5`, `.inf`, `-.inf` or `.nan`. A float beyond float64's
 * range is not a number (Go's ParseFloat fails on it, so yaml.v2 keeps the text).
 */
export function resolveYamlNumber(text: string): YamlNumber | undefined {
  const first = text[0];
  if (first === undefined) return undefined;
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) {
    return { kind: 'float', value: text.startsWith('-') ? -Infinity : Infinity };
  }
  if (/^\.(nan|NaN|NAN)$/.test(text)) return { kind: 'float', value: Number.NaN };
  // The first character decides whether yaml.v2 tries a number at all; only then are underscores
  // dropped, and not before a leading `.`.
  if (first === '.') return finiteFloat(/^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(text), text);
  if (!/[-+0-9]/.test(first)) return undefined;
  const plain = text.replaceAll('_', '');
  const integer = parseGoInteger(plain);
  if (integer !== undefined) return { kind: 'int', value: integer };
  const isFloat = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(plain);
  return finiteFloat(isFloat, plain);
}

function finiteFloat(syntax: boolean, text: string): YamlNumber | undefined {
  const value = syntax ? Number(text) : Number.NaN;
  return Number.isFinite(value) ? { kind: 'float', value } : undefined;
}

function decodeBoolean(value: unknown): unknown {
  if (value === null) return false;
  if (typeof value !== 'string') return value;
  if (trueWords.has(value)) return true;
  if (falseWords.has(value)) return false;
  return value;
}

// Into a Go int or uint field: integers as they are, floats truncated toward zero as Go converts
// them. Beyond 2^53 the result is the nearest double.
function decodeInteger(value: unknown): unknown {
  if (value === null) return 0;
  if (typeof value !== 'string') return value;
  const number = resolveYamlNumber(value);
  if (number === undefined) return value;
  if (number.kind === 'int') return Number(number.value);
  return Number.isFinite(number.value) ? Math.trunc(number.value) || 0 : value;
}

function decodeNumber(value: unknown): unknown {
  if (value === null) return 0;
  if (typeof value !== 'string') return value;
  const number = resolveYamlNumber(value);
  if (number === undefined) return value;
  return number.kind === 'int' ? Number(number.value) : number.value;
}

function decodeString(value: unknown): unknown {
  if (value === null) return '';
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
    ? String(value)
    : value;
}

type Decoded<Input, T extends z.ZodType> = z.ZodPreprocess<T, Input>;

/**
 * A Go `bool` field: `true`/`false` and the YAML 1.1 words yaml.v2 accepts (`yes`/`no`,
 * `on`/`off`, `y`/`n`), each in lower case, capitalized or upper case (`Yes`, `YES`); null is
 * false. Anything else, e.g. `maybe` or `1`, fails as `schema` (default `z.boolean()`) rejects it:
 * `expected a boolean, got "maybe"`.
 */
export function yamlBoolean(): Decoded<boolean | string, z.ZodBoolean>;
export function yamlBoolean<T extends z.ZodType>(schema: T): Decoded<boolean | string, T>;
export function yamlBoolean(schema: z.ZodType = z.boolean()) {
  return z.preprocess<unknown, z.ZodType, boolean | string>(decodeBoolean, schema);
}

/**
 * A Go integer field (`int`, `uint64`, …): numbers as they are, and text that yaml.v2 reads as a
 * number (see {@link resolveYamlNumber}), a float being truncated toward zero as Go does
 * (`1.9` gives 1); null is 0. `schema` (default `z.number().int()`) checks the result: bounds,
 * messages. Other text reaches `schema` unchanged, which rejects it.
 */
export function yamlInt(): Decoded<number | string, z.ZodNumber>;
export function yamlInt<T extends z.ZodType>(schema: T): Decoded<number | string, T>;
export function yamlInt(schema: z.ZodType = z.number().int()) {
  return z.preprocess<unknown, z.ZodType, number | string>(decodeInteger, schema);
}

/**
 * A Go `float64` field: numbers as they are, and text that yaml.v2 reads as a number (see
 * {@link resolveYamlNumber}); null is 0. `schema` (default `z.number()`, which refuses `.inf` and
 * `.nan`) checks the result.
 */
export function yamlNumber(): Decoded<number | string, z.ZodNumber>;
export function yamlNumber<T extends z.ZodType>(schema: T): Decoded<number | string, T>;
export function yamlNumber(schema: z.ZodType = z.number()) {
  return z.preprocess<unknown, z.ZodType, number | string>(decodeNumber, schema);
}

/**
 * A Go `string` field. Read with `scalars: 'source'`, a scalar is already its text as written
 * (`1.10`, `0500`, `True`); a number or boolean — from YAML 1.2 decoding or a configuration built
 * in code — is turned into text with `String()`; null is `''`. `schema` (default `z.string()`)
 * checks the result.
 */
export function yamlString(): Decoded<string | number | boolean, z.ZodString>;
export function yamlString<T extends z.ZodType>(schema: T): Decoded<string | number | boolean, T>;
export function yamlString(schema: z.ZodType = z.string()) {
  return z.preprocess<unknown, z.ZodType, string | number | boolean>(decodeString, schema);
}

/**
 * An optional field as Alertmanager reads it: an absent key and `key:` (YAML null) are both
 * undefined; anything else is checked by `schema`.
 */
export function yamlOptional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}
