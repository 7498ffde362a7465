import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ALERTMANAGER_BINARY,
  collectFingerprints,
  startAlertmanager,
} from '../scripts/collect-fingerprints.mjs';
import type { FingerprintVector } from '../scripts/collect-fingerprints.mjs';
import { fingerprint, fingerprintOfNames } from './fingerprint.js';
import { seededRandom } from './testing/random.js';
import type { Labels } from './labels.js';

const vectors = JSON.parse(
  readFileSync(new URL('./__fixtures__/alertmanager-fingerprints.json', import.meta.url), 'utf8'),
) as FingerprintVector[];

/** Slow, obviously right FNV-1a 64 over the byte string Go hashes, names in the given order. */
function reference(pairs: [string, string][]): string {
  const encoder = new TextEncoder();
  let hash = 0xcbf29ce484222325n;
  for (const [name, value] of pairs) {
    for (const part of [name, value]) {
      for (const byte of [...encoder.encode(part), 0xff]) {
        hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
      }
    }
  }
  return hash.toString(16).padStart(16, '0');
}

describe('fingerprint', () => {
  it('equals every fingerprint recorded from Alertmanager 0.25', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(50);
    const ours = vectors.map(({ labels }) => ({ labels, fingerprint: fingerprint(labels) }));
    expect(ours).toEqual(vectors);
  });

  it('is the FNV-1a offset basis for the empty set', () => {
    expect(fingerprint({})).toBe('cbf29ce484222325');
  });

  it('does not depend on the order of the labels', () => {
    expect(fingerprint({ c: '3', a: '1', b: '2' })).toBe(fingerprint({ a: '1', b: '2', c: '3' }));
  });

  it('tells apart text moved between name and value', () => {
    const moved: Labels[] = [
      { a: 'bc' },
      { ab: 'c' },
      { abc: '' },
      { a: 'b', c: '' },
      { a: 'b', c: 'd' },
    ];
    expect(new Set(moved.map((labels) => fingerprint(labels))).size).toBe(moved.length);
  });

  it('hashes a lone surrogate as U+FFFD, as Alertmanager decodes it', () => {
    const recorded = vectors.find((vector) => vector.labels.lone !== undefined);
    expect(recorded?.labels).toEqual({ lone: '\ufffdx' });
    expect(fingerprint({ lone: '\ud800x' })).toBe(recorded?.fingerprint);
  });

  it('keeps empty values: dropping them is up to the caller, as the Alertmanager API does', () => {
    expect(fingerprint({ alertname: 'x', empty: '' })).not.toBe(fingerprint({ alertname: 'x' }));
  });

  it('sorts names by UTF-8 bytes, as Go does, also beyond ASCII', () => {
    // JavaScript's default sort puts U+10000 (a surrogate pair) before U+E000; Go does not.
    const labels = { '\u{10000}': 'astral', '\ue000': 'private', a: 'ascii' };
    const goOrder: [string, string][] = [
      ['a', 'ascii'],
      ['\ue000', 'private'],
      ['\u{10000}', 'astral'],
    ];
    expect(fingerprint(labels)).toBe(reference(goOrder));
  });

  it('agrees with a BigInt reference on long and non-ASCII input', () => {
    const labels: Labels = { a: 'x'.repeat(5000), b: 'é漢😀'.repeat(500), c: 'ascii then ü' };
    expect(fingerprint(labels)).toBe(reference(Object.entries(labels)));
  });
});

describe('fingerprintOfNames', () => {
  const labels = { alertname: 'HighCPU', cluster: 'eu-1', instance: 'node-1', severity: 'page' };

  it('equals the fingerprint of the named sub-set', () => {
    expect(fingerprintOfNames(labels, ['severity', 'alertname'])).toBe(
      fingerprint({ alertname: 'HighCPU', severity: 'page' }),
    );
  });

  it('skips missing and repeated names', () => {
    expect(fingerprintOfNames(labels, ['cluster', 'team', 'cluster', 'constructor'])).toBe(
      fingerprint({ cluster: 'eu-1' }),
    );
  });

  it('is the empty fingerprint for no names', () => {
    expect(fingerprintOfNames(labels, [])).toBe(fingerprint({}));
  });

  it('leaves the names array alone', () => {
    const names = ['severity', 'alertname'];
    fingerprintOfNames(labels, names);
    expect(names).toEqual(['severity', 'alertname']);
  });
});

function randomLabelSets(count: number, seed: number): Record<string, string>[] {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const first = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';
  const rest = `${first}0123456789`;
  const pools = [
    'abcxyzABCXYZ0189 -_.:/@',
    '"\\\n\r\t=,{}\'`',
    'éüßñçÅøÿ\u0080\u00a0\u00ad',
    '東京数据库서울مرحبا',
    ['🔥', '🚨', '👩‍💻', '🇺🇸', '𝔘', '\u{10ffff}'],
    '\u200b\u2028\ufeff\ue000\ufffd\uffff',
  ].map((pool) => (typeof pool === 'string' ? Array.from(pool) : pool));
  const char = (): string => {
    const roll = next();
    if (roll < 0.05) return String.fromCharCode(0x20 + Math.floor(next() * (0xd800 - 0x20)));
    if (roll < 0.1) return String.fromCodePoint(0x10000 + Math.floor(next() * 0x100000));
    return pick(pick(pools));
  };
  const sets: Record<string, string>[] = [];
  for (let i = 0; i < count; i++) {
    // A distinct alertname keeps every set non-empty and distinct after empty values are dropped.
    const labels: Record<string, string> = { alertname: `Live${i}` };
    const size = Math.floor(next() * 8);
    for (let j = 0; j < size; j++) {
      let name = pick(['severity', 'instance', 'job', '']) || pick(Array.from(first));
      while (next() < 0.7) name += pick(Array.from(rest));
      let value = '';
      const length = next() < 0.1 ? 0 : Math.floor(next() * 30);
      for (let k = 0; k < length; k++) value += char();
      labels[name] = value;
    }
    sets.push(labels);
  }
  return sets;
}

function withoutEmptyValues(labels: Labels): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([, value]) => value !== ''));
}

describe.runIf(existsSync(ALERTMANAGER_BINARY))('fingerprint against a live Alertmanager', () => {
  it('matches Alertmanager on random label sets', async () => {
    const sets = randomLabelSets(100, 20250101);
    const alertmanager = await startAlertmanager();
    let answers: FingerprintVector[];
    try {
      answers = await collectFingerprints(alertmanager.url, sets);
    } finally {
      await alertmanager.stop();
    }
    expect(answers).toHaveLength(sets.length);
    const ours = answers.map(({ labels }) => ({ labels, fingerprint: fingerprint(labels) }));
    expect(ours).toEqual(answers);
    // Each set comes back under our fingerprint, minus its empty values.
    const byFingerprint = new Map(answers.map((answer) => [answer.fingerprint, answer.labels]));
    for (const labels of sets) {
      const stored = withoutEmptyValues(labels);
      expect(byFingerprint.get(fingerprint(stored))).toEqual(stored);
    }
  }, 30_000);
});
