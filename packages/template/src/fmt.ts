// Go's fmt.Sprint, Sprintln and Sprintf over the value model in values.ts.
import { formatBinaryFloat, formatFloat, formatHexFloat } from './go-float.js';
import { goQuoteString, isGoPrint } from './go-quote.js';
import {
  GoMap,
  GoStruct,
  GoInteger,
  goMethod,
  goTypeName,
  isPlainObject,
  mapEntries,
} from './values.js';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  wid: number | undefined;
  prec: number | undefined;
  plusV: boolean;
  sharpV: boolean;
}

const noFlags = (): Flags => ({
  plus: false,
  minus: false,
  sharp: false,
  space: false,
  zero: false,
  wid: undefined,
  prec: undefined,
  plusV: false,
  sharpV: false,
});

const runeCount = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

function pad(text: string, f: Flags): string {
  if (f.wid === undefined || f.wid === 0) return text;
  const width = f.wid - runeCount(text);
  if (width <= 0) return text;
  if (f.minus) return text + ' '.repeat(width);
  return (f.zero ? '0' : ' ').repeat(width) + text;
}

function truncate(text: string, f: Flags): string {
  if (f.prec === undefined) return text;
  return [...text].slice(0, f.prec).join('');
}

function fmtString(text: string, verb: string, f: Flags): string | undefined {
  switch (verb) {
    case 'v':
      if (f.sharpV) return pad(goQuoteString(text), f);
      return pad(truncate(text, f), f);
    case 's':
      return pad(truncate(text, f), f);
    case 'q': {
      const t = truncate(text, f);
      if (f.sharp && canBackquote(t)) return pad(`\`${t}\``, f);
      return pad(f.plus ? asciiQuote(t) : goQuoteString(t), f);
    }
    case 'x':
    case 'X':
      return pad(hexBytes(Buffer.from(truncate(text, f), 'utf8'), verb, f), f);
  }
  return undefined;
}

/** strconv.CanBackquote: no backquote, no control characters other than tab, no BOM. */
function canBackquote(text: string): boolean {
  for (const char of text) {
    const r = char.codePointAt(0)!;
    if (char === '`' || r === 0xfeff || r === 0x7f || (r < 0x20 && r !== 0x09)) return false;
  }
  return true;
}

function asciiQuote(text: string): string {
  return goQuoteString(text).replace(/[\u0080-\u{10ffff}]/gu, (char) => {
    const r = char.codePointAt(0)!;
    return r <= 0xffff
      ? `\\u${r.toString(16).padStart(4, '0')}`
      : `\\U${r.toString(16).padStart(8, '0')}`;
  });
}

function hexBytes(bytes: Uint8Array, verb: string, f: Flags): string {
  const digits = verb === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = '';
  bytes.forEach((byte, i) => {
    if (f.space && i > 0) out += ' ';
    if (f.sharp && (f.space || i === 0)) out += verb === 'X' ? '0X' : '0x';
    out += digits[byte >> 4]! + digits[byte & 15]!;
  });
  return out;
}

function fmtInteger(value: bigint, base: number, verb: string, f: Flags): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  let prec = 0;
  if (f.prec !== undefined) {
    prec = f.prec;
    if (prec === 0 && abs === 0n) return pad('', { ...f, zero: false });
  } else if (f.zero && f.wid !== undefined && !f.minus) {
    prec = f.wid;
    if (negative || f.plus || f.space) prec--;
  }
  let digits = abs.toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
  if (f.sharp) {
    if (base === 2) digits = `0b${digits}`;
    else if (base === 8 && !digits.startsWith('0')) digits = `0${digits}`;
    else if (base === 16) digits = (verb === 'X' ? '0X' : '0x') + digits;
  }
  if (verb === 'O') digits = `0o${digits}`;
  if (negative) digits = `-${digits}`;
  else if (f.plus) digits = `+${digits}`;
  else if (f.space) digits = ` ${digits}`;
  return pad(digits, { ...f, zero: false });
}

function fmtIntegerVerb(value: bigint, verb: string, f: Flags): string | undefined {
  switch (verb) {
    case 'v':
    case 'd':
      return fmtInteger(value, 10, verb, f);
    case 'b':
      return fmtInteger(value, 2, verb, f);
    case 'o':
    case 'O':
      return fmtInteger(value, 8, verb, f);
    case 'x':
    case 'X':
      return fmtInteger(value, 16, verb, f);
    case 'c':
      return pad(validRune(value), f);
    case 'q':
      return pad(quoteRune(value), f);
    case 'U': {
      const hex = (value < 0n ? -value : value).toString(16).toUpperCase();
      let out = `U+${hex.padStart(Math.max(f.prec ?? 4, 4), '0')}`;
      if (f.sharp && value >= 0n && value <= 0x10ffffn && isGoPrint(Number(value)))
        out += ` '${validRune(value)}'`;
      return pad(out, { ...f, zero: false });
    }
  }
  return undefined;
}

