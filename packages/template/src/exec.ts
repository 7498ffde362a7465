// A port of Go 1.19's text/template/exec.go over the value model in values.ts.
import { TemplateError } from './errors.js';
import { formatValue } from './fmt.js';
import { SafeHTML, escapeChain, escapersFor, htmlContext, stripComments } from './html-escape.js';
import { evalArgs } from './builtins.js';
import type { GoParam } from './func-spec.js';
import { paramTypeName, specOf } from './func-spec.js';
import type {
  ActionNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  Node,
  NumberNode,
  PipeNode,
  VariableNode,
} from './nodes.js';
import { errorLocation, nodeString } from './nodes.js';
import type { ExecContext } from './limits.js';
import { andFunc, isTrue, orFunc } from './truth.js';
import {
  GoInteger,
  GoStruct,
  goMethod,
  goTypeName,
  isMapLike,
  isPlainObject,
  mapEntries,
  mapLookup,
} from './values.js';

const MISSING = Symbol('missing');
type Final = unknown;

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

class ExecAbort extends Error {}

interface Variable {
  name: string;
  value: unknown;
}

/** Executes the template `name`; returns its output or throws TemplateError. */
export function execute(context: ExecContext, name: string, data: unknown): string {
  const tree = context.lookup(name);
  const state = new State(context, name);
  try {
    if (!tree) state.errorf(`${JSON.stringify(name)} is an incomplete or empty template`);
    state.vars = [{ name: '$', value: data }];
    state.walk(data, tree!.root);
    return state.output();
  } catch (error) {
    if (TemplateError.isInstance(error)) throw error;
    if (error instanceof RangeError) {
      throw new TemplateError(`template: ${name}: execution exceeded the call stack`, {
        phase: 'limit',
        templateName: name,
        cause: error,
      });
    }
    throw new TemplateError(`template: ${name}: ${(error as Error)?.message ?? String(error)}`, {
      phase: 'exec',
      templateName: name,
      cause: error,
    });
  }
}

class State {
  vars: Variable[] = [];
  node: Node | undefined;
  depth = 0;
  steps = 0;
  /** Dot is a range element of a []interface{} or map[string]interface{}: Go's static type is interface {}. */
  dotInterface = false;
  /** HTML mode: inside `<!-- … -->`, where nothing is written. */
  inHtmlComment = false;
  /** Static type of the value the last field chain produced, when it is `interface {}`. */
  lastStaticType: string | undefined;
  bytes = 0;
  chunks: string[] = [];

  constructor(
    readonly context: ExecContext,
    public tmplName: string,
  ) {}

  output(): string {
    return this.chunks.join('');
  }

  write(text: string): void {
    this.bytes += Buffer.byteLength(text, 'utf8');
    if (this.bytes > this.context.limits.maxOutputBytes) {
      this.limit(`output exceeds the limit of ${this.context.limits.maxOutputBytes} bytes`);
    }
    this.chunks.push(text);
  }

  limit(message: string): never {
    throw new TemplateError(`template: ${this.tmplName}: ${message}`, {
      phase: 'limit',
      templateName: this.tmplName,
    });
  }

  step(): void {
    if (++this.steps > this.context.limits.maxSteps) {
      this.limit(`execution exceeds the limit of ${this.context.limits.maxSteps} steps`);
    }
  }

  at(node: Node): void {
    this.node = node;
  }

  errorf(message: string, cause?: unknown): never {
    if (this.node === undefined) {
      throw new TemplateError(`template: ${this.tmplName}: ${message}`, {
        phase: 'exec',
        templateName: this.tmplName,
        cause,
      });
    }
    const { location, line, column } = errorLocation(this.node);
    const context = nodeString(this.node);
    throw new TemplateError(
      `template: ${location}: executing ${JSON.stringify(this.tmplName)} at <${context}>: ${message}`,
      { phase: 'exec', templateName: this.tmplName, line, column, cause },
    );
  }

