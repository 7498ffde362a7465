import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { AlertInput } from './alert.js';
import type { Notification } from './notification.js';
import { createPipeline } from './pipeline.js';
import type { PipelineOptions } from './pipeline.js';
import type { DeliveryResult, Notifier, Processor, Source, SourceContext } from './plugin.js';
import { FakeClock, buildRoute, flushMicrotasks } from './testing/index.js';

const silent = pino({ level: 'silent' });
/** The default route, with timers short enough for a test. */
const quickRoute = buildRoute({
  groupWaitMs: 0,
  groupIntervalMs: 60_000,
  repeatIntervalMs: 3_600_000,
});

function recordingNotifier(name = 'recorder'): Notifier & { received: Notification[] } {
  const received: Notification[] = [];
  return {
    name,
    received,
    async notify(notification) {
      received.push(notification);
      return { ok: true };
    },
  };
}

/** A notifier whose deliveries wait until the test opens the gate. */
function gatedNotifier() {
  let open = false;
  let release: () => void = () => {};
  let gate = new Promise<void>((resolve) => (release = resolve));
  const received: Notification[] = [];
  const notifier: Notifier = {
    name: 'gated',
    async notify(notification) {
      if (!open) await gate;
      received.push(notification);
      return { ok: true };
    },
  };
  return {
    notifier,
    received,
    open() {
      open = true;
      release();
      gate = Promise.resolve();
    },
  };
}

const alert = (name: string, extra: Record<string, string> = {}): AlertInput => ({
  labels: { alertname: name, ...extra },
});

function setup(options: Partial<PipelineOptions> = {}) {
  const clock = new FakeClock();
  const notifier = recordingNotifier();
  const pipeline = createPipeline({
    clock,
    logger: silent,
    receivers: { default: [notifier] },
    ...options,
  });
  return { clock, notifier, pipeline };
}

