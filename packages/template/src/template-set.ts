import { builtinFuncs } from './builtins.js';
import { TemplateError } from './errors.js';
import { execute } from './exec.js';
import { defaultLimits } from './limits.js';
import type { MissingKey, TemplateLimits } from './limits.js';
import type { GoFuncSpec } from './func-spec.js';
import { isEmptyTree } from './nodes.js';
import { parseTemplate } from './parse.js';
import type { Tree } from './parse.js';

/**
 * A template function. Arguments arrive in the executor's value model: Go ints as `bigint`,
 * float64 as `number`, strings, booleans, `undefined`/`null` for nil, arrays and maps as they are.
 * Throwing an Error is Go's non-nil error result (`error calling NAME: MESSAGE`).
 */
export type TemplateFunc = (...args: any[]) => unknown;

export interface TemplateSetOptions {
  /** Extra functions, added to (and overriding) Go's builtins. */
  funcs?: Record<string, TemplateFunc>;
  /** Execution bounds; see {@link TemplateLimits} for the defaults. */
  limits?: TemplateLimits;
  /**
   * Go's `missingkey` option: `default` (a missing map key is `<no value>`), `zero` (the map's
   * zero value, as Prometheus and Alertmanager set) or `error`. Default `default`.
   */
  missingKey?: MissingKey;
  /**
   * Execute as html/template would, as far as notification templates need: each action's output
   * goes through the escapers html/template adds for its context (text, quoted attribute, URL
   * attribute), HTML comments are dropped, `SafeHTML` values pass in text. See html-escape.ts.
   */
  html?: boolean;
}

/** Go's `*template.Template` with its associated templates: parse text, then execute by name. */
export class TemplateSet {
  private readonly trees = new Map<string, Tree>();
  private readonly funcs = new Map<string, (...args: any[]) => unknown>();
  private readonly limits: Required<TemplateLimits>;
  private readonly missingKey: MissingKey;
  private readonly html: boolean;

  constructor(options: TemplateSetOptions = {}) {
    for (const [name, spec] of Object.entries(builtinFuncs())) this.funcs.set(name, spec.fn);
    for (const [name, fn] of Object.entries(options.funcs ?? {})) this.funcs.set(name, fn);
    this.limits = { ...defaultLimits, ...definedOnly(options.limits ?? {}) };
    this.missingKey = options.missingKey ?? 'default';
    this.html = options.html ?? false;
  }

  /** Adds or replaces functions (Go's Funcs); only templates parsed afterwards may call new names. */
  addFuncs(funcs: Record<string, TemplateFunc | GoFuncSpec>): this {
    for (const [name, fn] of Object.entries(funcs))
      this.funcs.set(name, typeof fn === 'function' ? fn : fn.fn);
    return this;
  }

  /**
   * Parses `text` as the template `name`, and every `{{define}}`/`{{block}}` in it. A later
   * definition replaces an earlier one of the same name, except that an empty body (only
   * whitespace and comments) never replaces an existing one (Go's rule). Throws TemplateError with Go's message on a syntax error; on error
   * nothing of `text` is added.
   */
  parse(name: string, text: string): this {
    let parsed: Map<string, Tree>;
    try {
      parsed = parseTemplate(name, text, (fn) => this.funcs.has(fn));
    } catch (error) {
      if (TemplateError.isInstance(error)) throw error;
      throw new TemplateError(`template: ${name}: ${(error as Error)?.message ?? String(error)}`, {
        phase: 'parse',
        templateName: name,
        cause: error,
      });
    }
    for (const [treeName, tree] of parsed) {
      // Go's associate: an empty body never replaces an existing template of that name.
      if (this.trees.has(treeName) && isEmptyTree(tree.root)) continue;
      this.trees.set(treeName, tree);
    }
    return this;
  }

  /** Whether a template of that name has been defined. */
  has(name: string): boolean {
    return this.trees.has(name);
  }

  /** Names of the defined templates, sorted. */
  names(): string[] {
    return [...this.trees.keys()].sort();
  }

  /** Executes the template `name` with `data` as dot. Throws TemplateError only. */
  execute(name: string, data: unknown): string {
    return execute(
      {
        lookup: (templateName) => this.trees.get(templateName),
        func: (fn) => this.funcs.get(fn),
        missingKey: this.missingKey,
        limits: this.limits,
        html: this.html,
      },
      name,
      data,
    );
  }

  /** A copy with the same templates and functions (Go's Clone), to add templates to without touching this one. */
  clone(): TemplateSet {
    const copy = new TemplateSet({
      limits: this.limits,
      missingKey: this.missingKey,
      html: this.html,
    });
    for (const [name, fn] of this.funcs) copy.funcs.set(name, fn);
    for (const [name, tree] of this.trees) copy.trees.set(name, tree);
    return copy;
  }
}

function definedOnly(limits: TemplateLimits): TemplateLimits {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}
