import { PhoenixError } from '@phoenix-alerting/core';
import type { PhoenixErrorCode } from '@phoenix-alerting/core';

const marker = Symbol.for('phoenix-alerting.template-error');

// core's PhoenixErrorCode has no template code yet (requested); the code is a stable string all the same.
const TEMPLATE_ERROR_CODE = 'ERR_TEMPLATE' as string as PhoenixErrorCode;

/**
 * A template that failed to parse or execute. The message is Go's own wording
 * (`template: NAME:LINE: …` for parse errors, `template: NAME:LINE:COL: executing "NAME" at <…>: …`
 * for execution errors); `line` and `column` (1-based line, 0-based byte column as Go counts) are
 * set when known.
 */
export class TemplateError extends PhoenixError {
  readonly [marker] = true;
  /** Name of the template the error is in, when known. */
  readonly templateName: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** `parse`, `exec`, or `limit` when a {@link TemplateLimits} bound stopped execution. */
  readonly phase: 'parse' | 'exec' | 'limit';

  constructor(
    message: string,
    details: {
      phase: 'parse' | 'exec' | 'limit';
      templateName?: string;
      line?: number;
      column?: number;
      cause?: unknown;
    },
  ) {
    super(TEMPLATE_ERROR_CODE, message, { cause: details.cause });
    this.name = 'TemplateError';
    this.phase = details.phase;
    this.templateName = details.templateName;
    this.line = details.line;
    this.column = details.column;
  }

  static override isInstance(error: unknown): error is TemplateError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
