import {
  createLogger,
  createPipeline,
  createStaticRouter,
  fingerprint,
} from '@phoenix-alerting/core';
import type { Router } from '@phoenix-alerting/core';
import { FakeClock, createMemoryStore } from '@phoenix-alerting/core/testing';
import { createDedupProcessor } from '@phoenix-alerting/processor-dedup';
import { createGroupingDispatcher } from '@phoenix-alerting/processor-grouping';
import { describe, expect, it } from 'vitest';
import { IngestTracker, createApiSource } from './api-source.js';

function setup(router: Router) {
  const tracker = new IngestTracker();
  const dedup = createDedupProcessor();
  const dispatcher = createGroupingDispatcher();
  const source = createApiSource();
  const pipeline = createPipeline({
    sources: [source],
    processors: [dedup, tracker.processor],
    router,
    dispatcher: tracker.dispatcher(dispatcher),
    store: createMemoryStore(),
    clock: new FakeClock('2024-06-01T00:00:00Z'),
    logger: createLogger({ level: 'silent' }),
  });
  return { tracker, dedup, dispatcher, source, pipeline };
}

describe('IngestTracker', () => {
  it('resolves once the alerts are merged and grouped', async () => {
    const { tracker, dedup, dispatcher, source, pipeline } = setup(
      createStaticRouter({ receiver: 'x', groupBy: ['alertname'] }),
    );
    await pipeline.start();
    const labels = { alertname: 'A' };
    const expectation = tracker.expect([fingerprint(labels)]);
    await source.emit([{ labels }]);
    await expectation.done;
    expect(dedup.size).toBe(1);
    expect(dispatcher.groups()).toHaveLength(1);
    await pipeline.stop();
  });

  it('answers when the router fails on some alerts', async () => {
    const fallback = createStaticRouter({ receiver: 'x' });
    const router: Router = {
      match(labels) {
        if (labels.alertname === 'Boom') throw new Error('router bug');
        return fallback.match(labels);
      },
    };
    const { tracker, dedup, source, pipeline } = setup(router);
    await pipeline.start();
    const alerts = [{ labels: { alertname: 'Boom' } }, { labels: { alertname: 'Fine' } }];
    const expectation = tracker.expect(alerts.map((alert) => fingerprint(alert.labels)));
    await source.emit(alerts);
    await expectation.done;
    expect(dedup.size).toBe(2); // stored, though one could not be routed
    await pipeline.stop();
  });

  it('stops waiting for what it is told to forget, and releases everything at stop', async () => {
    const tracker = new IngestTracker();
    const forgotten = tracker.expect(['a', 'b']);
    forgotten.forget(['a', 'b']);
    await forgotten.done;
    const pending = tracker.expect(['c']);
    tracker.releaseAll();
    await pending.done;
  });
});
