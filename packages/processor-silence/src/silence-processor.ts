// Alertmanager's Silencer (silence/silence.go) behind its MuteStage (notify/notify.go): at flush time,
// alerts that an active silence matches are removed and the marker records by which silences.
import { fingerprint } from '@phoenix-alerting/core';
import type {
  Alert,
  Labels,
  Notification,
  ProcessContext,
  Processor,
} from '@phoenix-alerting/core';
import type { Silences } from './silences.js';

export interface SilenceProcessorOptions {
  /** Name in logs and `plugin-failed` events. Default `silence`. */
  name?: string;
}

/** Mutes silenced alerts when a notification is flushed. */
export interface SilenceProcessor extends Processor {
  /** Starts the silence service (loads silences from the Store). */
  start(): Promise<void>;
  /** Stops the silence service's garbage collection. */
  stop(): Promise<void>;
  /**
   * Removes the alerts silenced at `context.now` and records, for every alert of the notification,
   * the ids of the silences muting it (an empty list when none does).
   */
  mute(notification: Notification, context: ProcessContext): readonly Alert[];
  /** Alertmanager's `Silencer.Mutes`: whether `labels` are silenced at `now`; records the marker. */
  mutes(labels: Labels, now: number): boolean;
}

export function createSilenceProcessor(
  silences: Silences,
  options: SilenceProcessorOptions = {},
): SilenceProcessor {
  const { marker } = silences;
  return {
    name: options.name ?? 'silence',
    start: () => silences.start(),
    stop: () => silences.stop(),
    mute(notification, context) {
      const kept: Alert[] = [];
      for (const alert of notification.alerts) {
        const ids = silences.mutes(alert.labels, context.now);
        marker.setSilenced(alert.fingerprint, ids);
        if (ids.length === 0) kept.push(alert);
      }
      return kept;
    },
    mutes(labels, now) {
      const ids = silences.mutes(labels, now);
      marker.setSilenced(fingerprint(labels), ids);
      return ids.length > 0;
    },
  };
}
