import { createLogger, createPipeline, createStaticRouter } from '@phoenix-alerting/core';
import type { Router } from '@phoenix-alerting/core';
import { FakeClock, createMemoryStore } from '@phoenix-alerting/core/testing';
import { createDedupProcessor } from '@phoenix-alerting/processor-dedup';
import { createGroupingDispatcher } from '@phoenix-alerting/processor-grouping';
import { describe, expect, it } from 'vitest';
import { createApiSource } from './api-source.js';

function setup(router: Router) {
  const dedup = createDedupProcessor();
  const dispatcher = createGroupingDispatcher();
  const source = createApiSource();
  const pipeline = createPipeline({
    sources: [source],
    processors: [dedup],
    router,
    dispatcher,
    store: createMemoryStore(),
    clock: new FakeClock('2024-06-01T00:00:00Z'),
    logger: createLogger({ level: 'silent' }),
  });
  return { dedup, dispatcher, source, pipeline };
}

describe('createApiSource', () => {
  it('hands batches to the pipeline, processed once they are merged and grouped', async () => {
    const { dedup, dispatcher, source, pipeline } = setup(
      createStaticRouter({ receiver: 'x', groupBy: ['alertname'] }),
    );
    await pipeline.start();
    const result = await source.emit([{ labels: { alertname: 'A' } }]);
    await result.processed;
    expect(dedup.size).toBe(1);
    expect(dispatcher.groups()).toHaveLength(1);
    await pipeline.stop();
  });

  it('settles `processed` when the router fails on some alerts', async () => {
    const fallback = createStaticRouter({ receiver: 'x' });
    const router: Router = {
      match(labels) {
        if (labels.alertname === 'Boom') throw new Error('router bug');
        return fallback.match(labels);
      },
    };
    const { dedup, source, pipeline } = setup(router);
    await pipeline.start();
    const result = await source.emit([
      { labels: { alertname: 'Boom' } },
      { labels: { alertname: 'Fine' } },
    ]);
    await result.processed;
    expect(dedup.size).toBe(2); // stored, though one could not be routed
    await pipeline.stop();
  });

  it('refuses batches when the pipeline is not running', async () => {
    const source = createApiSource();
    await expect(source.emit([{ labels: { alertname: 'A' } }])).rejects.toMatchObject({
      code: 'ERR_PIPELINE_STOPPED',
    });
  });
});
