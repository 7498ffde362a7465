export { createServer } from './server.js';
export type { CreateServerOptions, PhoenixServer } from './server.js';
export { serve, parseServeArgs, parseListenAddress, serveUsage, DEFAULT_LISTEN } from './serve.js';
export type { ServeOptions, ServeResult } from './serve.js';
export {
  serverSectionSchema,
  parseServerSettings,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_MAX_ALERTS_PER_REQUEST,
} from './settings.js';
export type { ServerSettings } from './settings.js';
export { alertmanagerOriginal } from './config-original.js';
export { formatApiTime, parseApiTime } from './api/codec.js';
export type { GettableAlert, GettableSilence } from './api/codec.js';
export type { TunablePipelineOptions } from './runtime.js';
export { VERSION, ALERTMANAGER_VERSION } from './version.js';
export { buildSources, describeSource, SOURCE_TYPES } from './sources.js';
export type { BuildSourcesOptions, ConfiguredSource, SourceType } from './sources.js';
export { expandFileGlobs, hasGlobMeta } from './file-globs.js';
