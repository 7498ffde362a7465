// Child process of crash.test.ts: runs the built engine over store-sqlite in the directory given.
// Phase `first` opens incidents whose policy pages every 600 ms and runs until it is killed;
// phase `resume` restarts over the same file and exits once every escalation has run its course.
// The channel appends each page's idempotency key to a file (synchronously, so it survives the
// kill) before it answers: a kill between the two is a page sent but not recorded as sent.
import { appendFileSync, writeSync } from 'node:fs';
import { createAlert, systemClock } from '@phoenix-alerting/core';
import { createSqliteStore } from '@phoenix-alerting/store-sqlite';
import { createEscalationEngine, parseEscalationConfig } from '../../dist/index.js';

const { directory, sentLog, incidents, phase } = JSON.parse(process.argv[2]);
const report = (event) => writeSync(1, `${JSON.stringify({ ...event, at: Date.now() })}\n`);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const config = parseEscalationConfig({
  severities: { critical: { escalation_interval: '1m', channels: ['webhook'] } },
  teams: { ops: { members: [{ name: 'alice' }, { name: 'bob' }, { name: 'carol' }] } },
  escalation_policies: {
    fast: {
      repeat: 2,
      levels: ['alice', 'bob', 'carol'].map((name) => ({
        responders: [{ type: 'user', name }],
        timeout_minutes: 0.01,
      })),
    },
  },
});
const webhook = {
  name: 'webhook',
  async notify(_notification, { idempotencyKey }) {
    appendFileSync(sentLog, `${idempotencyKey}\n`);
    await pause(5);
    return { ok: true };
  },
};
const store = createSqliteStore({ directory });
const engine = createEscalationEngine({
  config,
  channels: { webhook },
  store: store.escalation,
  clock: systemClock,
  workerId: `${phase}-${process.pid}`,
  leaseMs: 2_000,
});
await engine.start();

if (phase === 'first') {
  const notifier = engine.notifierFor('ops', 'fast');
  const now = Date.now();
  for (let i = 0; i < incidents; i++) {
    const alert = createAlert(
      { labels: { alertname: `Crash${i}`, severity: 'critical' } },
      { now },
    );
    await notifier.notify(
      {
        receiver: 'ops',
        groupKey: `{}:{alertname="Crash${i}"}`,
        groupLabels: { alertname: `Crash${i}` },
        alerts: [alert],
        timestamp: now,
        route: {
          receiver: 'ops',
          groupBy: ['alertname'],
          groupWaitMs: 0,
          groupIntervalMs: 300_000,
          repeatIntervalMs: 14_400_000,
          muteTimeIntervals: [],
          activeTimeIntervals: [],
          routeKey: '{}',
          routeId: '{}',
        },
      },
      { signal: new AbortController().signal, attempt: 1, idempotencyKey: `open-${i}` },
    );
  }
  report({ type: 'ready' });
  setInterval(() => {}, 1_000); // keep running until killed
} else {
  for (;;) {
    await pause(100);
    const open = await engine.listIncidents({ limit: incidents });
    const idle =
      (await store.escalation.nextStepDueAt()) === undefined &&
      (await store.escalation.nextPageDueAt()) === undefined;
    if (idle && open.length === incidents && open.every((incident) => incident.exhausted)) break;
  }
  await engine.stop();
  await store.stop();
  report({ type: 'done' });
  process.exit(0);
}
