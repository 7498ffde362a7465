import { createPipeline } from '@phoenix-alerting/core';
import type {
  Alert,
  AlertInput,
  Notification,
  Notifier,
  PipelineOptions,
  RouteMatch,
  Router,
  Store,
} from '@phoenix-alerting/core';
import { FakeClock, buildRoute, createMemoryStore, flushMicrotasks } from '@phoenix-alerting/core/testing';
import { pino } from 'pino';
import { createGroupingDispatcher } from '../grouping-dispatcher.js';
import type { GroupingDispatcher } from '../types.js';

/** 2024-01-01T00:00:00Z: every timeline is written as an offset from it. */
export const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

export interface Sent {
  /** ms after T0 */
  at: number;
  notification: Notification;
}

/** A notifier that records what it delivers and fails while `failing` is set. */
export function recordingNotifier(clock: FakeClock, options: { sendResolved?: boolean } = {}) {
  const sent: Sent[] = [];
  let attempts = 0;
  const notifier: Notifier & { sent: Sent[]; failing: boolean; attempts(): number } = {
    name: 'recorder',
    sendResolved: options.sendResolved ?? true,
    sent,
    failing: false,
    attempts: () => attempts,
    async notify(notification) {
      attempts++;
      if (notifier.failing)
        return { ok: false, retryable: false, reason: 'server', statusCode: 500, message: 'down' };
      sent.push({ at: clock.now() - T0, notification });
      return { ok: true };
    },
  };
  return notifier;
}

/** A router with fixed routes for every alert. */
export function staticRoutes(...routes: RouteMatch[]): Router {
  return { match: () => routes };
}

/** A route with Alertmanager's default timers except a one-hour repeat, grouped by alertname. */
export function route(overrides: Partial<RouteMatch> = {}): RouteMatch {
  return buildRoute({ groupBy: ['alertname'], repeatIntervalMs: HOUR, ...overrides });
}

export interface HarnessOptions {
  router?: Router;
  store?: Store;
  clock?: FakeClock;
  sendResolved?: boolean;
  notifier?: Notifier;
  /** Receiver names that get the notifier. Default `['default']`. */
  receivers?: string[];
  pipeline?: Partial<PipelineOptions>;
}

/** A real pipeline with the grouping dispatcher, a FakeClock and a recording notifier. */
export function harness(options: HarnessOptions = {}) {
  const clock = options.clock ?? new FakeClock(T0);
  const store = options.store ?? createMemoryStore();
  const router = options.router ?? staticRoutes(route());
  const recorder = recordingNotifier(clock, { sendResolved: options.sendResolved });
  const notifier = options.notifier ?? recorder;
  const dispatcher: GroupingDispatcher = createGroupingDispatcher();
  const accepted: Alert[] = [];
  const receivers = new Set(options.receivers ?? ['default']);
  const pipeline = createPipeline({
    clock,
    store,
    router,
    dispatcher,
    receivers: Object.fromEntries([...receivers].map((name) => [name, [notifier]])),
    logger: pino({ level: 'silent' }),
    ...options.pipeline,
  });
  pipeline.events.on('batch-accepted', (event) => accepted.push(...event.alerts));
  return {
    clock,
    store,
    router,
    dispatcher,
    pipeline,
    notifier: recorder,
    accepted,
    /** Emits alerts at the current time and lets the pipeline route and group them. */
    async emit(...alerts: AlertInput[]) {
      await pipeline.emit(alerts);
      await flushMicrotasks();
    },
    /** Moves the clock to `ms` after T0. */
    at: (ms: number) => clock.advanceTo(T0 + ms),
    /** `at` in ms after T0 and the alerts as `instance:status`, for compact timeline assertions. */
    timeline: () =>
      recorder.sent.map(({ at, notification }) => ({
        at,
        groupKey: notification.groupKey,
        alerts: notification.alerts.map(
          (alert) =>
            `${alert.labels.instance ?? alert.labels.alertname}:${
              alert.endsAt !== 0 && alert.endsAt <= notification.timestamp ? 'resolved' : 'firing'
            }`,
        ),
      })),
  };
}

/** Labels of a test alert; `endsAt` far ahead so that it stays firing until resolved. */
export function firing(labels: Record<string, string>, extra: Partial<AlertInput> = {}): AlertInput {
  return { labels, endsAt: T0 + 24 * HOUR, ...extra };
}
