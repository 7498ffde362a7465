// Conversions between core's values and rows, as positional tuples in column order: the statements
// bind and return them without building objects, which keeps the batched alert path cheap.
import { PhoenixError } from '@phoenix-alerting/core';
import type { Alert, GroupState, NotificationLogEntry, Silence } from '@phoenix-alerting/core';

export const alertColumns =
  'fingerprint, labels, annotations, starts_at, ends_at, updated_at, timeout, generator_url';
export type AlertRow = [
  fingerprint: string,
  labels: string,
  annotations: string,
  startsAt: number,
  endsAt: number,
  updatedAt: number,
  timeout: 0 | 1,
  generatorURL: string,
];

export function alertToRow(alert: Alert): AlertRow {
  return [
    alert.fingerprint,
    JSON.stringify(alert.labels),
    JSON.stringify(alert.annotations),
    alert.startsAt,
    alert.endsAt,
    alert.updatedAt,
    alert.timeout ? 1 : 0,
    alert.generatorURL,
  ];
}

export function rowToAlert(row: AlertRow): Alert {
  return toAlert(
    row,
    JSON.parse(row[1]) as Alert['labels'],
    JSON.parse(row[2]) as Alert['annotations'],
  );
}

/**
 * An alert as the write-behind buffer keeps it: the {@link AlertRow} with copies of the labels and
 * annotations left as objects. Stringifying them on the event loop, and then cloning the strings
 * to the commit worker, cost it about twice as much as copying them here and letting `postMessage`
 * clone the copies (it copies strings and numbers as they are; `JSON.stringify` of a whole batch
 * measured slower still). The committer stringifies them (`runOps`): the same column text as
 * {@link alertToRow}.
 */
export type AlertRecord = [
  fingerprint: string,
  labels: Record<string, string>,
  annotations: Record<string, string>,
  startsAt: number,
  endsAt: number,
  updatedAt: number,
  timeout: 0 | 1,
  generatorURL: string,
];

/**
 * The alert as an {@link AlertRecord} or, when its labels or annotations are not a plain object of
 * strings (which a clone and a later stringify would not render as a stringify now does), as its
 * {@link AlertRow}. Either is checked: a value SQLite would refuse throws, naming the column.
 */
export function alertToRecord(alert: Alert, what: string): AlertRecord | AlertRow {
  const { fingerprint, startsAt, endsAt, updatedAt, generatorURL } = alert;
  const labels = copyOfStrings(alert.labels);
  const annotations = labels && copyOfStrings(alert.annotations);
  if (
    annotations &&
    typeof fingerprint === 'string' &&
    typeof generatorURL === 'string' &&
    isStorable(startsAt) &&
    isStorable(endsAt) &&
    isStorable(updatedAt)
  )
    return [
      fingerprint,
      labels,
      annotations,
      startsAt,
      endsAt,
      updatedAt,
      alert.timeout ? 1 : 0,
      generatorURL,
    ];
  const row = alertToRow(alert);
  assertStorable(row, alertColumns, what);
  return row;
}

/** A copy of `value` when it is a plain object (no array, no class's `toJSON`) of strings. */
function copyOfStrings(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== null && prototype !== Object.prototype) return undefined;
  const copy = { ...value } as Record<string, unknown>;
  for (const name in copy) if (typeof copy[name] !== 'string') return undefined;
  return copy as Record<string, string>;
}

/** The alert a buffered {@link alertToRecord} result stands for: a new copy on every call. */
export function bufferedToAlert(buffered: AlertRecord | AlertRow): Alert {
  if (isAlertRow(buffered)) return rowToAlert(buffered);
  return toAlert(buffered, { ...buffered[1] }, { ...buffered[2] });
}

export const isAlertRow = (buffered: AlertRecord | AlertRow): buffered is AlertRow =>
  typeof buffered[1] === 'string';

/** One key order for every alert the store returns, from a row or from a record. */
function toAlert(
  row: AlertRow | AlertRecord,
  labels: Alert['labels'],
  annotations: Alert['annotations'],
): Alert {
  return {
    labels,
    annotations,
    startsAt: row[3],
    endsAt: row[4],
    generatorURL: row[7],
    updatedAt: row[5],
    timeout: row[6] === 1,
    fingerprint: row[0],
  };
}

export const silenceColumns = 'id, matchers, starts_at, ends_at, updated_at, created_by, comment';
export type SilenceRow = [
  id: string,
  matchers: string,
  startsAt: number,
  endsAt: number,
  updatedAt: number,
  createdBy: string,
  comment: string,
];

