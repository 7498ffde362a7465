// Child process of crash.test.ts: opens the built store in the directory given as argv[2], then
// writes alert batches, silences and notification-log entries until it is killed. After each
// write resolves (is accepted) it prints one JSON line with the time; fs.writeSync, so a line is
// in the pipe before the next write starts.
import { writeSync } from 'node:fs';
import { createAlert } from '@phoenix-alerting/core';
import { createSqliteStore } from '../../dist/index.js';

const { directory, batchFlushIntervalMs } = JSON.parse(process.argv[2]);
const store = createSqliteStore({ directory, batchFlushIntervalMs });
const report = (event) => writeSync(1, `${JSON.stringify({ ...event, at: Date.now() })}\n`);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

report({ type: 'ready' });
for (let batch = 0; ; batch++) {
  const now = Date.now();
  const alerts = Array.from({ length: 100 }, (_, i) =>
    createAlert(
      {
        labels: { alertname: 'CrashTest', batch: String(batch), instance: `host-${i}` },
        annotations: { summary: `batch ${batch} alert ${i}` },
      },
      { now },
    ),
  );
  await store.alerts.upsert(alerts);
  report({ type: 'alerts', batch });
  if (batch % 3 === 0) {
    const id = `silence-${batch}`;
    await store.silences.upsert({
      id,
      matchers: [{ name: 'batch', value: String(batch), isRegex: false, isEqual: true }],
      startsAt: now,
      endsAt: now + 3_600_000,
      updatedAt: now,
      createdBy: 'crash-child',
      comment: '',
    });
    report({ type: 'silence', id });
  }
  if (batch % 4 === 0) {
    const groupKey = `group-${batch}`;
    await store.notificationLog.put([
      {
        groupKey,
        integration: 'team/webhook/0',
        firingAlerts: alerts.map((alert) => alert.fingerprint).sort(),
        resolvedAlerts: [],
        timestamp: now,
        expiresAt: now + 3_600_000,
      },
    ]);
    report({ type: 'log', groupKey });
  }
  await pause(1 + Math.floor(Math.random() * 5));
}
