// A port of Go 1.19's text/template/parse/parse.go: same grammar, same error messages.
import { TemplateError } from './errors.js';
import { lex, T, tokenString } from './lexer.js';
import type { Token } from './lexer.js';
import type {
  BranchNode,
  CommandNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  Source,
  TemplateNode,
  VariableNode,
} from './nodes.js';
import { isEmptyTree, nodeString } from './nodes.js';
import { parseGoFloat, parseGoInt } from './parse-number.js';
import { unquoteChar, unquoteGo } from './unquote.js';

/** Whether `text` parses to an empty tree (only whitespace and comments): Go's IsEmptyTree. */
export function isEmptyTemplateText(text: string): boolean {
  return lex(text, { breakOK: true, continueOK: true }).every(
    (token) =>
      token.type === T.EOF ||
      (token.type === T.Text && !/[^\t\n\v\f\r \u0085\u00a0]/.test(token.val)),
  );
}

/** One parsed template: its name and body. */
export interface Tree {
  name: string;
  root: ListNode;
}

class ParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number | undefined,
  ) {
    super(message);
  }
}

/**
 * Parses `text` (named `name`) into its trees: `name` itself plus every `define`/`block`.
 * `hasFunction` answers whether an identifier is a known function.
 */
export function parseTemplate(
  name: string,
  text: string,
  hasFunction: (name: string) => boolean,
): Map<string, Tree> {
  const tokens = lex(text, {
    breakOK: !hasFunction('break'),
    continueOK: !hasFunction('continue'),
  });
  const src: Source = { parseName: name, text };
  const treeSet = new Map<string, Tree>();
  const parser = new Parser(tokens, src, hasFunction, treeSet);
  try {
    parser.parseTop(name);
  } catch (error) {
    if (error instanceof ParseError) {
      throw new TemplateError(error.message, {
        phase: 'parse',
        templateName: name,
        line: error.line,
        ...(error.column !== undefined ? { column: error.column } : {}),
      });
    }
    throw error;
  }
  return treeSet;
}

class Parser {
  private index = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;
  private lastToken: Token;
  private furthest = -1;

  constructor(
    private readonly tokens: Token[],
    private readonly src: Source,
    private readonly hasFunction: (name: string) => boolean,
    private readonly treeSet: Map<string, Tree>,
  ) {
    this.lastToken = tokens[0]!;
  }

  // ---- token stream -------------------------------------------------------------------------
  next(): Token {
    const token = this.at(this.index);
    this.index++;
    return token;
  }
  // Errors report the line of the furthest token read (peeked or not), as Go's parser does.
  private at(index: number): Token {
    const token = this.tokens[Math.min(index, this.tokens.length - 1)]!;
    if (index >= this.furthest) {
      this.furthest = index;
      this.lastToken = token;
    }
    return token;
  }
  backup(count = 1): void {
    this.index -= count;
  }
  peek(): Token {
    return this.at(this.index);
  }
  nextNonSpace(): Token {
    let token: Token;
    do token = this.next();
    while (token.type === T.Space);
    return token;
  }
  peekNonSpace(): Token {
    const token = this.nextNonSpace();
    this.backup();
    // Spaces consumed before it stay consumed, as in Go (backup() only returns the last token).
    return token;
  }

