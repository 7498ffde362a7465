import { PhoenixError } from '../errors.js';

/** Runs `run` and returns the PhoenixError it throws; fails when it throws nothing or another error. */
export function errorOf(run: () => unknown): PhoenixError {
  try {
    run();
  } catch (error) {
    if (PhoenixError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a PhoenixError');
}