export function silenceToRow(silence: Silence): SilenceRow {
  return [
    silence.id,
    JSON.stringify(silence.matchers),
    silence.startsAt,
    silence.endsAt,
    silence.updatedAt,
    silence.createdBy,
    silence.comment,
  ];
}

export function rowToSilence(row: SilenceRow): Silence {
  return {
    id: row[0],
    matchers: JSON.parse(row[1]) as Silence['matchers'],
    startsAt: row[2],
    endsAt: row[3],
    updatedAt: row[4],
    createdBy: row[5],
    comment: row[6],
  };
}

export const logColumns =
  'group_key, integration, firing_alerts, resolved_alerts, sent_at, expires_at';
export type LogRow = [
  groupKey: string,
  integration: string,
  firingAlerts: string,
  resolvedAlerts: string,
  timestamp: number,
  expiresAt: number,
];

export function logEntryToRow(entry: NotificationLogEntry): LogRow {
  return [
    entry.groupKey,
    entry.integration,
    JSON.stringify(entry.firingAlerts),
    JSON.stringify(entry.resolvedAlerts),
    entry.timestamp,
    entry.expiresAt,
  ];
}

export function rowToLogEntry(row: LogRow): NotificationLogEntry {
  return {
    groupKey: row[0],
    integration: row[1],
    firingAlerts: JSON.parse(row[2]) as string[],
    resolvedAlerts: JSON.parse(row[3]) as string[],
    timestamp: row[4],
    expiresAt: row[5],
  };
}

export const groupColumns =
  'group_key, receiver, route_id, group_labels, fingerprints, first_flush_at, last_flush_at, next_flush_at';
export type GroupRow = [
  groupKey: string,
  receiver: string,
  routeId: string,
  groupLabels: string,
  fingerprints: string,
  firstFlushAt: number,
  lastFlushAt: number,
  nextFlushAt: number,
];

export function groupToRow(state: GroupState): GroupRow {
  return [
    state.groupKey,
    state.receiver,
    state.routeId,
    JSON.stringify(state.groupLabels),
    JSON.stringify(state.fingerprints),
    state.firstFlushAt,
    state.lastFlushAt,
    state.nextFlushAt,
  ];
}

export function rowToGroup(row: GroupRow): GroupState {
  return {
    groupKey: row[0],
    receiver: row[1],
    routeId: row[2],
    groupLabels: JSON.parse(row[3]) as Record<string, string>,
    fingerprints: JSON.parse(row[4]) as string[],
    firstFlushAt: row[5],
    lastFlushAt: row[6],
    nextFlushAt: row[7],
  };
}

/** A value SQLite takes into a NOT NULL column: a string or a number. */
const isStorable = (value: unknown): boolean =>
  typeof value === 'string' || (typeof value === 'number' && !Number.isNaN(value));

const describeValue = (value: unknown): string =>
  value === null || value === undefined || Number.isNaN(value) ? String(value) : typeof value;

/**
 * Throws unless SQLite will take every value of `row` into its columns: NOT NULL ones, and the
 * `optional` ones (by index) that also take null. Written-behind rows are checked when accepted:
 * one that failed only at the flush would fail every retry of the buffer, and take the other
 * writes waiting in it down with it.
 */
export function assertStorable(
  row: readonly unknown[],
  columns: string,
  what: string,
  optional: readonly number[] = [],
): void {
  for (let index = 0; index < row.length; index++) {
    const value = row[index];
    if (isStorable(value)) continue;
    if (value === null && optional.includes(index)) continue;
    const column = columns.split(',')[index]!.trim();
    throw new PhoenixError(
      'ERR_STORE',
      `${what}: cannot store ${describeValue(value)} in column ${column} (expected a string or a ` +
        'number); nothing of the call was accepted',
    );
  }
}

/** `INSERT … ON CONFLICT (key) DO UPDATE` of every other column, with positional parameters. */
export function upsertSql(table: string, columns: string, key: string): string {
  const keys = key.split(',').map((name) => name.trim());
  const updates = columnNames(columns)
    .filter((name) => !keys.includes(name))
    .map((name) => `${name} = excluded.${name}`);
  return `${insertSql(table, columns)} ON CONFLICT (${key}) DO UPDATE SET ${updates.join(', ')}`;
}

/** `INSERT INTO table (columns) VALUES (?, …)`, one parameter per column, in order. */
export function insertSql(table: string, columns: string): string {
  return `INSERT INTO ${table} (${columns}) VALUES (${columnNames(columns)
    .map(() => '?')
    .join(', ')})`;
}

const columnNames = (columns: string): string[] => columns.split(',').map((name) => name.trim());