describe('createPipeline', () => {
  it('carries emitted alerts through processors and the router to the receiver', async () => {
    const seen: string[] = [];
    const tagger: Processor = {
      name: 'tagger',
      process: (batch) =>
        batch.map((a) => ({ ...a, annotations: { ...a.annotations, tagged: 'yes' } })),
    };
    const { pipeline, notifier } = setup({
      processors: [tagger],
      router: {
        match: (labels) => (seen.push(labels.alertname!), [quickRoute]),
      },
    });
    await pipeline.start();
    const result = await pipeline.emit([alert('A'), alert('B')]);
    expect(result).toMatchObject({ accepted: 2, rejected: [] });
    await pipeline.stop();
    expect(seen).toEqual(['A', 'B']);
    expect(notifier.received).toHaveLength(1);
    expect(
      notifier.received[0]!.alerts.map((a) => [a.labels.alertname, a.annotations.tagged]),
    ).toEqual([
      ['A', 'yes'],
      ['B', 'yes'],
    ]);
  });

  it('accepts the valid alerts of a batch and names what is wrong with the others', async () => {
    const { pipeline, notifier } = setup();
    await pipeline.start();
    const result = await pipeline.emit([
      alert('Good'),
      { labels: { '0bad': 'x' } },
      { labels: {} },
      alert('Also', { x: 'y' }),
    ]);
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(result.rejected[0]!.reason).toContain('0bad');
    expect(result.rejected[1]!.reason).toContain('at least one label pair required');
    await pipeline.stop();
    expect(notifier.received.flatMap((n) => n.alerts.map((a) => a.labels.alertname))).toEqual([
      'Good',
      'Also',
    ]);
  });

  it('keeps memory bounded under a steady source when the notifier is slow (backpressure)', async () => {
    const gated = gatedNotifier();
    const { pipeline } = setup({
      receivers: { default: [gated.notifier] },
      ingestQueueSize: 50,
      deliveryQueueSize: 5,
      deliveryConcurrency: 1,
    });
    await pipeline.start();
    let emitted = 0;
    let maxIngest = 0;
    let maxDelivery = 0;
    const producer = (async () => {
      for (let i = 0; i < 200; i++) {
        await pipeline.emit(
          Array.from({ length: 10 }, (_, j) => alert('Storm', { i: String(i), j: String(j) })),
        );
        emitted++;
        const stats = pipeline.stats();
        maxIngest = Math.max(maxIngest, stats.ingestQueued);
        maxDelivery = Math.max(maxDelivery, stats.deliveryQueued['default/gated/0']!);
      }
    })();
    await flushMicrotasks(20);
    // The producer is held back: queues are full and emit() is waiting.
    expect(emitted).toBeLessThan(20);
    expect(pipeline.stats().ingestWaiting).toBe(1);
    expect(pipeline.stats().ingestQueued).toBeLessThanOrEqual(50);
    gated.open();
    await producer;
    await pipeline.stop();
    expect(emitted).toBe(200);
    expect(maxIngest).toBeLessThanOrEqual(50);
    expect(maxDelivery).toBeLessThanOrEqual(6);
    // Nothing accepted was dropped to relieve the pressure.
    expect(gated.received.reduce((n, notification) => n + notification.alerts.length, 0)).toBe(
      2000,
    );
  });

  it('isolates a throwing processor, notifier and source, and reports them as events', async () => {
    const failures: string[] = [];
    const broken: Notifier = {
      name: 'broken',
      notify() {
        throw new Error('boom');
      },
    };
    const throwingProcessor: Processor = {
      name: 'explodes',
      process() {
        throw new Error('processor boom');
      },
    };
    const badSource: Source = {
      name: 'bad-source',
      start() {
        throw new Error('cannot connect');
      },
    };
    const good = recordingNotifier('good');
    const { pipeline } = setup({
      sources: [badSource],
      processors: [throwingProcessor],
      receivers: { default: [broken, good] },
      retry: { initialBackoffMs: 10, random: () => 0.5 },
    });
    pipeline.events.on('plugin-failed', ({ plugin, stage }) => failures.push(`${plugin}:${stage}`));
    const deliveryFailures: string[] = [];
    pipeline.events.on('delivery-failed', ({ integration, result }) =>
      deliveryFailures.push(`${integration}:${result.reason}`),
    );
    await pipeline.start();
    await pipeline.emit([alert('StillDelivered')]);
    await flushMicrotasks(10);
    expect(good.received).toHaveLength(1);
    expect(failures).toEqual(['bad-source:start', 'explodes:process']);
    expect(deliveryFailures[0]).toBe('default/broken/0:network');
    // The pipeline still takes new work.
    await pipeline.emit([alert('Next')]);
    await flushMicrotasks(10);
    expect(good.received).toHaveLength(2);
  });

  it('settles `processed` once the batch has been through the processors and the dispatcher', async () => {
    let releaseProcessor: () => void = () => {};
    const held = new Promise<void>((resolve) => (releaseProcessor = resolve));
    const dispatched: string[][] = [];
    const processor: Processor = {
      name: 'slow',
      async process(batch) {
        if (batch.some((a) => a.labels.alertname === 'Held')) await held;
        return batch;
      },
    };
    const { pipeline } = setup({
      processors: [processor],
      dispatcher: {
        start() {},
        dispatch: (alerts) => void dispatched.push(alerts.map((a) => a.labels.alertname!)),
      },
    });
    await pipeline.start();
    const held1 = await pipeline.emit([alert('Held')]);
    const next = await pipeline.emit([alert('Next')]);
    let settled = '';
    void held1.processed!.then(() => (settled += 'held '));
    void next.processed!.then(() => (settled += 'next'));
    await flushMicrotasks(20);
    expect(settled).toBe('');
    expect(dispatched).toEqual([]);
    releaseProcessor();
    await next.processed;
    expect(settled).toBe('held next');
    expect(dispatched).toEqual([['Held'], ['Next']]);
    // A batch with nothing accepted is processed at once.
    const none = await pipeline.emit([{ labels: {} }]);
    await expect(none.processed).resolves.toBeUndefined();
    await pipeline.stop();
  });

  it('drains accepted work on stop, stops plugins in data-flow order, then refuses new alerts', async () => {
    const order: string[] = [];
    const gated = gatedNotifier();
    let context: SourceContext | undefined;
    const source: Source = {
      name: 'src',
      start(ctx) {
        context = ctx;
      },
      stop: () => void order.push('source'),
    };
    const processor: Processor = {
      name: 'proc',
      process: (b) => b,
      stop: () => void order.push('processor'),
    };
    const notifier: Notifier = { ...gated.notifier, stop: () => void order.push('notifier') };
    const { pipeline } = setup({
      sources: [source],
      processors: [processor],
      receivers: { default: [notifier] },
    });
    pipeline.store.stop = () => void order.push('store');
    await pipeline.start();
    await context!.emit([alert('One')]);
    await context!.emit([alert('Two')]);
    const stopping = pipeline.stop();
    await flushMicrotasks(10);
    expect(gated.received).toHaveLength(0);
    gated.open();
    await stopping;
    expect(gated.received.flatMap((n) => n.alerts.map((a) => a.labels.alertname))).toEqual([
      'One',
      'Two',
    ]);
    expect(order).toEqual(['source', 'processor', 'notifier', 'store']);
    await expect(context!.emit([alert('Late')])).rejects.toMatchObject({
      code: 'ERR_PIPELINE_STOPPED',
    });
    // stop() is idempotent.
    await pipeline.stop();
    expect(order).toEqual(['source', 'processor', 'notifier', 'store']);
  });

  it('gives up draining at the stop deadline and aborts in-flight deliveries', async () => {
    let aborted = false;
    const hanging: Notifier = {
      name: 'hangs',
      notify: (_n, { signal }) =>
        new Promise<DeliveryResult>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ ok: false, retryable: false, reason: 'canceled', message: 'aborted' });
          });
        }),
    };
    const { pipeline, clock } = setup({ receivers: { default: [hanging] }, stopTimeoutMs: 5_000 });
    await pipeline.start();
    await pipeline.emit([alert('Hang')]);
    let done = false;
    const stopping = pipeline.stop().then(() => (done = true));
    await clock.advance(4_999);
    expect(done).toBe(false);
    await clock.advance(1);
    await stopping;
    expect(aborted).toBe(true);
  });

  it('does not notify the same unchanged group twice before repeat_interval (notification log)', async () => {
    const { pipeline, notifier, clock } = setup();
    await pipeline.start();
    await pipeline.emit([alert('Same')]);
    await flushMicrotasks(5);
    await pipeline.emit([alert('Same')]);
    await flushMicrotasks(5);
    expect(notifier.received).toHaveLength(1);
    await clock.advance(4 * 3_600_000 + 1);
    await pipeline.emit([alert('Same')]);
    await pipeline.stop();
    expect(notifier.received).toHaveLength(2);
  });
});

