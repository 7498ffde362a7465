// The Phoenix pipeline the orders service embeds, composed in code: no YAML file to ship.
import { createPipeline, parseMatchers } from '@phoenix-alerting/core';
import type { Pipeline, RouteConfig, Source } from '@phoenix-alerting/core';
import { createConsoleNotifier, createWebhookNotifier } from '@phoenix-alerting/notifier-webhook';
import { createDedupProcessor } from '@phoenix-alerting/processor-dedup';
import { createGroupingDispatcher } from '@phoenix-alerting/processor-grouping';
import { createRouter } from '@phoenix-alerting/router';
import { createSqliteStore } from '@phoenix-alerting/store-sqlite';
import type { ServiceOptions } from './service.js';

type AlertingOptions = Required<Omit<ServiceOptions, 'port' | 'host'>> & { source: Source };

// What `route:` in alertmanager.yml would say. In code, durations are in ms and matchers parsed
// (in YAML: `group_wait: 10s`, `matchers: ['severity="critical"']`).
const route: RouteConfig = {
  receiver: 'team-log', // anything not matched below is only printed
  group_by: ['alertname', 'service'],
  group_wait: 30_000,
  group_interval: 5 * 60_000,
  repeat_interval: 4 * 3_600_000,
  routes: [
    {
      matchers: parseMatchers('{severity="critical"}'),
      receiver: 'oncall',
      // Page fast, and send the recovery within a minute rather than Alertmanager's 5m default.
      group_wait: 10_000,
      group_interval: 60_000,
    },
  ],
};

/** Builds and starts the pipeline; `pipeline.stop()` drains it. */
export async function startAlerting(options: AlertingOptions): Promise<Pipeline> {
  const { clock } = options;
  const router = createRouter(route);
  const dedup = createDedupProcessor();
  const dispatcher = createGroupingDispatcher();
  const pipeline = createPipeline({
    clock,
    logger: options.logger,
    sources: [options.source],
    // Durable: a restart neither forgets a firing alert nor pages twice.
    store: createSqliteStore({ directory: options.dataDir, clock }),
    processors: [dedup],
    router,
    dispatcher,
    receivers: {
      oncall: [
        createWebhookNotifier({ url: options.webhookUrl }),
        createConsoleNotifier({ stream: options.console }),
      ],
      'team-log': [createConsoleNotifier({ stream: options.console })],
    },
  });
  await pipeline.start();
  // Put the alerts that were active before a restart back into their groups, so they resolve or
  // repeat on their saved cadence. (The dispatcher needs the routes, which only the router knows.)
  const active = dedup.alerts();
  await dispatcher.restore(
    active,
    active.map((alert) => router.match(alert.labels)),
  );
  return pipeline;
}
