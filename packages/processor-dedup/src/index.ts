export { createDedupProcessor, dedupProcessorOptionsSchema } from './dedup-processor.js';
export type { DedupProcessor, DedupProcessorOptions } from './dedup-processor.js';
