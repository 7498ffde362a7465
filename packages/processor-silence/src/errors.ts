import { PhoenixError } from '@phoenix-alerting/core';
import type { PhoenixErrorCode } from '@phoenix-alerting/core';

const marker = Symbol.for('phoenix-alerting.silence-error');

/**
 * Why a silence operation was refused: `invalid` input (the API answers 400), `not-found` (404),
 * `already-expired` when expiring an expired silence (Alertmanager 0.25 answers 500).
 */
export type SilenceErrorReason = 'invalid' | 'not-found' | 'already-expired';

/** One problem with a silence: the field it is in (`matchers[0].value`, `endsAt`) and what is wrong. */
export interface SilenceProblem {
  field: string;
  message: string;
}

const codes: Record<SilenceErrorReason, PhoenixErrorCode> = {
  invalid: 'ERR_SILENCE_INVALID',
  'not-found': 'ERR_NOT_FOUND',
  'already-expired': 'ERR_SILENCE_EXPIRED',
};

/** A refused silence operation. Messages name the field and use Alertmanager's wording. */
export class SilenceError extends PhoenixError {
  readonly [marker] = true;
  readonly reason: SilenceErrorReason;
  /** Every problem found, for `invalid`; empty otherwise. */
  readonly problems: readonly SilenceProblem[];
  /** The silence the operation was about, when it named one. */
  readonly silenceId: string | undefined;

  constructor(
    reason: SilenceErrorReason,
    message: string,
    details: { problems?: readonly SilenceProblem[]; silenceId?: string } = {},
  ) {
    super(codes[reason], message);
    this.name = 'SilenceError';
    this.reason = reason;
    this.problems = details.problems ?? [];
    this.silenceId = details.silenceId;
  }

  static override isInstance(error: unknown): error is SilenceError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}

export function invalidSilence(problems: readonly SilenceProblem[]): SilenceError {
  const text = problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
  return new SilenceError('invalid', `invalid silence: ${text}`, { problems });
}

export function silenceNotFound(id: string): SilenceError {
  return new SilenceError('not-found', `silence ${id} not found`, { silenceId: id });
}
