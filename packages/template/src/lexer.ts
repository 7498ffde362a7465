// A port of Go 1.19's text/template/parse/lex.go: same token boundaries, same errors.
import { goQuoteString, goRuneU } from './go-quote.js';
export enum T {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  // Keywords come after all the rest.
  Keyword,
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

export interface Token {
  type: T;
  /** Offset in the input (UTF-16 code units). */
  pos: number;
  val: string;
  line: number;
}

const keywords: Record<string, T> = {
  '.': T.Dot,
  block: T.Block,
  break: T.Break,
  continue: T.Continue,
  define: T.Define,
  else: T.Else,
  end: T.End,
  if: T.If,
  range: T.Range,
  nil: T.Nil,
  template: T.Template,
  with: T.With,
};

export function tokenString(token: Token): string {
  if (token.type === T.EOF) return 'EOF';
  if (token.type === T.Error) return token.val;
  if (token.type > T.Keyword) return `<${token.val}>`;
  if ([...token.val].length > 10)
    return `${goQuoteString([...token.val].slice(0, 10).join(''))}...`;
  return goQuoteString(token.val);
}

const LEFT = '{{';
const RIGHT = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
const EOF_RUNE = -1;

const isSpace = (r: number): boolean => r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
const isAlphaNumeric = (r: number): boolean =>
  r === 0x5f || (r >= 0 && /[\p{L}\p{Nd}]/u.test(String.fromCodePoint(r)));
const hasLeftTrimMarker = (s: string): boolean =>
  s.length >= 2 && s[0] === '-' && isSpace(s.charCodeAt(1));
const hasRightTrimMarker = (s: string): boolean =>
  s.length >= 2 && isSpace(s.charCodeAt(0)) && s[1] === '-';
const SPACE_CHARS = /[ \t\r\n]+$/;
const LEADING_SPACE = /^[ \t\r\n]+/;

type State = ((l: Lexer) => State) | null;

class Lexer {
  pos = 0;
  start = 0;
  atEOF = false;
  parenDepth = 0;
  line = 1;
  startLine = 1;
  readonly items: Token[] = [];

  constructor(
    readonly input: string,
    readonly breakOK: boolean,
    readonly continueOK: boolean,
  ) {}

  next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF_RUNE;
    }
    const r = this.input.codePointAt(this.pos)!;
    this.pos += r > 0xffff ? 2 : 1;
    if (r === 0x0a) this.line++;
    return r;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const low = this.input.charCodeAt(this.pos - 1);
      const width = low >= 0xdc00 && low <= 0xdfff && this.pos >= 2 ? 2 : 1;
      this.pos -= width;
      if (low === 0x0a) this.line--;
    }
  }

  emit(type: T): void {
    this.items.push({
      type,
      pos: this.start,
      val: this.input.slice(this.start, this.pos),
      line: this.startLine,
    });
    this.start = this.pos;
    this.startLine = this.line;
  }

  ignore(): void {
    this.line += countNewlines(this.input.slice(this.start, this.pos));
    this.start = this.pos;
    this.startLine = this.line;
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF_RUNE && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF_RUNE || !valid.includes(String.fromCodePoint(r))) break;
    }
    this.backup();
  }

  errorf(message: string): State {
    this.items.push({ type: T.Error, pos: this.start, val: message, line: this.startLine });
    return null;
  }

  atRightDelim(): { delim: boolean; trimSpaces: boolean } {
    const rest = this.input.slice(this.pos);
    if (hasRightTrimMarker(rest) && rest.startsWith(RIGHT, 2))
      return { delim: true, trimSpaces: true };
    if (rest.startsWith(RIGHT)) return { delim: true, trimSpaces: false };
    return { delim: false, trimSpaces: false };
  }

  atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    if (r === EOF_RUNE) return true;
    if ('.,|:)('.includes(String.fromCodePoint(r))) return true;
    return this.input.startsWith(RIGHT, this.pos);
  }

  scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const lexText = (l: Lexer): State => {
  const x = l.input.indexOf(LEFT, l.pos);
  if (x >= 0) {
    l.pos = x;
    let trimLength = 0;
    if (hasLeftTrimMarker(l.input.slice(l.pos + LEFT.length))) {
      const match = SPACE_CHARS.exec(l.input.slice(l.start, l.pos));
      trimLength = match ? match[0].length : 0;
    }
    l.pos -= trimLength;
    if (l.pos > l.start) {
      l.line += countNewlines(l.input.slice(l.start, l.pos));
      l.emit(T.Text);
    }
    l.pos += trimLength;
    l.ignore();
    return lexLeftDelim;
  }
  l.pos = l.input.length;
  if (l.pos > l.start) {
    l.line += countNewlines(l.input.slice(l.start, l.pos));
    l.emit(T.Text);
  }
  l.emit(T.EOF);
  return null;
};