  // ---- errors ---------------------------------------------------------------------------------
  errorf(message: string): never {
    const token = this.lastToken;
    throw new ParseError(
      `template: ${this.src.parseName}:${token.line}: ${message}`,
      token.line,
      this.column(token.pos),
    );
  }
  column(pos: number): number {
    const text = this.src.text.slice(0, pos);
    const lastNewline = text.lastIndexOf('\n');
    return Buffer.byteLength(lastNewline < 0 ? text : text.slice(lastNewline + 1), 'utf8');
  }
  unexpected(token: Token, context: string): never {
    if (token.type === T.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.src.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${tokenString(token)}${extra}`);
    }
    this.errorf(`unexpected ${tokenString(token)} in ${context}`);
  }
  expect(expected: T, context: string): Token {
    const token = this.nextNonSpace();
    if (token.type !== expected) this.unexpected(token, context);
    return token;
  }
  unquote(token: Token): string {
    try {
      return unquoteGo(token.val);
    } catch (error) {
      return this.errorf((error as Error).message);
    }
  }

  // ---- grammar --------------------------------------------------------------------------------
  parseTop(name: string): void {
    const root = this.newList(this.peek().pos);
    while (this.peek().type !== T.EOF) {
      if (this.peek().type === T.LeftDelim) {
        const delimIndex = this.index;
        this.next();
        if (this.nextNonSpace().type === T.Define) {
          this.parseDefinition();
          continue;
        }
        // Go's backup2: the delimiter and what follows it are read again.
        this.index = delimIndex;
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    // A Error token at the end surfaces through textOrAction; EOF ends cleanly.
    this.add({ name, root });
  }

  add(tree: Tree): void {
    const existing = this.treeSet.get(tree.name);
    if (existing === undefined || isEmptyTree(existing.root)) {
      this.treeSet.set(tree.name, tree);
      return;
    }
    if (!isEmptyTree(tree.root))
      this.errorf(`template: multiple definition of template ${JSON.stringify(tree.name)}`);
  }

  parseDefinition(): void {
    const context = 'define clause';
    const token = this.nextNonSpace();
    if (token.type !== T.String && token.type !== T.RawString) this.unexpected(token, context);
    const name = this.unquote(token);
    this.expect(T.RightDelim, context);
    const saved = this.vars;
    this.vars = ['$'];
    const [root, end] = this.itemList();
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.vars = saved;
    this.add({ name, root });
  }

  itemList(): [ListNode, Node] {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().type !== T.EOF) {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    return this.errorf('unexpected EOF');
  }

  textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case T.Text:
        return { kind: 'text', pos: token.pos, src: this.src, text: token.val };
      case T.LeftDelim: {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      case T.Comment:
        return { kind: 'comment', pos: token.pos, src: this.src, text: token.val };
      default:
        return this.unexpected(token, 'input');
    }
  }

  action(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case T.Block:
        return this.blockControl();
      case T.Break:
        return this.breakControl(token, 'break');
      case T.Continue:
        return this.breakControl(token, 'continue');
      case T.Else:
        return this.elseControl();
      case T.End:
        return { kind: 'end', pos: this.expect(T.RightDelim, 'end').pos, src: this.src };
      case T.If:
        return this.branch('if', true);
      case T.Range:
        return this.branch('range', false);
      case T.Template:
        return this.templateControl();
      case T.With:
        return this.branch('with', false);
    }
    this.backup();
    const start = this.peek();
    return {
      kind: 'action',
      pos: start.pos,
      line: start.line,
      src: this.src,
      pipe: this.pipeline('command', T.RightDelim),
    };
  }

  breakControl(token: Token, word: 'break' | 'continue'): Node {
    const next = this.nextNonSpace();
    if (next.type !== T.RightDelim) this.unexpected(next, `{{${word}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`);
    return { kind: word, pos: token.pos, src: this.src };
  }

  pipeline(context: string, end: T): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = {
      kind: 'pipe',
      pos: token.pos,
      line: token.line,
      src: this.src,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== T.Variable) break;
      const vIndex = this.index;
      this.next();
      const afterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === T.Assign || next.type === T.Declare) {
        pipe.isAssign = next.type === T.Assign;
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (next.type === T.Char && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const peeked = this.peekNonSpace().type;
          if (peeked === T.Variable || peeked === T.RightDelim || peeked === T.RightParen) continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else {
        // Go's backup2/backup3: the variable (and the space after it) are read again as operands.
        void afterVariable;
        this.index = vIndex;
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (token.type) {
        case T.Bool:
        case T.CharConstant:
        case T.Complex:
        case T.Dot:
        case T.Field:
        case T.Identifier:
        case T.Number:
        case T.Nil:
        case T.RawString:
        case T.String:
        case T.Variable:
        case T.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((cmd, i) => {
      const kind = cmd.args[0]!.kind;
      if (
        kind === 'bool' ||
        kind === 'dot' ||
        kind === 'nil' ||
        kind === 'number' ||
        kind === 'string'
      )
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
    });
  }

  branch(kind: 'if' | 'range' | 'with', allowElseIf: boolean): BranchNode {
    const varCount = this.vars.length;
    try {
      const pipe = this.pipeline(kind, T.RightDelim);
      if (kind === 'range') this.rangeDepth++;
      const [list, next] = this.itemList();
      if (kind === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.kind === 'else') {
        if (allowElseIf && this.peek().type === T.If) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.branch('if', true));
        } else {
          const [items, end] = this.itemList();
          elseList = items;
          if (end.kind !== 'end') this.errorf(`expected end; found ${nodeString(end)}`);
        }
      }
      return { kind, pos: pipe.pos, line: pipe.line, src: this.src, pipe, list, elseList };
    } finally {
      this.vars.length = varCount;
    }
  }

  elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.type === T.If) return { kind: 'else', pos: peek.pos, line: peek.line, src: this.src };
    const token = this.expect(T.RightDelim, 'else');
    return { kind: 'else', pos: token.pos, line: token.line, src: this.src };
  }

  blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    const pipe = this.pipeline(context, T.RightDelim);
    const [savedVars, savedDepth] = [this.vars, this.rangeDepth];
    [this.vars, this.rangeDepth] = [['$'], 0];
    const [root, end] = this.itemList();
    [this.vars, this.rangeDepth] = [savedVars, savedDepth];
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add({ name, root });
    return {
      kind: 'template',
      pos: token.pos,
      line: token.line,
      src: this.src,
      name,
      pipe,
    } satisfies TemplateNode;
  }

  templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== T.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, T.RightDelim);
    }
    return { kind: 'template', pos: token.pos, line: token.line, src: this.src, name, pipe };
  }

  templateName(token: Token, context: string): string {
    if (token.type === T.String || token.type === T.RawString) return this.unquote(token);
    return this.unexpected(token, context);
  }

  command(): CommandNode {
    const cmd: CommandNode = {
      kind: 'command',
      pos: this.peekNonSpace().pos,
      src: this.src,
      args: [],
    };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.type === T.Space) continue;
      if (token.type === T.RightDelim || token.type === T.RightParen) this.backup();
      else if (token.type !== T.Pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  operand(): Node | undefined {
    let node = this.term();
    if (!node) return undefined;
    if (this.peek().type === T.Field) {
      const pos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().type === T.Field) fields.push(this.next().val.slice(1));
      switch (node.kind) {
        case 'field':
          node = { kind: 'field', pos, src: this.src, ident: [...node.ident, ...fields] };
          break;
        case 'variable':
          node = { kind: 'variable', pos, src: this.src, ident: [...node.ident, ...fields] };
          break;
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot':
          this.errorf(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
          break;
        default:
          node = { kind: 'chain', pos, src: this.src, node, field: fields };
      }
    }
    return node;
  }

  term(): Node | undefined {
    const token = this.nextNonSpace();
    switch (token.type) {
      case T.Identifier:
        if (!this.hasFunction(token.val))
          this.errorf(`function ${JSON.stringify(token.val)} not defined`);
        return { kind: 'identifier', pos: token.pos, src: this.src, ident: token.val };
      case T.Dot:
        return { kind: 'dot', pos: token.pos, src: this.src };
      case T.Nil:
        return { kind: 'nil', pos: token.pos, src: this.src };
      case T.Variable: {
        const v = this.newVariable(token.pos, token.val);
        if (!this.vars.includes(v.ident[0]!))
          this.errorf(`undefined variable ${JSON.stringify(v.ident[0])}`);
        return v;
      }
      case T.Field:
        return {
          kind: 'field',
          pos: token.pos,
          src: this.src,
          ident: token.val.slice(1).split('.'),
        };
      case T.Bool:
        return { kind: 'bool', pos: token.pos, src: this.src, value: token.val === 'true' };
      case T.CharConstant:
      case T.Complex:
      case T.Number:
        return this.newNumber(token);
      case T.LeftParen:
        return this.pipeline('parenthesized pipeline', T.RightParen);
      case T.String:
      case T.RawString:
        return {
          kind: 'string',
          pos: token.pos,
          src: this.src,
          quoted: token.val,
          text: this.unquote(token),
        };
    }
    this.backup();
    return undefined;
  }

  newVariable(pos: number, name: string): VariableNode {
    return { kind: 'variable', pos, src: this.src, ident: name.split('.') };
  }

  newList(pos: number): ListNode {
    return { kind: 'list', pos, src: this.src, nodes: [] };
  }

  newNumber(token: Token): NumberNode {
    const n: NumberNode = {
      kind: 'number',
      pos: token.pos,
      src: this.src,
      text: token.val,
      isInt: false,
      isUint: false,
      isFloat: false,
      isComplex: false,
      int: 0n,
      float: 0,
    };
    const text = token.val;
    if (token.type === T.CharConstant) {
      let rune: number;
      let tail: string;
      try {
        [rune, tail] = unquoteChar(text.slice(1), "'");
      } catch (error) {
        return this.errorf((error as Error).message);
      }
      if (tail !== "'") this.errorf(`malformed character constant: ${text}`);
      n.int = BigInt(rune);
      n.isInt = n.isUint = n.isFloat = true;
      n.float = rune;
      return n;
    }
    if (token.type === T.Complex || text.endsWith('i')) {
      return this.errorf(`complex number ${JSON.stringify(text)} is not supported`);
    }
    const int = parseGoInt(text);
    if (int !== undefined) {
      if (int >= 0n && int <= 0xffffffffffffffffn) n.isUint = true;
      if (int >= -(2n ** 63n) && int < 2n ** 63n) n.isInt = true;
      n.int = int;
    }
    if (n.isInt || n.isUint) {
      n.isFloat = true;
      n.float = Number(int);
    } else {
      const f = parseGoFloat(text);
      if (f !== undefined) {
        if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${JSON.stringify(text)}`);
        n.isFloat = true;
        n.float = f;
        if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
          n.isInt = true;
          n.int = BigInt(f);
        }
      }
    }
    if (!n.isInt && !n.isUint && !n.isFloat)
      this.errorf(`illegal number syntax: ${JSON.stringify(text)}`);
    return n;
  }
}