function validRune(value: bigint): string {
  const r = Number(value);
  if (value < 0n || value > 0x10ffffn || (r >= 0xd800 && r <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(r);
}

function quoteRune(value: bigint): string {
  const char = validRune(value);
  if (char === "'") return "'\\''";
  if (char === '"') return `'"'`;
  return `'${goQuoteString(char).slice(1, -1)}'`;
}

function fmtFloatVerb(value: number, verb: string, f: Flags): string | undefined {
  let format: 'e' | 'E' | 'f' | 'F' | 'g' | 'G';
  let prec: number;
  switch (verb) {
    case 'v':
      [format, prec] = ['g', -1];
      break;
    case 'g':
    case 'G':
      [format, prec] = [verb, -1];
      break;
    case 'e':
    case 'E':
    case 'f':
    case 'F':
      [format, prec] = [verb, 6];
      break;
    case 'x':
    case 'X':
      if (f.prec !== undefined) return undefined;
      return signAndPad(formatHexFloat(value, verb === 'X'), f);
    case 'b':
      return signAndPad(formatBinaryFloat(value), f);
    default:
      return undefined;
  }
  if (f.prec !== undefined) prec = f.prec;
  let num = formatFloat(value, format === 'F' ? 'f' : format, prec);
  if (f.sharp && verb !== 'v') num = sharpFloat(num, format, prec);
  return signAndPad(num, f);
}

// fmt's sign, space and zero-padding rules for a formatted float.
function signAndPad(num: string, f: Flags): string {
  let signed = num.startsWith('-') || num.startsWith('+') ? num : `+${num}`;
  if (f.space && signed[0] === '+' && !f.plus) signed = ` ${signed.slice(1)}`;
  if (signed[1] === 'I' || signed[1] === 'N') {
    if (signed[1] === 'N' && !f.space && !f.plus) signed = signed.slice(1);
    return pad(signed, { ...f, zero: false });
  }
  if (f.plus || signed[0] !== '+') {
    if (f.zero && !f.minus && f.wid !== undefined && f.wid > signed.length) {
      return signed[0] + '0'.repeat(f.wid - signed.length) + signed.slice(1);
    }
    return pad(signed, f);
  }
  return pad(signed.slice(1), f);
}

// %#g keeps trailing zeros and %#e/%#f force a decimal point, as Go's fmt does.
function sharpFloat(num: string, format: string, prec: number): string {
  const [mantissa, exponent] = num.split(/(?=[eE])/) as [string, string | undefined];
  let m = mantissa;
  if (!m.includes('.')) m += '.';
  if (format === 'g' || format === 'G') {
    const digits = prec === -1 ? 6 : prec === 0 ? 1 : prec;
    const significant = m.replace(/^[-+]?0*\.?0*/, '').replace('.', '').length;
    if (significant < digits) m += '0'.repeat(digits - significant);
  }
  return m + (exponent ?? '');
}

/** Formats one operand with one verb, as fmt's printArg does. */
export function formatValue(value: unknown, verb: string, f: Flags = noFlags(), depth = 0): string {
  if (verb === 'T') return pad(goTypeName(value), f);
  if (value === undefined || value === null) {
    // A nil inside a slice or map prints as <nil> whatever the verb, unpadded (fmt's printValue).
    if (depth > 0) return '<nil>';
    return verb === 'v' ? pad('<nil>', f) : badVerb(value, verb, f);
  }
  // Stringer (Go's String() method) for the verbs that print strings.
  if ('vsxXq'.includes(verb) && !f.sharpV) {
    const stringer = goMethod(value, 'String');
    if (stringer && !(value instanceof GoMap)) {
      const text = stringer.call(value);
      if (typeof text === 'string') return fmtString(text, verb, f)!;
    }
  }
  if (value instanceof GoInteger)
    return fmtIntegerVerb(value.value, verb, f) ?? badVerb(value, verb, f);
  switch (typeof value) {
    case 'boolean':
      return verb === 'v' || verb === 't' ? pad(String(value), f) : badVerb(value, verb, f);
    case 'bigint':
      return fmtIntegerVerb(value, verb, f) ?? badVerb(value, verb, f);
    case 'number':
      return fmtFloatVerb(value, verb, f) ?? badVerb(value, verb, f);
    case 'string':
      return fmtString(value, verb, f) ?? badVerb(value, verb, f);
    case 'function':
      return verb === 'v' || verb === 'p' ? pad('0x1', f) : badVerb(value, verb, f);
  }
  if (value instanceof Uint8Array) {
    if (verb === 's' || verb === 'q' || verb === 'x' || verb === 'X')
      return formatValue(Buffer.from(value).toString('utf8'), verb, f, depth);
    return `[${[...value].map((b) => formatValue(BigInt(b), verb, f, depth + 1)).join(' ')}]`;
  }
  if (f.sharpV && verb === 'v') {
    const goSyntax = goSyntaxComposite(value, f, depth);
    if (goSyntax !== undefined) return goSyntax;
  }
  if (Array.isArray(value)) {
    return `[${value.map((element) => formatValue(element, verb, f, depth + 1)).join(' ')}]`;
  }
  const entries = mapEntries(value);
  if (entries) {
    const inner = entries
      .map(
        ([key, v]) =>
          `${formatValue(key, verb, f, depth + 1)}:${formatValue(v, verb, f, depth + 1)}`,
      )
      .join(' ');
    return `map[${inner}]`;
  }
  if (value instanceof GoStruct) {
    const record = value as unknown as Record<string, unknown>;
    const parts = value.goFields().map((field) => {
      const text = formatValue(record[field], verb, f, depth + 1);
      return f.plusV ? `${field}:${text}` : text;
    });
    return `{${parts.join(' ')}}`;
  }
  if (isPlainObject(value)) return badVerb(value, verb, f);
  return pad(String(value), f);
}

// %#v of slices, maps and structs: Go syntax, `[]interface {}{1, "a"}`, `map[string]interface {}{"k":1}`.
function goSyntaxComposite(value: unknown, f: Flags, depth: number): string | undefined {
  const element = (v: unknown): string =>
    v === undefined || v === null ? 'interface {}(nil)' : formatValue(v, 'v', f, depth + 1);
  if (Array.isArray(value)) return `${goTypeName(value)}{${value.map(element).join(', ')}}`;
  const entries = mapEntries(value);
  if (entries) {
    const inner = entries.map(([key, v]) => `${formatValue(key, 'v', f, depth + 1)}:${element(v)}`);
    return `${goTypeName(value)}{${inner.join(', ')}}`;
  }
  if (value instanceof GoStruct) {
    const record = value as unknown as Record<string, unknown>;
    const parts = value.goFields().map((field) => `${field}:${element(record[field])}`);
    return `${value.goType()}{${parts.join(', ')}}`;
  }
  return undefined;
}

// fmt's badVerb: the value is printed with %v and the same flags, width and precision.
function badVerb(value: unknown, verb: string, f: Flags = noFlags()): string {
  if (value === undefined || value === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(value)}=${formatValue(value, 'v', f)})`;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(arg, 'v');
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands and a newline at the end. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map((arg) => formatValue(arg, 'v')).join(' ')}\n`;
}

/** fmt.Sprintf with Go's verbs, flags, width and precision (including `*`) and its error forms. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let i = 0;
  const end = format.length;
  while (i < end) {
    const percent = format.indexOf('%', i);
    if (percent < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    i = percent + 1;
    const f = noFlags();
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    // Width.
    if (format[i] === '*') {
      i++;
      const arg = args[argNum++];
      if (typeof arg === 'bigint' && arg <= 1000000n && arg >= -1000000n) {
        f.wid = Number(arg);
        if (f.wid < 0) {
          f.minus = true;
          f.zero = false;
          f.wid = -f.wid;
        }
      } else {
        out += '%!(BADWIDTH)';
      }
    } else {
      const match = /^\d+/.exec(format.slice(i));
      if (match) {
        f.wid = Number(match[0]);
        i += match[0].length;
      }
    }
    // Precision.
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const arg = args[argNum++];
        if (typeof arg === 'bigint' && arg >= 0n && arg <= 1000000n) f.prec = Number(arg);
        else {
          out += '%!(BADPREC)';
        }
      } else {
        const match = /^\d+/.exec(format.slice(i));
        f.prec = match ? Number(match[0]) : 0;
        if (match) i += match[0].length;
      }
    }
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === 'v') {
      if (f.sharp) {
        f.sharp = false;
        f.sharpV = true;
      }
      if (f.plus) {
        f.plus = false;
        f.plusV = true;
      }
    }
    out += formatValue(args[argNum++], verb, f);
  }
  if (argNum < args.length) {
    const extra = args
      .slice(argNum)
      .map((arg) =>
        arg === undefined || arg === null ? '<nil>' : `${goTypeName(arg)}=${formatValue(arg, 'v')}`,
      );
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