describe('createPipeline routing failures', () => {
  it('routes alerts one by one: a router throwing on one alert does not drop the rest of the batch', async () => {
    const failures: string[] = [];
    const { pipeline, notifier } = setup({
      router: {
        match(labels) {
          if (labels.alertname === 'Poison') throw new Error('cannot route');
          return [quickRoute];
        },
      },
    });
    pipeline.events.on('plugin-failed', ({ plugin, stage }) => failures.push(`${plugin}:${stage}`));
    await pipeline.start();
    await pipeline.emit([alert('Good'), alert('Poison'), alert('AlsoGood')]);
    await pipeline.stop();
    expect(failures).toEqual(['router:match']);
    expect(notifier.received.flatMap((n) => n.alerts.map((a) => a.labels.alertname))).toEqual([
      'Good',
      'AlsoGood',
    ]);
  });
});

describe('integration identities', () => {
  it("index a receiver's integrations per type, as Alertmanager's notification log does", async () => {
    const { integrationIds } = await import('./pipeline.js');
    const named = (name: string) => ({ name, notify: async () => ({ ok: true as const }) });
    expect(
      integrationIds('team', [
        named('console'),
        named('webhook'),
        named('webhook'),
        named('console'),
      ]),
    ).toEqual(['team/console/0', 'team/webhook/0', 'team/webhook/1', 'team/console/1']);
  });
});
