import { PhoenixError, createLogger, createPipeline } from '@phoenix-alerting/core';
import { FakeClock, createMemoryStore } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createPushSource } from './push-source.js';

describe('push source (the Alertmanager API path)', () => {
  it('hands pushed alerts to the pipeline and reports invalid ones', async () => {
    const push = createPushSource();
    const received: string[] = [];
    const clock = new FakeClock('2024-06-01T00:00:00Z');
    const pipeline = createPipeline({
      sources: [push],
      processors: [
        {
          name: 'spy',
          process: (batch) => {
            received.push(...batch.map((alert) => alert.labels.alertname!));
            return batch;
          },
        },
      ],
      store: createMemoryStore(),
      clock,
      logger: createLogger({ level: 'silent' }),
    });
    expect(push.name).toBe('alertmanager-api');
    expect(push.running).toBe(false);
    await pipeline.start();
    expect(push.running).toBe(true);
    // What Loki's ruler posts: labels, annotations, startsAt, endsAt, generatorURL.
    const result = await push.push([
      {
        labels: { alertname: 'LokiErrors', job: 'api' },
        annotations: { summary: 'errors in api logs' },
        startsAt: '2024-06-01T00:00:00Z',
        endsAt: '2024-06-01T00:04:00Z',
        generatorURL: 'http://loki:3100/graph?g0.expr=x',
      },
      { labels: { 'bad-name': 'x' } },
    ]);
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([{ index: 1, reason: expect.stringContaining('bad-name') }]);
    await clock.advance(0);
    await pipeline.stop();
    expect(received).toEqual(['LokiErrors']);
    expect(push.running).toBe(false);
    await expect(push.push([{ labels: { alertname: 'Late' } }])).rejects.toSatisfy(
      (error: unknown) => PhoenixError.isInstance(error) && error.code === 'ERR_PIPELINE_STOPPED',
    );
  });

  it('answers an empty push at once and takes its name', async () => {
    const push = createPushSource({ name: 'loki-ruler' });
    expect(push.name).toBe('loki-ruler');
    push.start({ emit: async () => ({ accepted: 99, rejected: [] }) } as never);
    expect(await push.push([])).toEqual({ accepted: 0, rejected: [] });
  });
});
