export { createLokiSource, createLokiBackend, lokiSourceOptionsSchema } from './loki-source.js';
export type { LokiSourceOptions, LokiBackendOptions } from './loki-source.js';
