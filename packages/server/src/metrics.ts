// `/metrics`: Alertmanager's metric names (api/metrics, notify/notify.go, main.go) fed from pipeline
// events and stats, plus Phoenix's queue and plugin figures. One registry per server, so that a
// process (or a test) may run several.
import {
  alertmanagerIntegrationKeys,
  isResolved,
  phoenixIntegrationKeys,
  silenceState,
} from '@phoenix-alerting/core';
import type {
  AlertMarker,
  Clock,
  DeliveryFailureReason,
  PipelineEvents,
} from '@phoenix-alerting/core';
import type { Silences } from '@phoenix-alerting/processor-silence';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Runtime } from './runtime.js';
import { registerSourceMetrics } from './source-metrics.js';
import { ALERTMANAGER_VERSION, REVISION } from './version.js';

/** What the gauges read when scraped. */
export interface MetricsSource {
  clock: Clock;
  marker: AlertMarker;
  silences: Silences;
  /** The running runtime, if any. */
  runtime(): Runtime | undefined;
}

/** Alertmanager's failure reason label values (notify.possibleFailureReasonCategory). */
const reasonLabel: Record<DeliveryFailureReason, string> = {
  client: 'clientError',
  auth: 'clientError',
  server: 'serverError',
  'rate-limited': 'other',
  network: 'other',
  timeout: 'contextDeadlineExceeded',
  canceled: 'contextCanceled',
};
const REASONS = [
  'other',
  'clientError',
  'serverError',
  'contextCanceled',
  'contextDeadlineExceeded',
];