  // ---- variables ------------------------------------------------------------------------------
  mark(): number {
    return this.vars.length;
  }
  pop(mark: number): void {
    this.vars.length = mark;
  }
  setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  setTopVar(n: number, value: unknown): void {
    this.vars[this.vars.length - n]!.value = value;
  }
  varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) return this.vars[i]!.value;
    }
    return this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking --------------------------------------------------------------------------------
  walk(dot: unknown, node: Node): void {
    this.step();
    this.at(node);
    switch (node.kind) {
      case 'action': {
        if (this.context.html && node.pipe.decl.length === 0) {
          this.htmlAction(dot, node);
          return;
        }
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, value);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
      case 'with': {
        const mark = this.mark();
        try {
          const value = this.evalPipeline(dot, node.pipe);
          const [truth, ok] = isTrue(value);
          if (!ok) this.errorf(`if/with can't use ${formatValue(value, 'v')}`);
          if (truth && node.kind === 'with') {
            const savedDotInterface = this.dotInterface;
            this.dotInterface = false;
            try {
              this.walk(value, node.list);
            } finally {
              this.dotInterface = savedDotInterface;
            }
          } else if (truth) this.walk(dot, node.list);
          else if (node.elseList) this.walk(dot, node.elseList);
        } finally {
          this.pop(mark);
        }
        return;
      }
      case 'list':
        for (const child of node.nodes) this.walk(dot, child);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'text':
        if (this.context.html) {
          // html/template elides HTML comments, actions inside them included.
          const { kept, open } = stripComments(node.text, this.inHtmlComment);
          this.inHtmlComment = open;
          this.write(kept);
        } else this.write(node.text);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  walkRange(dot: unknown, node: BranchNode): void {
    this.at(node);
    const outer = this.mark();
    try {
      const value = this.evalPipeline(dot, node.pipe);
      const mark = this.mark();
      const oneIteration = (index: unknown, element: unknown): boolean => {
        if (node.pipe.decl.length > 0) this.setTopVar(1, element);
        if (node.pipe.decl.length > 1) this.setTopVar(2, index);
        const savedDotInterface = this.dotInterface;
        this.dotInterface = elementsAreInterfaces;
        try {
          this.walk(element, node.list);
        } catch (signal) {
          if (signal === BREAK) return false;
          if (signal !== CONTINUE) throw signal;
        } finally {
          this.pop(mark);
          this.dotInterface = savedDotInterface;
        }
        return true;
      };
      const elementsAreInterfaces =
        (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype) ||
        isPlainObject(value) ||
        value instanceof Map;
      let iterated = false;
      if (Array.isArray(value) || value instanceof Uint8Array) {
        const items = value instanceof Uint8Array ? [...value].map((b) => BigInt(b)) : value;
        for (let i = 0; i < items.length; i++) {
          iterated = true;
          if (!oneIteration(BigInt(i), items[i])) break;
        }
      } else if (isMapLike(value)) {
        for (const [key, element] of mapEntries(value)!) {
          iterated = true;
          if (!oneIteration(key, element)) break;
        }
      } else if (value !== undefined && value !== null) {
        this.errorf(`range can't iterate over ${formatValue(value, 'v')}`);
      }
      if (!iterated && node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.pop(outer);
    }
  }

  walkTemplate(dot: unknown, node: Extract<Node, { kind: 'template' }>): void {
    this.at(node);
    const tree = this.context.lookup(node.name);
    if (!tree) this.errorf(`template ${JSON.stringify(node.name)} not defined`);
    if (this.depth >= this.context.limits.maxDepth) {
      this.errorf(`exceeded maximum template depth (${this.context.limits.maxDepth})`);
    }
    const newDot = node.pipe ? this.evalPipeline(dot, node.pipe) : undefined;
    const saved = { vars: this.vars, name: this.tmplName, depth: this.depth };
    this.vars = [{ name: '$', value: newDot }];
    this.tmplName = node.name;
    this.depth++;
    const savedDotInterface = this.dotInterface;
    this.dotInterface = false;
    try {
      this.walk(newDot, tree!.root);
    } finally {
      this.vars = saved.vars;
      this.tmplName = saved.name;
      this.depth = saved.depth;
      this.dotInterface = savedDotInterface;
    }
  }

  // ---- pipelines and commands -----------------------------------------------------------------
  evalPipeline(dot: unknown, pipe: PipeNode | undefined): unknown {
    if (!pipe) return undefined;
    this.at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    // A nil interface result is "no value", as Go's reflect.ValueOf(value.Interface()) makes it.
    if (value === null) value = undefined;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0]!, value);
      else this.vars.push({ name: variable.ident[0]!, value });
    }
    return value;
  }

  notAFunction(args: readonly Node[], final: Final): void {
    if (args.length > 1 || final !== MISSING)
      this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    this.step();
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first.ident, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    return this.errorf(`can't evaluate command ${JSON.stringify(nodeString(first))}`);
  }

  idealConstant(constant: NumberNode): unknown {
    this.at(constant);
    const text = constant.text;
    const isHexInt =
      text.length > 2 &&
      text[0] === '0' &&
      (text[1] === 'x' || text[1] === 'X') &&
      !/[pP]/.test(text);
    const isRuneInt = text.startsWith("'");
    if (constant.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(text)) return constant.float;
    if (constant.isInt) return constant.int;
    if (constant.isUint) this.errorf(`${text} overflows int`);
    return undefined;
  }

  evalFieldNode(dot: unknown, field: FieldNode, args: readonly Node[], final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(
      dot,
      dot,
      field,
      field.ident,
      args,
      final,
      this.dotInterface ? 'interface {}' : undefined,
    );
  }

  evalChainNode(dot: unknown, chain: ChainNode, args: readonly Node[], final: Final): unknown {
    this.at(chain);
    if (chain.node.kind === 'nil')
      this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, 'any', chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  evalVariableNode(
    dot: unknown,
    variable: VariableNode,
    args: readonly Node[],
    final: Final,
  ): unknown {
    this.at(variable);
    const value = this.varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  }

  evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: Node,
    ident: readonly string[],
    args: readonly Node[],
    final: Final,
    receiverType?: string,
  ): unknown {
    const n = ident.length;
    // A value read from a map[string]interface{} has Go's static type interface {} (error messages say so).
    let staticType = receiverType;
    for (let i = 0; i < n - 1; i++) {
      const fromInterfaceMap = isPlainObject(receiver) || receiver instanceof Map;
      receiver = this.evalField(dot, ident[i]!, node, [], MISSING, receiver, staticType);
      staticType = fromInterfaceMap ? 'interface {}' : undefined;
    }
    // What the last step read out of: a map[string]interface{} gives Go's static type interface {}.
    const fromInterfaceMap = isPlainObject(receiver) || receiver instanceof Map;
    const value = this.evalField(dot, ident[n - 1]!, node, args, final, receiver, staticType);
    this.lastStaticType = fromInterfaceMap ? 'interface {}' : undefined;
    return value;
  }

  evalFunction(
    dot: unknown,
    name: string,
    node: Node,
    cmd: Node,
    args: readonly Node[],
    final: Final,
  ): unknown {
    this.at(node);
    const fn = this.context.func(name);
    if (!fn) this.errorf(`${JSON.stringify(name)} is not a defined function`);
    return this.evalCall(dot, fn!, cmd, name, args, final);
  }

  evalField(
    dot: unknown,
    fieldName: string,
    node: Node,
    args: readonly Node[],
    final: Final,
    receiver: unknown,
    staticType?: string,
  ): unknown {
    if (receiver === undefined) {
      if (this.context.missingKey === 'error')
        this.errorf(`nil data; no entry for key ${JSON.stringify(fieldName)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const method = goMethod(receiver, fieldName);
    if (method) return this.evalCall(dot, method.bind(receiver), node, fieldName, args, final);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (receiver instanceof GoStruct) {
      if (receiver.goFields().includes(fieldName)) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return (receiver as unknown as Record<string, unknown>)[fieldName];
      }
    } else if (isMapLike(receiver)) {
      const entry = mapLookup(receiver, fieldName);
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      if (entry.found) return entry.value;
      switch (this.context.missingKey) {
        case 'zero':
          return entry.zero === undefined ? null : entry.zero;
        case 'error':
          return this.errorf(`map has no entry for key ${JSON.stringify(fieldName)}`);
        default:
          return undefined;
      }
    }
    return this.errorf(
      `can't evaluate field ${fieldName} in type ${staticType ?? goTypeName(receiver)}`,
    );
  }

  evalCall(
    dot: unknown,
    fn: (...args: any[]) => unknown,
    node: Node,
    name: string,
    argNodes: readonly Node[],
    final: Final,
  ): unknown {
    const args = argNodes.slice(1);
    const spec = specOf(fn);
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const numFixed = spec.variadic ? spec.params.length : args.length;
    if (spec.variadic) {
      if (numIn < spec.params.length) {
        this.errorf(
          `wrong number of args for ${name}: want at least ${spec.params.length} got ${args.length}`,
        );
      }
    } else if (numIn !== spec.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${spec.params.length} got ${numIn}`);
    }
    if (fn === andFunc || fn === orFunc) {
      let value: unknown;
      for (const arg of args) {
        value = this.evalArg(dot, 'any', arg);
        if (isTrue(value)[0] === (fn === orFunc)) return value;
      }
      if (final !== MISSING) value = final;
      return value;
    }
    const argv: unknown[] = [];
    const staticTypes: (string | undefined)[] = [];
    const evalArgAt = (type: GoParam, arg: Node): void => {
      this.lastStaticType = undefined;
      const value = this.evalArg(dot, type, arg);
      argv.push(value);
      if (value === undefined) this.lastStaticType = undefined;
      const chained =
        arg.kind === 'field' ||
        arg.kind === 'chain' ||
        (arg.kind === 'variable' && arg.ident.length > 1);
      staticTypes.push(
        chained
          ? this.lastStaticType
          : arg.kind === 'dot' && this.dotInterface
            ? 'interface {}'
            : undefined,
      );
    };
    let i = 0;
    for (; i < numFixed && i < args.length; i++) evalArgAt(spec.params[i]!, args[i]!);
    if (spec.variadic) for (; i < args.length; i++) evalArgAt(spec.variadic, args[i]!);
    if (final !== MISSING) {
      const type =
        argv.length < spec.params.length ? spec.params[argv.length]! : (spec.variadic ?? 'any');
      argv.push(this.validateType(final, type));
    }
    try {
      const result = spec.staticTypes ? spec.fn.call({ staticTypes }, ...argv) : spec.fn(...argv);
      // Long strings cost work even when they are never printed (`$x := printf "%*d" 1000000 0` in a loop).
      if (typeof result === 'string' && result.length > 256)
        this.steps += Math.floor(result.length / 256);
      return result;
    } catch (error) {
      if (TemplateError.isInstance(error) || error instanceof ExecAbort) throw error;
      if (error instanceof RangeError) throw error;
      this.at(node);
      return this.errorf(
        `error calling ${name}: ${(error as Error)?.message ?? String(error)}`,
        error,
      );
    }
  }

  validateType(value: unknown, type: GoParam): unknown {
    if (value === undefined || value === null) {
      // Missing stays undefined (Go's invalid value); nil stays null.
      if (type === 'any' || type === '[]string') return value;
      return this.errorf(`invalid value; expected ${paramTypeName(type)}`);
    }
    if (assignable(value, type)) return value;
    // Go converts between integer types for an int parameter.
    if (type === 'int' && value instanceof GoInteger) return value.value;
    return this.errorf(
      `wrong type for value; expected ${paramTypeName(type)}; got ${goTypeName(value)}`,
    );
  }

  evalArg(dot: unknown, type: GoParam, n: Node): unknown {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot, type);
      case 'nil':
        if (type === 'any' || type === '[]string') return null;
        return this.errorf(`cannot assign nil to ${paramTypeName(type)}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), type);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, [], MISSING), type);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), type);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n.ident, n, n, [n], MISSING), type);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, [], MISSING), type);
    }
    switch (type) {
      case 'bool':
        if (n.kind === 'bool') return n.value;
        return this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'string':
        if (n.kind === 'string') return n.text;
        return this.errorf(`expected string; found ${nodeString(n)}`);
      case 'int':
        if (n.kind === 'number' && n.isInt) return n.int;
        return this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'float64':
        if (n.kind === 'number' && n.isFloat) return n.float;
        return this.errorf(`expected float; found ${nodeString(n)}`);
      case '[]string':
        return this.errorf(`can't handle ${nodeString(n)} for arg of type []string`);
    }
    switch (n.kind) {
      case 'bool':
        return n.value;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
    }
    return this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  /**
   * An action in html/template mode: its output goes through the escapers html/template would
   * add for where it lands, a pipeline-final `html` or `urlquery` standing in for its equivalent.
   */
  htmlAction(dot: unknown, node: ActionNode): void {
    const cmds = node.pipe.cmds;
    const last = cmds[cmds.length - 1]!;
    const head = last.args[0]!;
    const predefined =
      head.kind === 'identifier' && (head.ident === 'html' || head.ident === 'urlquery')
        ? head.ident
        : undefined;
    let value: unknown;
    if (predefined && cmds.length === 1) {
      // {{ html a b }}: Go evaluates the arguments as one printed string (its _eval_args_).
      this.at(node.pipe);
      value = evalArgs(last.args.slice(1).map((arg) => this.evalArg(dot, 'any', arg)));
    } else if (predefined) {
      value = this.evalPipeline(dot, { ...node.pipe, cmds: cmds.slice(0, -1) });
    } else value = this.evalPipeline(dot, node.pipe);
    this.at(node);
    if (typeof value === 'function') {
      this.errorf(`can't print ${nodeString(node)} of type ${goTypeName(value)}`);
    }
    if (this.inHtmlComment) return;
    const text =
      value === undefined || value === null
        ? ''
        : value instanceof SafeHTML
          ? value
          : formatValue(value, 'v');
    const context = htmlContext(this.chunks.slice(-8).join(''));
    this.write(escapeChain(text, escapersFor(context, predefined)));
  }

  printValue(node: Node, value: unknown): void {
    this.at(node);
    if (value === undefined || value === null) {
      this.write('<no value>');
      return;
    }
    if (typeof value === 'function')
      this.errorf(`can't print ${nodeString(node)} of type ${goTypeName(value)}`);
    this.write(formatValue(value, 'v'));
  }
}

function assignable(value: unknown, type: GoParam): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'string':
      return typeof value === 'string';
    case 'float64':
      return typeof value === 'number';
    case 'int':
      return typeof value === 'bigint';
    case 'bool':
      return typeof value === 'boolean';
    case '[]string':
      return Array.isArray(value) && goTypeName(value) === '[]string';
  }
}
