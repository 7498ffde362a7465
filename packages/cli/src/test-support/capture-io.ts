import type { CommandIo } from '../io.js';

/** A CommandIo that keeps what was written, for assertions. */
export interface CapturedIo extends CommandIo {
  /** Everything written to stdout so far. */
  readonly out: string;
  /** Everything written to stderr so far. */
  readonly err: string;
}

export function captureIo(): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    get out() {
      return out.join('');
    },
    get err() {
      return err.join('');
    },
  };
}
