import type { Tree } from './parse.js';

/** Bounds on one execution, so hostile templates cannot run forever or exhaust memory. */
export interface TemplateLimits {
  /** Most bytes of output (UTF-8) one execution may produce. Default 4 MiB. */
  maxOutputBytes?: number;
  /** Most evaluation steps (nodes walked and commands run) per execution. Default 1,000,000. */
  maxSteps?: number;
  /** Deepest nesting of `{{template}}` calls. Default 1,000 (Go's own limit is 100,000). */
  maxDepth?: number;
}

export const defaultLimits: Required<TemplateLimits> = {
  maxOutputBytes: 4 * 1024 * 1024,
  maxSteps: 1_000_000,
  maxDepth: 1000,
};

export type MissingKey = 'default' | 'zero' | 'error';

export interface ExecContext {
  lookup(name: string): Tree | undefined;
  func(name: string): ((...args: any[]) => unknown) | undefined;
  missingKey: MissingKey;
  limits: Required<TemplateLimits>;
  /** html/template mode: action output is escaped for its HTML context (see html-escape.ts). */
  html?: boolean;
}
