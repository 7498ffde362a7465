// A pipeline composed in code, the way a host application embeds Phoenix: a source that emits a
// heartbeat alert, a processor that adds an annotation, the default router and a console notifier.
// `--once` exits after the first notification (the CI smoke test).
import { createPipeline, createStaticRouter } from '@phoenix-alerting/core';
import type { Notifier, Processor, Source, TimerHandle } from '@phoenix-alerting/core';

let timer: TimerHandle | undefined;
const heartbeat: Source = {
  name: 'heartbeat',
  start({ emit, clock }) {
    const beat = () => {
      const labels = { alertname: 'Heartbeat', severity: 'info', team: 'platform' };
      void emit([
        {
          labels,
          annotations: { summary: 'The example pipeline is alive' },
          endsAt: clock.now() + 60_000,
        },
      ]);
      timer = clock.setTimeout(beat, 10_000);
    };
    beat();
  },
  stop() {
    if (timer) pipeline.clock.clearTimeout(timer);
  },
};

const stamp: Processor = {
  name: 'stamp',
  process: (batch, { now }) =>
    batch.map((alert) => ({
      ...alert,
      annotations: { ...alert.annotations, processedAt: new Date(now).toISOString() },
    })),
};

const consoleNotifier: Notifier = {
  name: 'console',
  async notify(notification) {
    for (const alert of notification.alerts) {
      const line = `[${notification.receiver}] ${alert.fingerprint} ${JSON.stringify(alert.labels)} ${alert.annotations.summary ?? ''}`;
      process.stdout.write(`${line}\n`);
    }
    return { ok: true };
  },
};

const pipeline = createPipeline({
  sources: [heartbeat],
  processors: [stamp],
  router: createStaticRouter({ receiver: 'console', groupWaitMs: 0, repeatIntervalMs: 30_000 }),
  receivers: { console: [consoleNotifier] },
});

await pipeline.start();
pipeline.logger.info('example pipeline running; Ctrl-C to stop');
// The clock's timers are unref'd on purpose; this keeps the process up until it is told to stop.
const keepAlive = setInterval(() => {}, 1 << 30);
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve).once('SIGTERM', resolve);
  if (process.argv.includes('--once')) pipeline.events.once('notification-sent', () => resolve());
});
await pipeline.stop();
clearInterval(keepAlive);
