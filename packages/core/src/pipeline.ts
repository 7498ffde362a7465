import type { Logger } from 'pino';
import { createAlert } from './alert.js';
import type { Alert, AlertInput } from './alert.js';
import { BoundedBatchQueue } from './bounded-queue.js';
import { systemClock } from './clock.js';
import type { Clock } from './clock.js';
import { DeliveryQueue } from './delivery.js';
import type { RetryOptions } from './delivery.js';
import { createPipelineEvents } from './events.js';
import type { PipelineEvents } from './events.js';
import { createLogger } from './logger.js';
import { createMemoryStore } from './memory-store.js';
import type { Notification, RouteMatch } from './notification.js';
import type {
  DispatchContext,
  Dispatcher,
  EmitResult,
  Lifecycle,
  Notifier,
  NotifyReceipt,
  PluginContext,
  Processor,
  RejectedAlert,
  Responder,
  Router,
  Source,
  StopOptions,
} from './plugin.js';
import { createStaticRouter } from './static-router.js';
import type { Store } from './store.js';

export interface PipelineOptions {
  /** Producers of alerts; each gets `emit` when the pipeline starts. */
  sources?: readonly Source[];
  /** Run in order on each batch (`process`) and on each flushed notification (`mute`). */
  processors?: readonly Processor[];
  /** Routing tree. Default: every alert goes to the receiver `default`. */
  router?: Router;
  /** Grouping. Default: each batch is notified at once, one notification per route. */
  dispatcher?: Dispatcher;
  /** The integrations of each receiver, by receiver name. */
  receivers?: Readonly<Record<string, readonly Notifier[]>>;
  responders?: readonly Responder[];
  /** Default: an in-memory store (state is lost on exit). */
  store?: Store;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: a pino logger with Phoenix's redaction rules. */
  logger?: Logger;
  /** Alerts accepted but not yet processed before `emit` waits. Default 10 000. */
  ingestQueueSize?: number;
  /** Notifications queued per integration before dispatch waits. Default 1 000. */
  deliveryQueueSize?: number;
  /** Deliveries in flight per integration. Default 4. */
  deliveryConcurrency?: number;
  /** `endsAt` given to alerts that arrive without one, in ms (`resolve_timeout`). Default 5m. */
  resolveTimeoutMs?: number;
  retry?: RetryOptions;
  /** How long notification log entries are kept, in ms. Default 120h (Alertmanager's retention). */
  notificationLogRetentionMs?: number;
  /** Time `stop()` allows for draining before it aborts in-flight work, in ms. Default 10 000. */
  stopTimeoutMs?: number;
}

/** Queue depths, for metrics and tests. */
export interface PipelineStats {
  /** Alerts accepted and waiting for processing. */
  ingestQueued: number;
  /** Producers waiting for room in the ingest queue. */
  ingestWaiting: number;
  /** Notifications waiting or in flight, per integration. */
  deliveryQueued: Record<string, number>;
}

export interface Pipeline {
  readonly events: PipelineEvents;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Starts plugins in data-flow order from the store up; then sources. Runs once. */
  start(): Promise<void>;
  /** Hands in a batch as the host application's own source (named `api`). */
  emit(alerts: readonly AlertInput[]): Promise<EmitResult>;
  /** Stops sources, drains the queues, then stops everything downstream in order. Runs once. */
  stop(): Promise<void>;
  stats(): PipelineStats;
}

const DEFAULT_RESOLVE_TIMEOUT_MS = 5 * 60_000;

