// Number literals as Go's parser reads them (strconv.ParseInt/ParseUint base 0, ParseFloat).

const UNDERSCORE_OK = /^[+-]?(0[xXoObB]_?)?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/;

/** strconv.ParseInt/ParseUint with base 0 (prefixes 0x 0o 0b, leading-0 octal, `_` separators). */
export function parseGoInt(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  let base = 10;
  let digits = s;
  if (/^0[xX]/.test(s)) [base, digits] = [16, s.slice(2)];
  else if (/^0[oO]/.test(s)) [base, digits] = [8, s.slice(2)];
  else if (/^0[bB]/.test(s)) [base, digits] = [2, s.slice(2)];
  else if (/^0[0-9_]/.test(s)) [base, digits] = [8, s.slice(1)];
  if (s.includes('_') && !UNDERSCORE_OK.test(s.replace(/^0(?=[0-7_])/, '0o'))) return undefined;
  digits = digits.replace(/^_/, '').replaceAll('_', '');
  if (digits === '') return base === 8 && s.length > 0 && !/^0[oO]/.test(s) ? 0n : undefined;
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[
    base as 2 | 8 | 10 | 16
  ];
  if (!valid.test(digits)) return undefined;
  const prefix = { 2: '0b', 8: '0o', 10: '', 16: '0x' }[base as 2 | 8 | 10 | 16];
  const value = BigInt(prefix + digits);
  return negative ? -value : value;
}

/** strconv.ParseFloat(text, 64) for the forms the lexer lets through (decimal and hex floats). */
export function parseGoFloat(text: string): number | undefined {
  let s = text.replaceAll('_', '');
  let sign = 1;
  if (s.startsWith('+') || s.startsWith('-')) {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  const hex = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s);
  if (hex) {
    const [, whole = '', fraction = '', exponent = '0'] = hex;
    if (whole + fraction === '') return undefined;
    const mantissa = BigInt(`0x${whole}${fraction}` === '0x' ? '0' : `0x${whole}${fraction}`);
    return sign * Number(mantissa) * 2 ** (Number(exponent) - 4 * fraction.length);
  }
  if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return sign * Number(s);
}
