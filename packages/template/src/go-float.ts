// Go's strconv float formatting ('e', 'f', 'g' with a precision or shortest), exact as Go rounds:
// the decimal expansion of a double is exact, and ties round half to even.

interface Decimal {
  /** Significant digits without trailing zeros ('' for zero). */
  d: string;
  /** Decimal point position: value = 0.d × 10^dp. */
  dp: number;
}

function exactDecimal(x: number): Decimal {
  // x > 0 and finite.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let exponent: number;
  if (exponentBits === 0) exponent = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  let digits: string;
  let dp: number;
  if (exponent >= 0) {
    digits = (mantissa << BigInt(exponent)).toString();
    dp = digits.length;
  } else {
    digits = (mantissa * 5n ** BigInt(-exponent)).toString();
    dp = digits.length + exponent;
  }
  return trim({ d: digits, dp });
}

function trim(dec: Decimal): Decimal {
  let d = dec.d.replace(/0+$/, '');
  let dp = dec.dp;
  const leading = /^0+/.exec(d)?.[0].length ?? 0;
  d = d.slice(leading);
  dp -= leading;
  if (d === '') dp = 0;
  return { d, dp };
}

/** Rounds to `nd` significant digits, ties to even (Go's decimal.Round). */
function round(dec: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= dec.d.length) return dec;
  const next = dec.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === dec.d.length)
    up = nd > 0 && (dec.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = next >= 5;
  if (!up) return trim({ d: dec.d.slice(0, nd), dp: dec.dp });
  const digits = dec.d.slice(0, nd).split('');
  let i = nd - 1;
  while (i >= 0 && digits[i] === '9') i--;
  if (i < 0) return { d: '1', dp: dec.dp + 1 };
  digits[i] = String.fromCharCode(digits[i]!.charCodeAt(0) + 1);
  return trim({ d: digits.slice(0, i + 1).join(''), dp: dec.dp });
}

function shortestDecimal(x: number): Decimal {
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  const d = mantissa.replace('.', '');
  return trim({ d, dp: Number(exponent) + 1 });
}

function digitAt(dec: Decimal, i: number): string {
  return i >= 0 && i < dec.d.length ? dec.d[i]! : '0';
}

function fmtE(dec: Decimal, prec: number, verb: 'e' | 'E'): string {
  let out = digitAt(dec, 0);
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(dec, i);
  }
  const exp = dec.d === '' ? 0 : dec.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  const abs = Math.abs(exp);
  return `${out}${verb}${sign}${abs < 10 ? `0${abs}` : abs}`;
}

function fmtF(dec: Decimal, prec: number): string {
  let out = '';
  if (dec.dp > 0) {
    for (let i = 0; i < dec.dp; i++) out += digitAt(dec, i);
  } else out = '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(dec, dec.dp + i - 1);
  }
  return out;
}

/** strconv.FormatFloat(x, fmt, prec, 64) for fmt in e E f F g G; prec -1 means shortest. */
export function formatFloat(
  x: number,
  format: 'e' | 'E' | 'f' | 'F' | 'g' | 'G',
  prec: number,
): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const negative = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  const shortest = prec < 0;
  let dec: Decimal;
  if (abs === 0) dec = { d: '', dp: 0 };
  else if (shortest) dec = shortestDecimal(abs);
  else dec = exactDecimal(abs);
  let body: string;
  const lower = format.toLowerCase();
  if (shortest) {
    if (lower === 'e') prec = Math.max(dec.d.length - 1, 0);
    else if (lower === 'f') prec = Math.max(dec.d.length - dec.dp, 0);
    else prec = dec.d.length;
  } else if (abs !== 0) {
    if (lower === 'e') dec = round(dec, prec + 1);
    else if (lower === 'f') dec = round(dec, dec.dp + prec);
    else {
      if (prec === 0) prec = 1;
      dec = round(dec, prec);
    }
  } else if (lower === 'g' && prec === 0) prec = 1;
  if (lower === 'e') body = fmtE(dec, prec, format === 'E' ? 'E' : 'e');
  else if (lower === 'f') body = fmtF(dec, prec);
  else {
    let eprec = prec;
    const nd = dec.d.length;
    if (eprec > nd && nd >= dec.dp) eprec = nd;
    if (shortest) eprec = 6;
    const exp = dec.dp - 1;
    if (exp < -4 || exp >= eprec) {
      if (prec > nd) prec = nd;
      body = fmtE(dec, prec - 1, format === 'G' ? 'E' : 'e');
    } else {
      if (prec > dec.dp) prec = nd;
      body = fmtF(dec, Math.max(prec - dec.dp, 0));
    }
  }
  return negative ? `-${body}` : body;
}

/** strconv.FormatFloat(x, 'x', -1, 64): `0x1.4p+01`. */
export function formatHexFloat(x: number, upper: boolean): string {
  let out: string;
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const negative = x < 0 || Object.is(x, -0);
  if (x === 0) out = '0x0p+00';
  else {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, Math.abs(x));
    const bits = view.getBigUint64(0);
    let exp = Number((bits >> 52n) & 0x7ffn);
    let mant = bits & 0xfffffffffffffn;
    if (exp === 0) {
      // Subnormal: normalize so the leading bit is the implicit one.
      exp = -1022;
      while ((mant & (1n << 52n)) === 0n) {
        mant <<= 1n;
        exp--;
      }
      mant &= 0xfffffffffffffn;
    } else exp -= 1023;
    const fraction = mant.toString(16).padStart(13, '0').replace(/0+$/, '');
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    out = `0x1${fraction ? `.${fraction}` : ''}p${sign}${abs < 10 ? `0${abs}` : abs}`;
  }
  if (upper) out = out.toUpperCase();
  return negative ? `-${out}` : out;
}

/** strconv.FormatFloat(x, 'b', -1, 64): decimal mantissa and binary exponent, `4503599627370496p-52`. */
export function formatBinaryFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  if (exp === 0) exp = 1;
  else mant |= 1n << 52n;
  exp -= 1075;
  return `${negative ? '-' : ''}${mant}p${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
}
