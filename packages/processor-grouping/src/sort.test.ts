import { describe, expect, it } from 'vitest';
import { buildAlert } from '@phoenix-alerting/core/testing';
import { sortAlerts } from './sort.js';

const names = (labelSets: Record<string, string>[]) =>
  sortAlerts(labelSets.map((labels) => buildAlert({ labels }))).map((alert) => alert.labels);

describe('sortAlerts (types.AlertSlice.Less)', () => {
  it('orders by job, then instance, alerts with the label first', () => {
    expect(
      names([
        { alertname: 'x' },
        { alertname: 'x', instance: 'b' },
        { alertname: 'x', instance: 'a', job: 'z' },
        { alertname: 'x', instance: 'c', job: 'a' },
        { alertname: 'x', instance: 'a' },
      ]),
    ).toEqual([
      { alertname: 'x', instance: 'c', job: 'a' },
      { alertname: 'x', instance: 'a', job: 'z' },
      { alertname: 'x', instance: 'a' },
      { alertname: 'x', instance: 'b' },
      { alertname: 'x' },
    ]);
  });

  it('compares the whole label sets when job and instance are equal', () => {
    expect(
      names([
        { alertname: 'y', instance: 'a', job: 'j' },
        { alertname: 'x', instance: 'b', job: 'j' },
        { alertname: 'x', instance: 'a', job: 'j', severity: 'page' },
        { alertname: 'x', instance: 'a', job: 'j' },
      ]),
    ).toEqual([
      { alertname: 'x', instance: 'a', job: 'j' },
      { alertname: 'y', instance: 'a', job: 'j' },
      { alertname: 'x', instance: 'a', job: 'j', severity: 'page' },
      { alertname: 'x', instance: 'b', job: 'j' },
    ]);
  });

  it('falls back to LabelSet.Before: fewer labels first, then the first differing pair', () => {
    expect(
      names([
        { b: '1', c: '1' },
        { a: '2', b: '1' },
        { a: '1', b: '1' },
        { a: '1' },
        { a: '1', c: '0' },
      ]),
    ).toEqual([
      { a: '1' },
      // Go walks the union of names in order; the set lacking the first differing name comes
      // first: {b, c} lacks "a", which the others have.
      { b: '1', c: '1' },
      // Then at "b": {a, c} lacks it.
      { a: '1', c: '0' },
      { a: '1', b: '1' },
      { a: '2', b: '1' },
    ]);
  });
});
