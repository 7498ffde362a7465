// Buffered alerts are records (labels still objects) that the committer stringifies: the stored
// column text must be what alertToRow stored, whichever path an alert takes.
import { PhoenixError, createAlert } from '@phoenix-alerting/core';
import type { Alert } from '@phoenix-alerting/core';
import { FakeClock } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { commitThreads, useTempStores } from './__fixtures__/temp-stores.js';
import {
  alertColumns,
  alertToRecord,
  alertToRow,
  bufferedToAlert,
  isAlertRow,
  rowToAlert,
} from './rows.js';
import type { AlertRow } from './rows.js';
import { runOps, writeStatements } from './write-buffer.js';

const { open, peer } = useTempStores();

const stormAlert = (instance: string): Alert =>
  createAlert(
    {
      labels: { alertname: 'Storm', instance, job: 'node', severity: 'critical' },
      annotations: { summary: `"${instance}" is down ✓`, description: 'line\nbreak \\ tab\t' },
      startsAt: 1_700_000_000_000,
      endsAt: 1_700_000_300_000.5,
    },
    { now: 1_700_000_000_000 },
  );

/** Alerts of every shape: storm-like, odd label keys, infinite times, labels that are not strings. */
function oddAlerts(): Alert[] {
  const base = stormAlert('host-1');
  return [
    base,
    { ...stormAlert('host-2'), labels: { b: '1', 10: 'ten', 2: 'two', a: '' }, timeout: true },
    { ...stormAlert('host-3'), endsAt: Number.POSITIVE_INFINITY },
    { ...stormAlert('host-4'), labels: { alertname: 'Storm', count: 3 } as never },
    { ...stormAlert('host-5'), annotations: [] as never },
  ].map((alert, index) => ({ ...alert, fingerprint: `000000000000000${index}` }));
}

/** What the store gave back before records: the alert through its row. */
const readBack = (alert: Alert): Alert => rowToAlert(alertToRow(alert));

describe('alertToRecord', () => {
  it('copies plain string labels into a record, and keeps the row for anything else', () => {
    const [plain, odd, infinite, counted, listed] = oddAlerts();
    const record = alertToRecord(plain!, 'test');
    expect(isAlertRow(record)).toBe(false);
    expect(record[1]).toEqual(plain!.labels);
    expect(record[1]).not.toBe(plain!.labels);
    expect(isAlertRow(alertToRecord(odd!, 'test'))).toBe(false);
    expect(isAlertRow(alertToRecord(infinite!, 'test'))).toBe(false);
    expect(alertToRecord(counted!, 'test')).toEqual(alertToRow(counted!));
    expect(alertToRecord(listed!, 'test')).toEqual(alertToRow(listed!));
    for (const alert of oddAlerts())
      expect(bufferedToAlert(alertToRecord(alert, 'test'))).toEqual(readBack(alert));
  });

  it('refuses what the row check refuses, naming the column', () => {
    const alert = { ...stormAlert('host-1'), startsAt: Number.NaN };
    expect(() => alertToRecord(alert, 'alerts.upsert')).toThrow(
      /alerts\.upsert: cannot store NaN in column starts_at/,
    );
    expect(() => alertToRecord({ ...alert, startsAt: 1, labels: 1n as never }, 'x')).toThrow(
      TypeError,
    );
    const error = (() => {
      try {
        alertToRecord({ ...alert, startsAt: 1, labels: undefined as never }, 'x');
      } catch (caught) {
        return caught;
      }
    })();
    expect(PhoenixError.isInstance(error) && error.message).toMatch(/undefined in column labels/);
  });
});

describe('runOps', () => {
  it('binds a record as the row alertToRow makes, leaving the record as it was', () => {
    const bound: unknown[] = [];
    const statements = writeStatements.map(() => ({
      run: (params: unknown) => bound.push(params),
    }));
    const alert = stormAlert('host-1');
    const record = alertToRecord(alert, 'test');
    const copy = structuredClone(record);
    runOps(statements, [~0, record, 1, 'gone']);
    expect(bound).toEqual([alertToRow(alert), 'gone']);
    expect(record).toEqual(copy);
  });
});

describe.each(commitThreads)('stored alert columns, commitThread %s', (commitThread) => {
  it('are the text and numbers alertToRow gives, and read back as written', async () => {
    const store = open({ clock: new FakeClock(), commitThread });
    const alerts = oddAlerts();
    await store.alerts.upsert(alerts);
    const expected = alerts.map(readBack);
    const byFingerprint = (a: Alert, b: Alert) => a.fingerprint.localeCompare(b.fingerprint);
    expect((await store.alerts.list()).sort(byFingerprint)).toEqual(expected);

    await store.flush();
    const rows = peer()
      .prepare(`SELECT ${alertColumns} FROM alerts ORDER BY fingerprint`)
      .raw()
      .all() as AlertRow[];
    expect(rows).toEqual(alerts.map(alertToRow));
    expect((await store.alerts.list()).sort(byFingerprint)).toEqual(expected);
  });
});
