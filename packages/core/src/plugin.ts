import type { Logger } from 'pino';
import type { Alert, AlertInput } from './alert.js';
import type { Clock } from './clock.js';
import type { Notification, RouteMatch } from './notification.js';
import type { PipelineEvents } from './events.js';
import type { Store } from './store.js';

/** Passed to `stop`: how long the plugin has to finish in-flight work. */
export interface StopOptions {
  /** Absolute deadline (ms since epoch, on the pipeline's clock) for draining in-flight work. */
  deadline: number;
  /** Aborted when the deadline passes: abandon what is still running. */
  signal: AbortSignal;
}

/** Shared services handed to every plugin when it starts. */
export interface PluginContext {
  clock: Clock;
  logger: Logger;
  store: Store;
  events: PipelineEvents;
}

/**
 * Start/stop hooks every plugin may implement. The pipeline calls `start` once before use and
 * `stop` once at shutdown, in data-flow order (sources first, store last). `stop` drains in-flight
 * work until `options.deadline`, then gives up.
 */
export interface Lifecycle {
  start?(context: PluginContext): void | Promise<void>;
  stop?(options: StopOptions): void | Promise<void>;
}

/** One invalid alert of an emitted batch: its index in the batch and what is wrong. */
export interface RejectedAlert {
  index: number;
  reason: string;
}

/** What became of an emitted batch. Valid alerts are accepted even when others are rejected. */
export interface EmitResult {
  accepted: number;
  rejected: RejectedAlert[];
  /**
   * Resolves once the accepted alerts have been through every processor and the dispatcher (merged,
   * stored, grouped), also when the pipeline stops meanwhile: a push API can answer then, so that a
   * client reading right after writing sees its alerts. The pipeline always sets it; hand-written
   * results (test doubles) may leave it out.
   */
  processed?: Promise<void>;
}

/** Given to a source when it starts: where to send alerts. */
export interface SourceContext extends PluginContext {
  /**
   * Hands a batch to the pipeline. Resolves once the batch is accepted into the bounded ingest
   * queue, so a slow pipeline slows the producer instead of growing memory. Rejects with
   * `ERR_PIPELINE_STOPPED` after the pipeline has stopped.
   */
  emit(alerts: readonly AlertInput[]): Promise<EmitResult>;
}

/** Produces alerts: rule evaluation, the Alertmanager push API, health checks. */
export interface Source extends Lifecycle {
  /** Unique name, used in logs and events. */
  readonly name: string;
  start(context: SourceContext): void | Promise<void>;
}

/** Context of a processor call. */
export interface ProcessContext extends PluginContext {
  /** The time of this pipeline tick (ms since epoch), read once and passed down. */
  now: number;
}

/**
 * Transforms or annotates alerts. `process` runs on each accepted batch before routing (dedup,
 * normalisation); `mute` runs on each flushed notification before delivery and returns the
 * alerts that may still be notified (silences, inhibition, time intervals mute at flush time as
 * in Alertmanager, so a silence created later still takes effect). A processor that throws is
 * skipped for that batch and reported as `plugin-failed`; the batch carries on unchanged.
 */
export interface Processor extends Lifecycle {
  readonly name: string;
  process?(
    batch: readonly Alert[],
    context: ProcessContext,
  ): readonly Alert[] | Promise<readonly Alert[]>;
  mute?(
    notification: Notification,
    context: ProcessContext,
  ): readonly Alert[] | Promise<readonly Alert[]>;
}

/** Answers which routes an alert takes, with their settings. Must be fast and synchronous. */
export interface Router {
  /** The matching routes in match order; never empty (the root route matches everything). */
  match(labels: Alert['labels']): readonly RouteMatch[];
}

/** Given to a dispatcher: how it hands a flushed group to delivery. */
export interface DispatchContext extends PluginContext {
  /**
   * Mutes (processors' `mute`) and queues a notification for every integration of its receiver.
   * Resolves once queued (waiting while a receiver's queue is full) with a receipt whose
   * `delivered` settles when every integration has delivered it (`true`), or one gave up (`false`).
   */
  notify(notification: Notification): Promise<NotifyReceipt>;
}

/** Returned by {@link DispatchContext.notify} once a notification is queued. */
export interface NotifyReceipt {
  /**
   * `true` once every integration delivered it or had nothing new to send (notification log),
   * `false` when one gave up; muted notifications resolve `true` at once. Never rejects.
   */
  delivered: Promise<boolean>;
}

