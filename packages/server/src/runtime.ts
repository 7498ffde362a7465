// One configuration's pipeline: router, processors, grouping and receivers. A reload builds a new
// runtime (so a bad configuration fails before anything stops), drains the old one and starts the
// new one on the same store, silences and alert marker.
import { createPipeline } from '@phoenix-alerting/core';
import type {
  AlertMarker,
  Clock,
  Pipeline,
  PipelineOptions,
  NotificationAttemptStore,
  NotificationLogStore,
  Notifier,
  Processor,
  Store,
} from '@phoenix-alerting/core';
import type { EscalationEngine } from '@phoenix-alerting/escalation';
import { createDedupProcessor } from '@phoenix-alerting/processor-dedup';
import type { DedupProcessor } from '@phoenix-alerting/processor-dedup';
import { createGroupingDispatcher } from '@phoenix-alerting/processor-grouping';
import type { GroupingDispatcher } from '@phoenix-alerting/processor-grouping';
import { createInhibitor } from '@phoenix-alerting/processor-inhibit';
import type { Inhibitor } from '@phoenix-alerting/processor-inhibit';
import type { Silences } from '@phoenix-alerting/processor-silence';
import { createRouter, createTimeIntervalMuter } from '@phoenix-alerting/router';
import type { AlertmanagerRouter } from '@phoenix-alerting/router';
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createApiSource } from './api-source.js';
import type { ApiSource } from './api-source.js';
import type { LoadedConfig } from './load-server-config.js';
import { batchAttempts, recordAttempts } from './attempt-history.js';
import { buildEscalation } from './escalation.js';
import { createHandoffSource } from './handoffs.js';
import type { HandoffSource } from './handoffs.js';
import { buildReceivers } from './receivers.js';
import { buildSources, describeSource } from './sources.js';
import type { ConfiguredSource } from './sources.js';

/** Pipeline settings a host may tune; the rest comes from the configuration. */
export type TunablePipelineOptions = Pick<
  PipelineOptions,
  | 'ingestQueueSize'
  | 'deliveryQueueSize'
  | 'deliveryConcurrency'
  | 'retry'
  | 'notificationLogRetentionMs'
  | 'stopTimeoutMs'
>;

/** What every runtime shares, across reloads. */
export interface RuntimeShared {
  /** The store, without its lifecycle: the server opens and closes it, not each pipeline. */
  store: Store;
  clock: Clock;
  logger: Logger;
  marker: AlertMarker;
  silences: Silences;
  externalURL: string;
  consoleStream?: Writable;
  pipelineOptions?: TunablePipelineOptions;
}

export interface Runtime {
  readonly loaded: LoadedConfig;
  readonly router: AlertmanagerRouter;
  readonly dedup: DedupProcessor;
  readonly inhibitor: Inhibitor;
  readonly dispatcher: GroupingDispatcher;
  readonly pipeline: Pipeline;
  readonly source: ApiSource;
  /** Receiver names in configuration order. */
  readonly receiverNames: readonly string[];
  /** The `sources:` of the configuration (rule evaluation, health checks), in order. */
  readonly configuredSources: readonly ConfiguredSource[];
  /** The escalation engine, when the configuration has escalation policies or rotations. */
  readonly escalation?: EscalationEngine;
  /** Emits `OnCallHandoff` alerts at the rotations' handoffs (with the engine). */
  readonly handoffs?: HandoffSource;
  /** The notification log of the store (what was sent to whom). */
  readonly notificationLog: NotificationLogStore;
  /** The store's history of delivery attempts, when it keeps one. */
  readonly attempts?: NotificationAttemptStore;
  /** The URL notifications link back to; also the base of signed callback URLs (Twilio). */
  readonly externalURL: string;
  /** Every receiver integration built from the configuration (incl. the channels of pages). */
  readonly integrations: readonly Notifier[];
  /** Starts the pipeline, then resumes the groups of the stored alerts. */
  start(): Promise<void>;
  /** Drains and stops the pipeline. Runs once. */
  stop(): Promise<void>;
}

/**
 * Builds everything a configuration describes, without starting it.
 * @throws ConfigError for receivers, inhibition rules or time intervals that do not compile.
 */
