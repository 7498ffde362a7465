// One configuration's pipeline: router, processors, grouping and receivers. A reload builds a new
// runtime (so a bad configuration fails before anything stops), drains the old one and starts the
// new one on the same store, silences and alert marker.
import { createPipeline } from '@phoenix-alerting/core';
import type {
  AlertMarker,
  Clock,
  Pipeline,
  PipelineOptions,
  Processor,
  Store,
} from '@phoenix-alerting/core';
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
import { IngestTracker, createApiSource } from './api-source.js';
import type { ApiSource } from './api-source.js';
import type { LoadedConfig } from './load-server-config.js';
import { buildReceivers } from './receivers.js';

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
  readonly tracker: IngestTracker;
  /** Receiver names in configuration order. */
  readonly receiverNames: readonly string[];
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
  });
  const inhibitor = createInhibitor({ rules: config.inhibit_rules, marker });
  const muter = createTimeIntervalMuter([...config.mute_time_intervals, ...config.time_intervals]);
  const dedup = createDedupProcessor({ marker });
  const tracker = new IngestTracker();
  const dispatcher = createGroupingDispatcher();
  const source = createApiSource();

  // Alertmanager mutes at notification time; the order of the processors' `process` calls is
  // dedup → inhibition cache → tracker, and of their `mute` calls silence → inhibit → intervals.
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
    sources: [source],
    processors: [dedup, inhibitObserver, tracker.processor, silenceMuter, inhibitMuter, muter],
    router,
    dispatcher: tracker.dispatcher(dispatcher),
    receivers,
    store: shared.store,
    clock,
    logger,
    resolveTimeoutMs: config.global.resolve_timeout,
  });

  let stopped: Promise<void> | undefined;
  return {
    loaded,
    router,
    dedup,
    inhibitor,
    dispatcher,
    pipeline,
    source,
    tracker,
    receiverNames: config.receivers.map((receiver) => receiver.name),
    async start() {
      for (const { receiver, integration } of unsupported) {
        logger.warn(
          { receiver, integration },
          `receiver "${receiver}": ${integration} not yet supported by this server; ` +
            'nothing is sent through it',
        );
      }
      await pipeline.start();
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
        } finally {
          tracker.releaseAll();
        }
      })());
    },
  };
}
