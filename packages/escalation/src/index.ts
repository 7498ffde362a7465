// on-call
export * from './oncall/index.js';
// end on-call

// engine
export { createEscalationEngine, EscalationEngine } from './engine-api.js';
export type { Decision } from './engine.js';
export type {
  EscalationEngineOptions,
  IncidentDetails,
  IncidentFilters,
  OverrideInput,
  PageRetryOptions,
} from './engine-types.js';
export {
  parseEscalationConfig,
  loadEscalationConfig,
  severityConfigSchema,
  escalationPolicyConfigSchema,
  defaultSeverities,
} from './config.js';
export type { EscalationConfig, EscalationPolicy, PolicyLevel, SeverityLevel } from './config.js';
export { incidentStatuses, allowedMoves, IncidentStateError } from './incident-status.js';
export { resolveResponders } from './paging.js';
export { simulate } from './simulate.js';
export type { SimulateOptions, SimulatedPage, SimulationResult } from './simulate.js';
export { createRecordingChannel } from './recording-channel.js';
export type { RecordedPage } from './recording-channel.js';
// end engine
