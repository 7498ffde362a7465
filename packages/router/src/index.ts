export { createRouter, defaultRouteOptions } from './router.js';
export type {
  AlertmanagerRouter,
  CreateRouterOptions,
  RouteDefaults,
  RouteNode,
} from './router.js';
export { createTimeIntervals, timeIntervalSpecContains } from './time-interval.js';
export type { TimeIntervals } from './time-interval.js';
export { createTimeIntervalMuter } from './time-interval-muter.js';
export type { TimeIntervalMuterOptions } from './time-interval-muter.js';
