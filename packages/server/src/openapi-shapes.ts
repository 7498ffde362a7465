// The field sets of Alertmanager 0.25's api/v2/openapi.yaml definitions that the API returns,
// transcribed by hand: `required` must all be present, and nothing outside `required` and
// `optional` may be.
import { expect } from 'vitest';

interface Definition {
  required: readonly string[];
  optional?: readonly string[];
}

export const definitions = {
  gettableAlert: {
    // gettableAlert's own properties, then those of `alert` (allOf).
    required: [
      'receivers',
      'fingerprint',
      'startsAt',
      'updatedAt',
      'endsAt',
      'annotations',
      'status',
      'labels',
    ],
    optional: ['generatorURL'],
  },
  alertStatus: { required: ['state', 'silencedBy', 'inhibitedBy'] },
  receiver: { required: ['name'] },
  alertGroup: { required: ['labels', 'receiver', 'alerts'] },
  gettableSilence: {
    required: [
      'id',
      'status',
      'updatedAt',
      'matchers',
      'startsAt',
      'endsAt',
      'createdBy',
      'comment',
    ],
  },
  silenceStatus: { required: ['state'] },
  matcher: { required: ['name', 'value', 'isRegex'], optional: ['isEqual'] },
  alertmanagerStatus: { required: ['cluster', 'versionInfo', 'config', 'uptime'] },
  clusterStatus: { required: ['status'], optional: ['name', 'peers'] },
  versionInfo: {
    required: ['version', 'revision', 'branch', 'buildUser', 'buildDate', 'goVersion'],
  },
  alertmanagerConfig: { required: ['original'] },
} satisfies Record<string, Definition>;

/** Asserts that `value` has exactly the fields `definition` allows, and all it requires. */
export function expectShape(value: unknown, definition: Definition): void {
  expect(value).toBeTypeOf('object');
  const keys = Object.keys(value as object);
  expect(keys).toEqual(expect.arrayContaining([...definition.required]));
  for (const key of keys)
    expect([...definition.required, ...(definition.optional ?? [])]).toContain(key);
}

/** RFC 3339 with milliseconds in UTC, as go-openapi's strfmt.DateTime prints. */
export const apiTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A gettableAlert, recursively. */
export function expectGettableAlert(alert: any): void {
  expectShape(alert, definitions.gettableAlert);
  expectShape(alert.status, definitions.alertStatus);
  expect(['unprocessed', 'active', 'suppressed']).toContain(alert.status.state);
  for (const receiver of alert.receivers) expectShape(receiver, definitions.receiver);
  for (const field of ['startsAt', 'updatedAt', 'endsAt']) expect(alert[field]).toMatch(apiTime);
  expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
}

/** A gettableSilence, recursively. */
export function expectGettableSilence(silence: any): void {
  expectShape(silence, definitions.gettableSilence);
  expectShape(silence.status, definitions.silenceStatus);
  expect(['expired', 'active', 'pending']).toContain(silence.status.state);
  for (const matcher of silence.matchers) expectShape(matcher, definitions.matcher);
  for (const field of ['startsAt', 'updatedAt', 'endsAt']) expect(silence[field]).toMatch(apiTime);
}
