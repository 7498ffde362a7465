// Go's `%#U` and strconv.Quote, for messages and `%q`.

/** Go's `%#U`: `U+0041 'A'`. */
export function goRuneU(r: number): string {
  const hex = r.toString(16).toUpperCase().padStart(4, '0');
  const printable =
    r >= 0x20 && r !== 0x7f && !(r >= 0x80 && r < 0xa0) && /\P{C}/u.test(String.fromCodePoint(r));
  return printable ? `U+${hex} '${String.fromCodePoint(r)}'` : `U+${hex}`;
}

/** Go's strconv.Quote (`%q` of a string): printable runes kept, others escaped. */
export function goQuoteString(text: string): string {
  let out = '"';
  for (const char of text) {
    const r = char.codePointAt(0)!;
    switch (char) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (r >= 0xd800 && r <= 0xdfff) out += '\\ufffd';
    else if (isGoPrint(r)) out += char;
    else if (r < 0x80) out += `\\x${r.toString(16).padStart(2, '0')}`;
    else if (r <= 0xffff) out += `\\u${r.toString(16).padStart(4, '0')}`;
    else out += `\\U${r.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** Go's unicode.IsPrint, close enough: letters, marks, numbers, punctuation, symbols and U+0020. */
export function isGoPrint(r: number): boolean {
  if (r === 0x20) return true;
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(r));
}
