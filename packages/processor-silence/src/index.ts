export { createSilences, silencesOptionsSchema } from './silences.js';
export { canUpdateSilence } from './silence-rules.js';
export type {
  Silences,
  SilencesOptions,
  SilencesLogger,
  SilenceUpdate,
  ListSilencesOptions,
} from './silences.js';
export type { SilenceInput } from './validate.js';
export { createSilenceProcessor } from './silence-processor.js';
export type { SilenceProcessor, SilenceProcessorOptions } from './silence-processor.js';
export { SilenceError } from './errors.js';
export type { SilenceErrorReason, SilenceProblem } from './errors.js';
