// Alertmanager's TimeActiveStage and TimeMuteStage (notify/notify.go): a notification is held back
// whole while its route is in one of its mute time intervals, or outside all of its active ones.
import type { Alert, Processor } from '@phoenix-alerting/core';
import type { TimeIntervalConfig } from '@phoenix-alerting/core';
import { createTimeIntervals } from './time-interval.js';
import type { TimeIntervals } from './time-interval.js';

export interface TimeIntervalMuterOptions {
  /** Processor name in logs and events. Default `time-intervals`. */
  name?: string;
}

const none: readonly Alert[] = Object.freeze([]);

/**
 * A processor whose `mute` drops every alert of a notification when, at the pipeline's `now`,
 * the notification's route is in one of its `muteTimeIntervals`, or has `activeTimeIntervals`
 * and is in none of them. Routes without time intervals pass through untouched.
 *
 * @param intervals the compiled intervals, or the `time_intervals` and `mute_time_intervals`
 *   entries to compile.
 * @throws ConfigError when given entries that do not compile (see `createTimeIntervals`).
 */
export function createTimeIntervalMuter(
  intervals: TimeIntervals | readonly TimeIntervalConfig[],
  options: TimeIntervalMuterOptions = {},
): Processor {
  const compiled = Array.isArray(intervals)
    ? createTimeIntervals(intervals as readonly TimeIntervalConfig[])
    : (intervals as TimeIntervals);
  return {
    name: options.name ?? 'time-intervals',
    mute(notification, context) {
      const { activeTimeIntervals, muteTimeIntervals } = notification.route;
      if (
        activeTimeIntervals.length > 0 &&
        !compiled.containsAny(activeTimeIntervals, context.now)
      ) {
        return none;
      }
      if (muteTimeIntervals.length > 0 && compiled.containsAny(muteTimeIntervals, context.now)) {
        return none;
      }
      return notification.alerts;
    },
  };
}
