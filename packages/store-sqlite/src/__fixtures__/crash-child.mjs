// Child process of crash.test.ts: opens the built store in the directory given as argv[2], then
// writes alert batches, group states, notification-log entries, delivery attempts and silences
// until it is killed.
// After each write resolves (is accepted) it prints one JSON line with the time; fs.writeSync, so a
// line is in the pipe before the next write starts. The write-behind writes (all but silences)
// are numbered in the order they are made (`seq`), which the parent checks the file against.
import { writeSync } from 'node:fs';
import { createAlert } from '@phoenix-alerting/core';
import { createSqliteStore } from '../../dist/index.js';

const { directory, batchFlushIntervalMs } = JSON.parse(process.argv[2]);
const store = createSqliteStore({ directory, batchFlushIntervalMs });
const report = (event) => writeSync(1, `${JSON.stringify({ ...event, at: Date.now() })}\n`);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

report({ type: 'ready' });
let seq = 0;
for (let batch = 0; ; batch++) {
  const now = Date.now();
  const alerts = Array.from({ length: 100 }, (_, i) =>
    createAlert(
      {
        labels: { alertname: 'CrashTest', seq: String(seq), instance: `host-${i}` },
        annotations: { summary: `batch ${batch} alert ${i}` },
      },
      { now },
    ),
  );
  const fingerprints = alerts.map((alert) => alert.fingerprint).sort();
  await store.alerts.upsert(alerts);
  report({ type: 'alerts', seq: seq++ });
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
  if (batch % 2 === 0) {
    await store.groups.put([
      {
        groupKey: `group-${seq}`,
        receiver: 'team',
        routeId: '{}',
        groupLabels: { alertname: 'CrashTest' },
        fingerprints,
        firstFlushAt: now,
        lastFlushAt: now,
        nextFlushAt: now + 300_000,
      },
    ]);
    report({ type: 'group', seq: seq++ });
  }
  if (batch % 4 === 0) {
    await store.notificationLog.put([
      {
        groupKey: `log-${seq}`,
        integration: 'team/webhook/0',
        firingAlerts: fingerprints,
        resolvedAlerts: [],
        timestamp: now,
        expiresAt: now + 3_600_000,
      },
    ]);
    report({ type: 'log', seq: seq++ });
  }
  if (batch % 3 === 1) {
    await store.attempts.append([
      {
        at: now,
        groupKey: `attempt-${seq}`,
        receiver: 'team',
        integration: 'team/webhook/0',
        attempt: 1,
        ok: true,
        latencyMs: 3,
        firing: 100,
        resolved: 0,
      },
    ]);
    report({ type: 'attempt', seq: seq++ });
  }
  await pause(1 + Math.floor(Math.random() * 5));
}