/** Composes sources, processors, a router, a dispatcher and notifiers into a running pipeline. */
export function createPipeline(options: PipelineOptions = {}): Pipeline {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const store = options.store ?? createMemoryStore();
  const events = createPipelineEvents();
  const sources = options.sources ?? [];
  const processors = options.processors ?? [];
  const router = options.router ?? createStaticRouter({ receiver: 'default' });
  const responders = options.responders ?? [];
  const resolveTimeoutMs = options.resolveTimeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const ingest = new BoundedBatchQueue<Alert>(options.ingestQueueSize ?? 10_000);
  /** Settles each queued batch's `EmitResult.processed`. */
  const batchProcessed = new WeakMap<Alert[], () => void>();
  const shutdown = new AbortController();
  const context: PluginContext = { clock, logger, store, events };

  const reportFailure = (plugin: string, stage: string, error: unknown) => {
    logger.error({ err: error, plugin, stage }, `${plugin} failed in ${stage}`);
    events.emit('plugin-failed', { plugin, stage, error });
  };

  /** Runs a plugin call; a throw is reported and yields `fallback`, never propagates. */
  async function isolate<T>(
    plugin: string,
    stage: string,
    fallback: T,
    call: () => T | Promise<T>,
  ): Promise<T> {
    try {
      return await call();
    } catch (error) {
      reportFailure(plugin, stage, error);
      return fallback;
    }
  }

  const deliveryQueues = new Map<string, DeliveryQueue[]>();
  for (const [receiver, notifiers] of Object.entries(options.receivers ?? {})) {
    const ids = integrationIds(receiver, notifiers);
    deliveryQueues.set(
      receiver,
      notifiers.map(
        (notifier, index) =>
          new DeliveryQueue({
            integration: ids[index]!,
            notifier,
            clock,
            logger,
            events,
            notificationLog: store.notificationLog,
            maxQueued: options.deliveryQueueSize ?? 1_000,
            concurrency: options.deliveryConcurrency ?? 4,
            retry: options.retry ?? {},
            logRetentionMs: options.notificationLogRetentionMs ?? 120 * 3_600_000,
            shutdownSignal: shutdown.signal,
          }),
      ),
    );
  }

  async function notify(notification: Notification): Promise<NotifyReceipt> {
    const now = clock.now();
    let alerts = notification.alerts;
    for (const processor of processors) {
      if (!processor.mute || alerts.length === 0) continue;
      const current = { ...notification, alerts };
      alerts = await isolate(processor.name, 'mute', alerts, () =>
        processor.mute!(current, { ...context, now }),
      );
    }
    if (alerts.length === 0) {
      events.emit('notification-muted', { notification });
      return { delivered: Promise.resolve(true) };
    }
    const queues = deliveryQueues.get(notification.receiver);
    if (!queues) {
      logger.warn(
        { receiver: notification.receiver },
        'notification for a receiver without integrations',
      );
      return { delivered: Promise.resolve(true) };
    }
    const outcomes: Promise<boolean>[] = [];
    for (const queue of queues)
      outcomes.push((await queue.enqueue({ ...notification, alerts })).delivered);
    return { delivered: Promise.all(outcomes).then((results) => results.every(Boolean)) };
  }

  const dispatchContext: DispatchContext = { ...context, notify };
  const dispatcher: Dispatcher = options.dispatcher ?? createImmediateDispatcher(dispatchContext);

  async function emitFrom(source: string, inputs: readonly AlertInput[]): Promise<EmitResult> {
    const now = clock.now();
    const accepted: Alert[] = [];
    const rejected: RejectedAlert[] = [];
    inputs.forEach((input, index) => {
      try {
        accepted.push(createAlert(input, { now, resolveTimeoutMs }));
      } catch (error) {
        rejected.push({ index, reason: error instanceof Error ? error.message : String(error) });
      }
    });
    let processed = Promise.resolve();
    if (accepted.length > 0) {
      processed = new Promise((resolve) => batchProcessed.set(accepted, resolve));
      await ingest.push(accepted);
    }
    events.emit('batch-accepted', { source, alerts: accepted, rejected: rejected.length });
    return { accepted: accepted.length, rejected, processed };
  }

  async function processBatch(batch: Alert[]): Promise<void> {
    const now = clock.now();
    let alerts: readonly Alert[] = batch;
    for (const processor of processors) {
      if (!processor.process) continue;
      const input = alerts;
      alerts = await isolate(processor.name, 'process', input, () =>
        processor.process!(input, { ...context, now }),
      );
    }
    if (alerts.length === 0) return;
    // Routed one by one, so that a router failing on one alert does not hold back the others (the
    // failed alert stays stored by the processors and is reported as plugin-failed).
    const routed: Alert[] = [];
    const routes: (readonly RouteMatch[])[] = [];
    for (const alert of alerts) {
      try {
        routes.push(router.match(alert.labels));
        routed.push(alert);
      } catch (error) {
        reportFailure('router', 'match', error);
      }
    }
    if (routed.length === 0) return;
    await isolate('dispatcher', 'dispatch', undefined, () =>
      dispatcher.dispatch(routed, routes, now),
    );
  }

  let worker: Promise<void> | undefined;
  async function work(): Promise<void> {
    for (let batch = await ingest.shift(); batch; batch = await ingest.shift()) {
      try {
        await processBatch(batch);
      } finally {
        ingest.done(batch);
        batchProcessed.get(batch)?.();
      }
    }
  }

  const plugins = (): { name: string; plugin: Lifecycle }[] => [
    ...sources.map((plugin) => ({ name: plugin.name, plugin })),
    ...processors.map((plugin) => ({ name: plugin.name, plugin })),
    { name: 'dispatcher', plugin: dispatcher },
    ...Object.entries(options.receivers ?? {}).flatMap(([receiver, notifiers]) => {
      const ids = integrationIds(receiver, notifiers);
      return notifiers.map((plugin, index) => ({ name: ids[index]!, plugin }));
    }),
    ...responders.map((plugin) => ({ name: plugin.name, plugin })),
    { name: 'store', plugin: store },
  ];

  let started: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  async function start(): Promise<void> {
    // Downstream first, so that nothing a source emits finds a stage not yet started.
    for (const { name, plugin } of plugins().reverse()) {
      if (sources.includes(plugin as Source)) continue;
      if (plugin === dispatcher)
        await isolate(name, 'start', undefined, () => dispatcher.start(dispatchContext));
      else if (plugin.start) await isolate(name, 'start', undefined, () => plugin.start!(context));
    }
    worker = work();
    for (const source of sources) {
      await isolate(source.name, 'start', undefined, () =>
        source.start({ ...context, emit: (alerts) => emitFrom(source.name, alerts) }),
      );
    }
  }

  async function stop(): Promise<void> {
    const deadline = clock.now() + stopTimeoutMs;
    const deadlineTimer = clock.setTimeout(
      () => shutdown.abort(new Error('shutdown deadline exceeded')),
      stopTimeoutMs,
    );
    const stopOptions: StopOptions = { deadline, signal: shutdown.signal };
    const stopPlugin = async ({ name, plugin }: { name: string; plugin: Lifecycle }) => {
      if (plugin.stop) await isolate(name, 'stop', undefined, () => plugin.stop!(stopOptions));
    };
    const all = plugins();
    for (const entry of all.filter(({ plugin }) => sources.includes(plugin as Source)))
      await stopPlugin(entry);
    ingest.close();
    await worker;
    for (const entry of all.filter(
      ({ plugin }) => processors.includes(plugin as Processor) || plugin === dispatcher,
    ))
      await stopPlugin(entry);
    const idle = Promise.all([...deliveryQueues.values()].flat().map((queue) => queue.onIdle()));
    await Promise.race([
      idle,
      new Promise((resolve) => shutdown.signal.addEventListener('abort', resolve, { once: true })),
    ]);
    const rest = all.filter(
      ({ plugin }) =>
        !sources.includes(plugin as Source) &&
        !processors.includes(plugin as Processor) &&
        plugin !== dispatcher,
    );
    for (const entry of rest) await stopPlugin(entry);
    clock.clearTimeout(deadlineTimer);
  }

  return {
    events,
    store,
    clock,
    logger,
    start: () => (started ??= start()),
    emit: (alerts) => emitFrom('api', alerts),
    stop: () => (stopped ??= (started ?? Promise.resolve()).then(stop)),
    stats: () => ({
      ingestQueued: ingest.size,
      ingestWaiting: ingest.waiting,
      deliveryQueued: Object.fromEntries(
        [...deliveryQueues.values()].flat().map((queue) => [queue.integration, queue.size]),
      ),
    }),
  };
}

