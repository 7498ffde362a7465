// Go's strconv.Unquote and UnquoteChar, for string and character literals in templates.
const SIMPLE: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

function syntax(): Error {
  return new Error('invalid syntax');
}

/** Decodes one (possibly escaped) character at the start of `s`; returns the rune and the rest. */
export function unquoteChar(s: string, quote: string): [number, string] {
  const first = s.codePointAt(0);
  if (first === undefined) throw syntax();
  const c = String.fromCodePoint(first);
  if (c === quote && (quote === "'" || quote === '"')) throw syntax();
  if (c !== '\\') return [first, s.slice(c.length)];
  if (s.length <= 1) throw syntax();
  const e = s[1]!;
  let rest = s.slice(2);
  if (e in SIMPLE) return [SIMPLE[e]!, rest];
  switch (e) {
    case 'x':
    case 'u':
    case 'U': {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = rest.slice(0, n);
      if (hex.length < n || !/^[0-9a-fA-F]+$/.test(hex)) throw syntax();
      const value = parseInt(hex, 16);
      rest = rest.slice(n);
      if (e === 'x') return [value, rest];
      if (value > 0x10ffff || (value >= 0xd800 && value < 0xe000)) throw syntax();
      return [value, rest];
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      const oct = s.slice(1, 4);
      if (!/^[0-7]{3}$/.test(oct)) throw syntax();
      const value = parseInt(oct, 8);
      if (value > 255) throw syntax();
      return [value, s.slice(4)];
    }
    case "'":
    case '"':
      if (e !== quote) throw syntax();
      return [e.charCodeAt(0), rest];
    default:
      throw syntax();
  }
}

/**
 * Go's strconv.Unquote for "…" and `…` literals. `\x` and octal escapes produce bytes in Go; here
 * a lone byte ≥ 0x80 becomes the code point of the same value (templates rarely use them).
 */
export function unquoteGo(quoted: string): string {
  if (quoted.length < 2) throw syntax();
  const quote = quoted[0]!;
  if (quote !== quoted[quoted.length - 1]) throw syntax();
  const body = quoted.slice(1, -1);
  if (quote === '`') {
    if (body.includes('`')) throw syntax();
    return body.replaceAll('\r', '');
  }
  if (quote !== '"' && quote !== "'") throw syntax();
  if (body.includes('\n')) throw syntax();
  let out = '';
  let rest = body;
  while (rest.length > 0) {
    const [rune, tail] = unquoteChar(rest, quote);
    out += String.fromCodePoint(rune);
    rest = tail;
  }
  return out;
}