/**
 * Turns routed alerts into notifications: `@phoenix-alerting/processor-grouping` implements
 * Alertmanager's aggregation groups and timers. Without one, the pipeline notifies each batch's
 * alerts per route at once.
 */
export interface Dispatcher extends Lifecycle {
  start(context: DispatchContext): void | Promise<void>;
  /** Takes a processed batch with the routes each alert matched (same order as `batch`). */
  dispatch(
    batch: readonly Alert[],
    routes: readonly (readonly RouteMatch[])[],
    now: number,
  ): void | Promise<void>;
}

/** Why a delivery failed. */
export type DeliveryFailureReason =
  'client' | 'server' | 'rate-limited' | 'timeout' | 'canceled' | 'auth' | 'network';

/** The outcome of one delivery attempt. */
export type DeliveryResult =
  | { ok: true; statusCode?: number }
  | {
      ok: false;
      /** Whether another attempt may succeed (5xx, network, 429: yes; other 4xx: no). */
      retryable: boolean;
      reason: DeliveryFailureReason;
      statusCode?: number;
      /** What went wrong, free of secrets. */
      message: string;
      /** A server-requested wait before the next attempt (e.g. `Retry-After`), in ms. */
      retryAfterMs?: number;
    };

/** Options of one delivery attempt. */
export interface NotifyOptions {
  /** Aborted at the delivery deadline or at shutdown. */
  signal: AbortSignal;
  /** 1 for the first attempt. */
  attempt: number;
  /**
   * The same for every attempt at this notification, and for its re-send after a crash (it is
   * derived from the group, the integration, the alerts and the notification-log entry the
   * decision was based on). Channels that can deduplicate should pass it on (HTTP:
   * `Idempotency-Key`), so a notification cut off by a crash between delivery and logging is not
   * shown twice.
   */
  idempotencyKey: string;
}

/**
 * Delivers notifications to one channel (one Alertmanager receiver integration). A notifier makes
 * exactly one attempt per call; the pipeline owns retries, backoff and deadlines.
 */
export interface Notifier extends Lifecycle {
  /** Integration name, e.g. `webhook`, `slack`. */
  readonly name: string;
  /** Whether resolved-only notifications are delivered (Alertmanager's `send_resolved`). */
  readonly sendResolved?: boolean;
  /**
   * The most delivery attempts the pipeline starts per `intervalMs` for this integration (a
   * sliding window on the pipeline's clock; retries count, and an attempt counts until it has
   * answered, so the vendor sees the limit even when requests reach it late). Set it to the
   * vendor's published limit, e.g. Slack's `{ limit: 1, intervalMs: 1000 }` per channel. Absent:
   * no limit. Independently of it, a `rate-limited` result with `retryAfterMs` pauses every attempt
   * of this integration (not only the notification that got it) until the wait has passed.
   */
  readonly rateLimit?: {
    /** Attempts per window; a positive whole number. */
    readonly limit: number;
    /** Window length, in ms; positive. */
    readonly intervalMs: number;
    /**
     * Limits apply per key when given, e.g. Slack's per channel: `(n) => channelOf(n)`. Called
     * once per notification before its first attempt; must be fast and not throw. Default: one
     * limit for the whole integration. A server-requested pause holds every key.
     */
    readonly key?: (notification: Notification) => string;
  };
  notify(notification: Notification, options: NotifyOptions): Promise<DeliveryResult>;
}

/** An automated action to run, as the escalation engine asks for it. */
export interface ResponseRequest {
  /** Action type, e.g. `RestartService`, `ScaleUp`, `EnableCircuitBreaker`, `ExecuteRunbook`. */
  action: string;
  /** Action parameters, as configured. */
  params: Readonly<Record<string, unknown>>;
  /** Unique per attempt, so an adapter can make a retried action idempotent. */
  idempotencyKey: string;
  /** Alerts that triggered the response. */
  alerts: readonly Alert[];
}

export interface ResponseResult {
  ok: boolean;
  /** What happened, shown on the incident timeline. */
  message: string;
  retryable?: boolean;
}

/** Runs automated responses (spec 8.1) through a pluggable adapter. */
export interface Responder extends Lifecycle {
  readonly name: string;
  /** Action types this responder handles. */
  readonly actions: readonly string[];
  respond(request: ResponseRequest, options: { signal: AbortSignal }): Promise<ResponseResult>;
}
