import { describe, expect, it } from 'vitest';
import { alertStatus, createAlert, isResolved, mergeAlerts } from './alert.js';
import type { Alert } from './alert.js';

const now = Date.UTC(2024, 0, 1, 12);
const base = (overrides: Partial<Alert>): Alert => ({
  ...createAlert({ labels: { alertname: 'X' } }, { now }),
  ...overrides,
});

describe('createAlert', () => {
  it('defaults startsAt to the receipt time and derives status from endsAt', () => {
    const alert = createAlert({ labels: { alertname: 'A' } }, { now });
    expect(alert).toMatchObject({
      startsAt: now,
      endsAt: 0,
      updatedAt: now,
      timeout: false,
      generatorURL: '',
    });
    expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(alertStatus(alert, now + 1e9)).toBe('firing');
    const ended = createAlert(
      {
        labels: { alertname: 'A' },
        startsAt: '2024-01-01T10:00:00Z',
        endsAt: '2024-01-01T11:00:00Z',
      },
      { now },
    );
    expect(isResolved(ended, now)).toBe(true);
    expect(isResolved(ended, Date.UTC(2024, 0, 1, 11))).toBe(true);
    expect(isResolved(ended, Date.UTC(2024, 0, 1, 11) - 1)).toBe(false);
  });

  it('applies resolve_timeout to alerts without endsAt and marks them', () => {
    const alert = createAlert({ labels: { alertname: 'A' } }, { now, resolveTimeoutMs: 300_000 });
    expect(alert.endsAt).toBe(now + 300_000);
    expect(alert.timeout).toBe(true);
  });

  it('drops empty label values before fingerprinting, as the Alertmanager API does', () => {
    const alert = createAlert({ labels: { alertname: 'A', empty: '' } }, { now });
    expect(alert.labels).toEqual({ alertname: 'A' });
    expect(alert.fingerprint).toBe(
      createAlert({ labels: { alertname: 'A' } }, { now }).fingerprint,
    );
    expect(() => createAlert({ labels: { only: '' } }, { now })).toThrow(
      /^at least one label pair required$/,
    );
  });

  it('treats Go zero time as unset', () => {
    const alert = createAlert(
      { labels: { alertname: 'A' }, endsAt: '0001-01-01T00:00:00Z' },
      { now },
    );
    expect(alert.endsAt).toBe(0);
  });

  it.each([
    [{ labels: { alertname: 'A' }, startsAt: 'yesterday' }, 'startsAt is not a valid time'],
    [
      { labels: { alertname: 'A' }, startsAt: now, endsAt: now - 1 },
      'start time must be before end time',
    ],
    [{ labels: {} }, 'at least one label pair required'],
    [{ labels: { 'bad-name': 'x' } }, 'bad-name'],
    [{ labels: { a: 'b' }, annotations: { 'bad name': 'x' } }, 'invalid annotations'],
  ])('rejects %j with a message naming the problem', (input, message) => {
    expect(() => createAlert(input, { now })).toThrow(message);
  });
});

describe('mergeAlerts (Alertmanager Alert.Merge)', () => {
  it('keeps the newest state but the earliest startsAt', () => {
    const older = base({ startsAt: 100, updatedAt: 1_000, annotations: { v: 'old' } });
    const newer = base({ startsAt: 500, updatedAt: 2_000, annotations: { v: 'new' } });
    for (const merged of [mergeAlerts(older, newer, now), mergeAlerts(newer, older, now)]) {
      expect(merged.startsAt).toBe(100);
      expect(merged.annotations.v).toBe('new');
    }
  });

  it('keeps a later explicit endsAt of the older state while the newer one fires', () => {
    const older = base({ endsAt: now + 10_000, updatedAt: 1_000, timeout: false });
    const newer = base({ endsAt: now + 5_000, updatedAt: 2_000, timeout: true });
    expect(mergeAlerts(older, newer, now).endsAt).toBe(now + 10_000);
    // ...but not when the older end time was only a resolve_timeout guess.
    expect(mergeAlerts({ ...older, timeout: true }, newer, now).endsAt).toBe(now + 5_000);
  });

  it('takes the latest end time when both are resolved', () => {
    const older = base({ endsAt: now - 1_000, updatedAt: 1_000 });
    const newer = base({ endsAt: now - 5_000, updatedAt: 2_000 });
    expect(mergeAlerts(older, newer, now).endsAt).toBe(now - 1_000);
  });

  it('lets a newer resolved state resolve a firing alert', () => {
    const firing = base({ endsAt: 0, updatedAt: 1_000 });
    const resolved = base({ endsAt: now - 1, updatedAt: 2_000 });
    expect(isResolved(mergeAlerts(firing, resolved, now), now)).toBe(true);
  });
});