/**
 * Alertmanager's identity of a receiver integration, `receiver/type/index`, where the index counts
 * the receiver's integrations of that type only (its position in, say, `webhook_configs`), so that
 * adding an integration of another type does not change the notification-log key of this one.
 */
export function integrationIds(receiver: string, notifiers: readonly Notifier[]): string[] {
  const seen = new Map<string, number>();
  return notifiers.map((notifier) => {
    const index = seen.get(notifier.name) ?? 0;
    seen.set(notifier.name, index + 1);
    return `${receiver}/${notifier.name}/${index}`;
  });
}

/** The dispatcher used without grouping: one notification per route for each batch, at once. */
function createImmediateDispatcher(context: DispatchContext): Dispatcher {
  return {
    start() {},
    async dispatch(batch, routes, now) {
      const byRoute = new Map<string, { route: RouteMatch; alerts: Alert[] }>();
      batch.forEach((alert, index) => {
        for (const route of routes[index] ?? []) {
          const entry = byRoute.get(route.routeId) ?? { route, alerts: [] };
          entry.alerts.push(alert);
          byRoute.set(route.routeId, entry);
        }
      });
      for (const { route, alerts } of byRoute.values()) {
        await context.notify({
          receiver: route.receiver,
          groupKey: `${route.routeKey}:{}`,
          groupLabels: {},
          alerts,
          timestamp: now,
          route,
        });
      }
    },
  };
}