export function buildRuntime(loaded: LoadedConfig, shared: RuntimeShared): Runtime {
  const { config } = loaded;
  const { clock, logger, marker, silences } = shared;
  const router = createRouter(config.route);
  const { receivers, unsupported } = buildReceivers(config, {
    file: loaded.file,
    externalURL: shared.externalURL,
    logger,
    clock,
    consoleStream: shared.consoleStream,
    ackLinkSecret: loaded.settings.integrations.ackLinkSecret,
  });
  const integrations = Object.values(receivers).flat();
  // Receivers with an escalation policy page through the engine; their integrations are its channels.
  // The attempt history, written in batches (one store call per 100 ms, not one per attempt).
  const attempts = shared.store.attempts
    ? batchAttempts(shared.store.attempts, { clock, logger })
    : undefined;
  const escalation = buildEscalation(config, receivers, {
    file: loaded.file,
    clock,
    logger,
    externalURL: shared.externalURL,
    attempts: () => attempts,
  });
  if (escalation) Object.assign(receivers, escalation.receivers);
  // Handoffs of the rotations become `OnCallHandoff` alerts, routed like any other.
  const handoffs = escalation ? createHandoffSource(escalation.engine) : undefined;
  const inhibitor = createInhibitor({ rules: config.inhibit_rules, marker });
  const muter = createTimeIntervalMuter([...config.mute_time_intervals, ...config.time_intervals]);
  const dedup = createDedupProcessor({ marker });
  const dispatcher = createGroupingDispatcher();
  const source = createApiSource();
  const configuredSources = buildSources(config, { file: loaded.file });

  // Alertmanager mutes at notification time; the order of the processors' `process` calls is
  // dedup → inhibition cache, and of their `mute` calls silence → inhibit → intervals.
  const inhibitObserver: Processor = {
    name: 'inhibit-observe',
    start: (context) => inhibitor.start(context),
    stop: () => inhibitor.stop(),
    process: (batch, context) => inhibitor.process(batch, context),
  };
  const silenceMuter: Processor = {
    name: 'silence',
    mute(notification, context) {
      const kept = [];
      for (const alert of notification.alerts) {
        const ids = silences.mutes(alert.labels, context.now);
        marker.setSilenced(alert.fingerprint, ids);
        if (ids.length === 0) kept.push(alert);
      }
      return kept;
    },
  };
  const inhibitMuter: Processor = {
    name: 'inhibit',
    mute: (notification, context) => inhibitor.mute(notification, context),
  };

  const pipeline = createPipeline({
    ...shared.pipelineOptions,
    // Started after everything downstream and stopped first, by the pipeline.
    sources: [
      source,
      ...configuredSources.map((configured) => configured.source),
      ...(handoffs ? [handoffs] : []),
    ],
    processors: [dedup, inhibitObserver, silenceMuter, inhibitMuter, muter],
    router,
    dispatcher,
    receivers,
    store: shared.store,
    clock,
    logger,
    resolveTimeoutMs: config.global.resolve_timeout,
  });

  let stopped: Promise<void> | undefined;
  let stopRecording = () => {};
  return {
    loaded,
    router,
    dedup,
    inhibitor,
    dispatcher,
    pipeline,
    source,
    receiverNames: config.receivers.map((receiver) => receiver.name),
    configuredSources,
    notificationLog: shared.store.notificationLog,
    ...(attempts ? { attempts } : {}),
    externalURL: shared.externalURL,
    integrations,
    ...(escalation ? { escalation: escalation.engine } : {}),
    ...(handoffs ? { handoffs } : {}),
    async start() {
      for (const { receiver, integration } of unsupported) {
        logger.warn(
          { receiver, integration },
          `receiver "${receiver}": ${integration} not yet supported by this server; ` +
            'nothing is sent through it',
        );
      }
      if (escalation) {
        const context = { clock, logger, store: shared.store, events: pipeline.events };
        for (const channel of escalation.channels) await channel.start?.(context);
        await escalation.engine.start(context);
      }
      if (attempts) stopRecording = recordAttempts(pipeline.events, attempts, { clock, logger });
      await pipeline.start();
      for (const configured of configuredSources)
        logger.info(describeSource(configured), 'source started');
      const alerts = dedup.alerts();
      const result = await dispatcher.restore(
        alerts,
        alerts.map((alert) => router.match(alert.labels)),
      );
      if (alerts.length > 0) logger.info(result, 'aggregation groups restored');
    },
    stop() {
      return (stopped ??= (async () => {
        try {
          await pipeline.stop();
          if (escalation) {
            const deadline = clock.now() + 10_000;
            const signal = AbortSignal.timeout(10_000);
            await escalation.engine.stop({ deadline, signal });
            for (const channel of escalation.channels) await channel.stop?.({ deadline, signal });
          }
        } finally {
          stopRecording();
          await attempts?.stop();
        }
      })());
    },
  };
}
