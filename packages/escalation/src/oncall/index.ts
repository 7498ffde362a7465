export type { TeamMember, Shift, RotationOverride, OnCallSchedule } from './types.js';
export {
  onCallConfigSchema,
  teamConfigSchema,
  teamMemberConfigSchema,
  rotationConfigSchema,
  rotationMemberConfigSchema,
  MAX_ROTATION_WEIGHT,
} from './config.js';
export type {
  OnCallConfig,
  OnCallConfigInput,
  RotationConfig,
  TeamMemberConfig,
} from './config.js';
export { createOnCallSchedule } from './schedule.js';
export { smoothWeightedCycle } from './weighted-cycle.js';
export { formatInstant, isValidTimezone, parseInstant } from './wall-clock.js';
export { createHandoffNotifier } from './handoff-notifier.js';
export type { HandoffEvent, HandoffNotifier, HandoffNotifierOptions } from './handoff-notifier.js';