const lexLeftDelim = (l: Lexer): State => {
  l.pos += LEFT.length;
  const trimSpace = hasLeftTrimMarker(l.input.slice(l.pos));
  const afterMarker = trimSpace ? 2 : 0;
  if (l.input.startsWith(LEFT_COMMENT, l.pos + afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  l.emit(T.LeftDelim);
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return lexInsideAction;
};

const lexComment = (l: Lexer): State => {
  l.pos += LEFT_COMMENT.length;
  const i = l.input.indexOf(RIGHT_COMMENT, l.pos);
  if (i < 0) return l.errorf('unclosed comment');
  l.pos = i + RIGHT_COMMENT.length;
  const { delim, trimSpaces } = l.atRightDelim();
  if (!delim) return l.errorf('comment ends before closing delimiter');
  if (trimSpaces) l.pos += 2;
  l.pos += RIGHT.length;
  if (trimSpaces) l.pos += LEADING_SPACE.exec(l.input.slice(l.pos))?.[0].length ?? 0;
  l.ignore();
  return lexText;
};

const lexRightDelim = (l: Lexer): State => {
  const trimSpace = hasRightTrimMarker(l.input.slice(l.pos));
  if (trimSpace) {
    l.pos += 2;
    l.ignore();
  }
  l.pos += RIGHT.length;
  l.emit(T.RightDelim);
  if (trimSpace) {
    l.pos += LEADING_SPACE.exec(l.input.slice(l.pos))?.[0].length ?? 0;
    l.ignore();
  }
  return lexText;
};

const lexInsideAction = (l: Lexer): State => {
  if (l.atRightDelim().delim) {
    if (l.parenDepth === 0) return lexRightDelim;
    return l.errorf('unclosed left paren');
  }
  const r = l.next();
  if (r === EOF_RUNE) return l.errorf('unclosed action');
  if (isSpace(r)) {
    l.backup();
    return lexSpace;
  }
  const c = String.fromCodePoint(r);
  switch (c) {
    case '=':
      l.emit(T.Assign);
      return lexInsideAction;
    case ':':
      if (l.next() !== 0x3d) return l.errorf('expected :=');
      l.emit(T.Declare);
      return lexInsideAction;
    case '|':
      l.emit(T.Pipe);
      return lexInsideAction;
    case '"':
      return lexQuote;
    case '`':
      return lexRawQuote;
    case '$':
      return lexVariable;
    case "'":
      return lexChar;
    case '(':
      l.emit(T.LeftParen);
      l.parenDepth++;
      return lexInsideAction;
    case ')':
      l.emit(T.RightParen);
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf(`unexpected right paren ${goRuneU(r)}`);
      return lexInsideAction;
  }
  if (c === '.') {
    if (l.pos < l.input.length) {
      const next = l.input.charCodeAt(l.pos);
      if (next < 0x30 || next > 0x39) return lexField;
    }
  }
  if (c === '.' || c === '+' || c === '-' || (r >= 0x30 && r <= 0x39)) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier;
  }
  if (r <= 0x7f && r >= 0x20 && r !== 0x7f) {
    l.emit(T.Char);
    return lexInsideAction;
  }
  return l.errorf(`unrecognized character in action: ${goRuneU(r)}`);
};

const lexSpace = (l: Lexer): State => {
  let numSpaces = 0;
  while (isSpace(l.peek())) {
    l.next();
    numSpaces++;
  }
  if (hasRightTrimMarker(l.input.slice(l.pos - 1)) && l.input.startsWith(RIGHT, l.pos + 1)) {
    l.backup();
    if (numSpaces === 1) return lexRightDelim;
  }
  l.emit(T.Space);
  return lexInsideAction;
};

const lexIdentifier = (l: Lexer): State => {
  for (;;) {
    const r = l.next();
    if (isAlphaNumeric(r)) continue;
    l.backup();
    const word = l.input.slice(l.start, l.pos);
    if (!l.atTerminator()) return l.errorf(`bad character ${goRuneU(r)}`);
    const keyword = keywords[word];
    if (keyword !== undefined && keyword > T.Keyword) {
      if ((keyword === T.Break && !l.breakOK) || (keyword === T.Continue && !l.continueOK))
        l.emit(T.Identifier);
      else l.emit(keyword);
    } else if (word[0] === '.') l.emit(T.Field);
    else if (word === 'true' || word === 'false') l.emit(T.Bool);
    else l.emit(T.Identifier);
    return lexInsideAction;
  }
};

const lexField = (l: Lexer): State => lexFieldOrVariable(l, T.Field);

const lexVariable = (l: Lexer): State => {
  if (l.atTerminator()) {
    l.emit(T.Variable);
    return lexInsideAction;
  }
  return lexFieldOrVariable(l, T.Variable);
};

const lexFieldOrVariable = (l: Lexer, type: T): State => {
  if (l.atTerminator()) {
    l.emit(type === T.Variable ? T.Variable : T.Dot);
    return lexInsideAction;
  }
  let r: number;
  for (;;) {
    r = l.next();
    if (!isAlphaNumeric(r)) {
      l.backup();
      break;
    }
  }
  if (!l.atTerminator()) return l.errorf(`bad character ${goRuneU(r)}`);
  l.emit(type);
  return lexInsideAction;
};

const lexChar = (l: Lexer): State => {
  for (;;) {
    let r = l.next();
    if (r === 0x5c) {
      r = l.next();
      if (r !== EOF_RUNE && r !== 0x0a) continue;
      return l.errorf('unterminated character constant');
    }
    if (r === EOF_RUNE || r === 0x0a) return l.errorf('unterminated character constant');
    if (r === 0x27) break;
  }
  l.emit(T.CharConstant);
  return lexInsideAction;
};

const lexNumber = (l: Lexer): State => {
  if (!l.scanNumber())
    return l.errorf(`bad number syntax: ${goQuoteString(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === 0x2b || sign === 0x2d) {
    if (!l.scanNumber() || l.input[l.pos - 1] !== 'i')
      return l.errorf(`bad number syntax: ${goQuoteString(l.input.slice(l.start, l.pos))}`);
    l.emit(T.Complex);
  } else l.emit(T.Number);
  return lexInsideAction;
};

const lexQuote = (l: Lexer): State => {
  for (;;) {
    let r = l.next();
    if (r === 0x5c) {
      r = l.next();
      if (r !== EOF_RUNE && r !== 0x0a) continue;
      return l.errorf('unterminated quoted string');
    }
    if (r === EOF_RUNE || r === 0x0a) return l.errorf('unterminated quoted string');
    if (r === 0x22) break;
  }
  l.emit(T.String);
  return lexInsideAction;
};

const lexRawQuote = (l: Lexer): State => {
  for (;;) {
    const r = l.next();
    if (r === EOF_RUNE) return l.errorf('unterminated raw quoted string');
    if (r === 0x60) break;
  }
  l.emit(T.RawString);
  return lexInsideAction;
};

/** Scans the whole input; the token list ends with EOF or with an Error token. */
export function lex(input: string, options: { breakOK: boolean; continueOK: boolean }): Token[] {
  const l = new Lexer(input, options.breakOK, options.continueOK);
  for (let state: State = lexText; state !== null;) state = state(l);
  return l.items;
}
