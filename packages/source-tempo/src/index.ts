export {
  createTempoSource,
  createTempoBackend,
  tempoSourceOptionsSchema,
  isMetricsQuery,
  labelName,
} from './tempo-source.js';
export type { TempoSourceOptions, TempoBackendOptions } from './tempo-source.js';
