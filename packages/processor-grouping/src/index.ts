export { createGroupingDispatcher } from './grouping-dispatcher.js';
export { groupingDispatcherOptionsSchema } from './options.js';
export type { GroupingDispatcherOptions } from './options.js';
export { sortAlerts } from './sort.js';
export type {
  AlertGroupView,
  GroupingDispatcher,
  GroupingStats,
  GroupsFilter,
  RestoreResult,
} from './types.js';
