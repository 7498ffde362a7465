import { createLogger } from '@phoenix-alerting/core';
import type { Clock, Logger, TimerHandle } from '@phoenix-alerting/core';
import type { OnCallSchedule, Shift } from './types.js';

/** One handoff: `outgoing`'s shift ended at `at` and `incoming`'s began. */
export interface HandoffEvent {
  rotation: string;
  /** The shift that ended (as the schedule sees it at the handoff, overrides applied). */
  outgoing: Shift;
  /** The shift that began. */
  incoming: Shift;
  /** The handoff instant, ms since the epoch (the timer may fire later than this). */
  at: number;
}

/** Options of {@link createHandoffNotifier}. */
export interface HandoffNotifierOptions {
  /**
   * The current schedule, read at every handoff, so reloaded configuration and new overrides are
   * seen; call `refresh()` after a change to re-arm at once.
   */
  schedule: () => OnCallSchedule;
  /** Source of time and timers. */
  clock: Clock;
  /** Called at each handoff where the person changes. May return a promise; its failure goes to `onError`. */
  onHandoff: (event: HandoffEvent) => void | Promise<void>;
  /** The rotations to watch; default every rotation of the schedule (read at creation and `refresh()`). */
  rotations?: readonly string[];
  /** Gets every failure (of `onHandoff` or of the schedule). Default: logged at error level. */
  onError?: (error: unknown, context: { rotation: string; event?: HandoffEvent }) => void;
  /** For the default `onError`. Default: core's `createLogger()`. */
  logger?: Logger;
}

/** A running handoff notifier. */
export interface HandoffNotifier {
  /** When the next handoff of `rotation` is due (ms since the epoch), or undefined if none is armed. */
  nextHandoff(rotation: string): number | undefined;
  /** Re-reads the schedule and re-arms every rotation's timer from now (after a reload or override change). */
  refresh(): void;
  /** Cancels every timer; later calls do nothing. */
  stop(): void;
}

/**
 * Calls `onHandoff({ rotation, outgoing, incoming, at })` at every handoff of the watched
 * rotations (override boundaries included), with one Clock timer per rotation, re-armed after each
 * handoff. Handoffs where the same person stays on call are not reported. A timer that fires late
 * reports every handoff it missed, in order. Starts at once.
 */
export function createHandoffNotifier(options: HandoffNotifierOptions): HandoffNotifier {
  const { clock, onHandoff } = options;
  const onError =
    options.onError ??
    ((error: unknown, context: { rotation: string; event?: HandoffEvent }) => {
      (options.logger ?? createLogger()).error(
        { err: error, rotation: context.rotation },
        'on-call handoff notification failed',
      );
    });
  const armed = new Map<string, { due: number; timer: TimerHandle }>();
  let stopped = false;

  const report = (event: HandoffEvent) => {
    try {
      const result = onHandoff(event);
      if (result && typeof result.then === 'function') {
        result.then(undefined, (error: unknown) =>
          onError(error, { rotation: event.rotation, event }),
        );
      }
    } catch (error) {
      onError(error, { rotation: event.rotation, event });
    }
  };

  const arm = (rotation: string, due: number) => {
    const timer = clock.setTimeout(() => fire(rotation, due), due - clock.now());
    armed.set(rotation, { due, timer });
  };

  const fire = (rotation: string, due: number) => {
    armed.delete(rotation);
    if (stopped) return;
    const now = clock.now();
    let at = due;
    try {
      const schedule = options.schedule();
      for (;;) {
        const incoming = schedule.shiftAt(rotation, at);
        if (at > now) return arm(rotation, at);
        const outgoing = schedule.shiftAt(rotation, at - 1);
        if (incoming.start === at && outgoing.person.name !== incoming.person.name) {
          report({ rotation, outgoing, incoming, at });
        }
        at = incoming.end;
      }
    } catch (error) {
      onError(error, { rotation });
    }
  };

  const start = () => {
    const schedule = options.schedule();
    const now = clock.now();
    for (const rotation of options.rotations ?? schedule.rotations) {
      try {
        arm(rotation, schedule.shiftAt(rotation, now).end);
      } catch (error) {
        onError(error, { rotation });
      }
    }
  };

  const cancel = () => {
    for (const { timer } of armed.values()) clock.clearTimeout(timer);
    armed.clear();
  };

  start();
  return {
    nextHandoff: (rotation) => armed.get(rotation)?.due,
    refresh() {
      if (stopped) return;
      cancel();
      start();
    },
    stop() {
      stopped = true;
      cancel();
    },
  };
}
