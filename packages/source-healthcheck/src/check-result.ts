/** The outcome of one run of a check. */
export interface CheckResult {
  ok: boolean;
  /** What the run found; for a failure, why it failed (goes to the `failure` annotation). */
  message: string;
  /** A measured value (a score, a function's value), put on the alert as the `value` annotation. */
  value?: number;
  /** A command's output, truncated, put on the alert as the `output` annotation. */
  output?: string;
}

/** Runs a check once. Must settle soon after `signal` aborts. */
export type CheckRunner = (signal: AbortSignal) => Promise<CheckResult>;

/** The text of whatever a check threw. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