/** The integration type in `receiver/integration/index`, e.g. `webhook`. */
export function integrationType(integration: string): string {
  const parts = integration.split('/');
  return parts.length >= 3 ? parts[parts.length - 2]! : integration;
}

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly received: Counter<'status' | 'version'>;
  private readonly invalid: Counter<'version'>;
  private readonly notifications: Counter<'integration'>;
  private readonly notificationsFailed: Counter<'integration' | 'reason'>;
  private readonly requests: Counter<'integration'>;
  private readonly requestsFailed: Counter<'integration'>;
  private readonly latency: Histogram<'integration'>;
  private readonly pluginFailures: Counter<'plugin' | 'stage'>;
  private readonly reloadSuccessful: Gauge;
  private readonly reloadTimestamp: Gauge;
  private readonly configHash: Gauge;

  constructor(source: MetricsSource, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    this.received = new Counter({
      name: 'alertmanager_alerts_received_total',
      help: 'The total number of received alerts.',
      // Alertmanager 0.25 adds the API version as a constant label.
      labelNames: ['status', 'version'],
      registers,
    });
    this.invalid = new Counter({
      name: 'alertmanager_alerts_invalid_total',
      help: 'The total number of received alerts that were invalid.',
      labelNames: ['version'],
      registers,
    });
    for (const status of ['firing', 'resolved']) this.received.inc({ status, version: 'v2' }, 0);
    this.invalid.inc({ version: 'v2' }, 0);

    this.notifications = new Counter({
      name: 'alertmanager_notifications_total',
      help: 'The total number of attempted notifications.',
      labelNames: ['integration'],
      registers,
    });
    this.notificationsFailed = new Counter({
      name: 'alertmanager_notifications_failed_total',
      help: 'The total number of failed notifications.',
      labelNames: ['integration', 'reason'],
      registers,
    });
    this.requests = new Counter({
      name: 'alertmanager_notification_requests_total',
      help: 'The total number of attempted notification requests.',
      labelNames: ['integration'],
      registers,
    });
    this.requestsFailed = new Counter({
      name: 'alertmanager_notification_requests_failed_total',
      help: 'The total number of failed notification requests.',
      labelNames: ['integration'],
      registers,
    });
    this.latency = new Histogram({
      name: 'alertmanager_notification_latency_seconds',
      help: 'The latency of notifications in seconds.',
      labelNames: ['integration'],
      buckets: [1, 5, 10, 15, 20],
      registers,
    });
    // As Alertmanager, every integration's series exist from the start.
    for (const key of [...alertmanagerIntegrationKeys, ...phoenixIntegrationKeys]) {
      const integration = key.replace(/_configs$/, '');
      this.notifications.inc({ integration }, 0);
      this.requests.inc({ integration }, 0);
      this.requestsFailed.inc({ integration }, 0);
      for (const reason of REASONS) this.notificationsFailed.inc({ integration, reason }, 0);
      this.latency.zero({ integration });
    }

    this.pluginFailures = new Counter({
      name: 'phoenix_plugin_failures_total',
      help: 'Plugin calls that threw and were skipped, by plugin and pipeline stage.',
      labelNames: ['plugin', 'stage'],
      registers,
    });
    this.reloadSuccessful = new Gauge({
      name: 'alertmanager_config_last_reload_successful',
      help: 'Whether the last configuration reload attempt was successful.',
      registers,
    });
    this.reloadTimestamp = new Gauge({
      name: 'alertmanager_config_last_reload_success_timestamp_seconds',
      help: 'Timestamp of the last successful configuration reload.',
      registers,
    });
    this.configHash = new Gauge({
      name: 'alertmanager_config_hash',
      help: 'Hash of the currently loaded alertmanager configuration.',
      registers,
    });
    new Gauge({
      name: 'alertmanager_build_info',
      help: "A metric with a constant '1' value labeled by version, revision, branch, goversion from which alertmanager was built, and the goos and goarch for the build.",
      labelNames: ['version', 'revision', 'branch', 'goversion', 'goos', 'goarch'],
      registers,
    }).set(
      {
        version: ALERTMANAGER_VERSION,
        revision: REVISION,
        branch: '',
        goversion: `node ${process.version}`,
        goos: process.platform,
        goarch: process.arch === 'x64' ? 'amd64' : process.arch,
      },
      1,
    );
    new Gauge({
      name: 'alertmanager_cluster_enabled',
      help: 'Indicates whether the clustering is enabled or not.',
      registers,
    }).set(0);

    new Gauge({
      name: 'alertmanager_alerts',
      help: 'How many alerts by state.',
      labelNames: ['state'],
      registers,
      collect() {
        const counts = { active: 0, suppressed: 0, unprocessed: 0 };
        const runtime = source.runtime();
        const now = source.clock.now();
        for (const alert of runtime?.dedup.alerts() ?? []) {
          if (isResolved(alert, now)) continue;
          counts[source.marker.status(alert.fingerprint).state]++;
        }
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'alertmanager_silences',
      help: 'How many silences by state.',
      labelNames: ['state'],
      registers,
      collect() {
        const counts = { active: 0, pending: 0, expired: 0 };
        const now = source.clock.now();
        for (const silence of source.silences.list({ now })) counts[silenceState(silence, now)]++;
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'alertmanager_dispatcher_aggregation_groups',
      help: 'Number of active aggregation groups',
      registers,
      collect() {
        this.set(source.runtime()?.dispatcher.stats().groups ?? 0);
      },
    });
    new Gauge({
      name: 'phoenix_ingest_queue_depth',
      help: 'Alerts accepted and waiting to be processed.',
      registers,
      collect() {
        this.set(source.runtime()?.pipeline.stats().ingestQueued ?? 0);
      },
    });
    new Gauge({
      name: 'phoenix_delivery_queue_depth',
      help: 'Notifications waiting or in flight, per receiver integration (receiver/type/index).',
      labelNames: ['integration'],
      registers,
      collect() {
        this.reset();
        const queued = source.runtime()?.pipeline.stats().deliveryQueued ?? {};
        for (const [integration, depth] of Object.entries(queued)) this.set({ integration }, depth);
      },
    });
    registerSourceMetrics(this.registry, () => source.runtime()?.configuredSources ?? []);
  }

  /** One alert received through the API, by whether it was firing or resolved on receipt. */
  alertsReceived(status: 'firing' | 'resolved', count = 1): void {
    if (count > 0) this.received.inc({ status, version: 'v2' }, count);
  }

  /** Alerts of a request rejected as invalid. */
  alertsInvalid(count: number): void {
    this.invalid.inc({ version: 'v2' }, count);
  }

  /** Records a configuration load or reload; `hash` identifies the configuration loaded. */
  configLoaded(success: boolean, now: number, hash?: number): void {
    this.reloadSuccessful.set(success ? 1 : 0);
    if (!success) return;
    this.reloadTimestamp.set(Math.floor(now / 1000));
    if (hash !== undefined) this.configHash.set(hash);
  }

  /** Feeds the counters from a pipeline's events; returns a function that stops it. */
  attach(events: PipelineEvents): () => void {
    const sent = (event: { integration: string; latencyMs: number }) => {
      const integration = integrationType(event.integration);
      this.notifications.inc({ integration });
      this.requests.inc({ integration });
      this.latency.observe({ integration }, event.latencyMs / 1000);
    };
    const failed = (event: {
      integration: string;
      result: { reason: DeliveryFailureReason };
      willRetry: boolean;
    }) => {
      const integration = integrationType(event.integration);
      this.requests.inc({ integration });
      this.requestsFailed.inc({ integration });
      if (event.willRetry) return;
      this.notifications.inc({ integration });
      this.notificationsFailed.inc({ integration, reason: reasonLabel[event.result.reason] });
    };
    const pluginFailed = (event: { plugin: string; stage: string }) =>
      this.pluginFailures.inc({ plugin: event.plugin, stage: event.stage });
    events.on('notification-sent', sent);
    events.on('delivery-failed', failed);
    events.on('plugin-failed', pluginFailed);
    return () => {
      events.off('notification-sent', sent);
      events.off('delivery-failed', failed);
      events.off('plugin-failed', pluginFailed);
    };
  }
}
