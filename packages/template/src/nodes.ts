// The parse tree of Go's text/template/parse/node.go, with Go's String() forms (used in errors).
import { goQuoteString } from './go-quote.js';

/** The parsed text a node belongs to, for error positions. */
export interface Source {
  /** The name given to `parse` (Go's ParseName): errors say `template: PARSENAME:LINE:COL: …`. */
  parseName: string;
  text: string;
}

interface Base {
  pos: number;
  src: Source;
}

export interface TextNode extends Base {
  kind: 'text';
  text: string;
}
export interface CommentNode extends Base {
  kind: 'comment';
  text: string;
}
export interface ListNode extends Base {
  kind: 'list';
  nodes: Node[];
}
export interface PipeNode extends Base {
  kind: 'pipe';
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface ActionNode extends Base {
  kind: 'action';
  line: number;
  pipe: PipeNode;
}
export interface CommandNode extends Base {
  kind: 'command';
  args: Node[];
}
export interface IdentifierNode extends Base {
  kind: 'identifier';
  ident: string;
}
export interface VariableNode extends Base {
  kind: 'variable';
  ident: string[];
}
export interface DotNode extends Base {
  kind: 'dot';
}
export interface NilNode extends Base {
  kind: 'nil';
}
export interface FieldNode extends Base {
  kind: 'field';
  ident: string[];
}
export interface ChainNode extends Base {
  kind: 'chain';
  node: Node;
  field: string[];
}
export interface BoolNode extends Base {
  kind: 'bool';
  value: boolean;
}
export interface NumberNode extends Base {
  kind: 'number';
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int: bigint;
  float: number;
}
export interface StringNode extends Base {
  kind: 'string';
  quoted: string;
  text: string;
}
export interface BranchNode extends Base {
  kind: 'if' | 'range' | 'with';
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | undefined;
}
export interface BreakNode extends Base {
  kind: 'break';
}
export interface ContinueNode extends Base {
  kind: 'continue';
}
export interface TemplateNode extends Base {
  kind: 'template';
  line: number;
  name: string;
  pipe: PipeNode | undefined;
}
export interface EndNode extends Base {
  kind: 'end';
}
export interface ElseNode extends Base {
  kind: 'else';
  line: number;
}

export type Node =
  | TextNode
  | CommentNode
  | ListNode
  | PipeNode
  | ActionNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | BranchNode
  | BreakNode
  | ContinueNode
  | TemplateNode
  | EndNode
  | ElseNode;

/** Go's Node.String(). */
export function nodeString(node: Node): string {
  switch (node.kind) {
    case 'text':
      return node.text;
    case 'comment':
      return `{{${node.text}}}`;
    case 'list':
      return node.nodes.map(nodeString).join('');
    case 'pipe': {
      let out = '';
      if (node.decl.length > 0) out += `${node.decl.map(nodeString).join(', ')} := `;
      return out + node.cmds.map(nodeString).join(' | ');
    }
    case 'action':
      return `{{${nodeString(node.pipe)}}}`;
    case 'command':
      return node.args
        .map((arg) => (arg.kind === 'pipe' ? `(${nodeString(arg)})` : nodeString(arg)))
        .join(' ');
    case 'identifier':
      return node.ident;
    case 'variable':
      return node.ident.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return node.ident.map((id) => `.${id}`).join('');
    case 'chain': {
      const head = node.node.kind === 'pipe' ? `(${nodeString(node.node)})` : nodeString(node.node);
      return head + node.field.map((f) => `.${f}`).join('');
    }
    case 'bool':
      return node.value ? 'true' : 'false';
    case 'number':
      return node.text;
    case 'string':
      return node.quoted;
    case 'if':
    case 'range':
    case 'with': {
      let out = `{{${node.kind} ${nodeString(node.pipe)}}}${nodeString(node.list)}`;
      if (node.elseList) out += `{{else}}${nodeString(node.elseList)}`;
      return `${out}{{end}}`;
    }
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'template':
      return `{{template ${goQuoteString(node.name)}${node.pipe ? ` ${nodeString(node.pipe)}` : ''}}}`;
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
  }
}

/** Go's Tree.ErrorContext location: `NAME:LINE:COL`, COL counted in bytes from the line start (0-based). */
export function errorLocation(node: Node): { location: string; line: number; column: number } {
  const text = node.src.text.slice(0, node.pos);
  const lastNewline = text.lastIndexOf('\n');
  const lineText = lastNewline < 0 ? text : text.slice(lastNewline + 1);
  const column = Buffer.byteLength(lineText, 'utf8');
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) line++;
  return { location: `${node.src.parseName}:${line}:${column}`, line, column };
}

/** Go's parse.IsEmptyTree. */
export function isEmptyTree(node: Node | undefined): boolean {
  if (node === undefined) return true;
  switch (node.kind) {
    case 'list':
      return node.nodes.every(isEmptyTree);
    case 'text':
      return node.text.trim() === '' && !/[^\t\n\v\f\r \u0085\u00a0]/.test(node.text);
    case 'comment':
      return true;
    default:
      return false;
  }
}
