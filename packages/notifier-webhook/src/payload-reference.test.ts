// The encoder's fast paths (label sets already in order, strings built in place) checked against a
// plain reference of Go's encoding/json on random messages full of what Go escapes or orders its own
// way.
import { buildAlert, buildNotification, seededRandom } from '@phoenix-alerting/core/testing';
import type { Alert, Labels } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { buildWebhookMessage, encodeWebhookMessage, goJsonString } from './payload.js';
import type { WebhookMessage } from './payload.js';

const T0 = Date.UTC(2024, 0, 1);

/** Go's string encoding, one code point at a time (a lone surrogate is a code point here). */
function referenceString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || '<>&\u2028\u2029'.includes(char)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else if (code >= 0xd800 && code <= 0xdfff) out += '\ufffd';
    else out += char;
  }
  return `${out}"`;
}

/** Go sorts map keys by their UTF-8 bytes. */
function referenceMap(labels: Labels): string {
  const names = Object.keys(labels).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${names.map((name) => `${referenceString(name)}:${referenceString(labels[name]!)}`).join(',')}}`;
}

function referenceCommon(alerts: readonly Alert[], key: 'labels' | 'annotations'): Labels {
  const [first, ...rest] = alerts;
  if (!first) return {};
  const entries = Object.entries(first[key]).filter(([name, value]) =>
    rest.every((alert) => alert[key][name] === value),
  );
  return Object.fromEntries(entries);
}

function referenceBody(message: WebhookMessage): string {
  const alerts = message.alerts.map(
    (alert) =>
      `{"status":${referenceString(alert.status)},"labels":${referenceMap(alert.labels)},` +
      `"annotations":${referenceMap(alert.annotations)},` +
      `"startsAt":${referenceString(alert.startsAt)},"endsAt":${referenceString(alert.endsAt)},` +
      `"generatorURL":${referenceString(alert.generatorURL)},` +
      `"fingerprint":${referenceString(alert.fingerprint)}}`,
  );
  return (
    `{"receiver":${referenceString(message.receiver)},"status":${referenceString(message.status)},` +
    `"alerts":[${alerts.join(',')}],"groupLabels":${referenceMap(message.groupLabels)},` +
    `"commonLabels":${referenceMap(message.commonLabels)},` +
    `"commonAnnotations":${referenceMap(message.commonAnnotations)},` +
    `"externalURL":${referenceString(message.externalURL)},` +
    `"version":${referenceString(message.version)},"groupKey":${referenceString(message.groupKey)},` +
    `"truncatedAlerts":${message.truncatedAlerts}}\n`
  );
}

const PLAIN = [
  'a',
  'Z',
  '0',
  '1',
  '9',
  ' ',
  '_',
  '.',
  '/',
  ':',
  '=',
  '?',
  '\u007f',
  'é',
  '日',
  '\uffff',
  '😀',
];
const SPECIAL = ['<', '>', '&', '"', '\\', '\b', '\f', '\n', '\r', '\t', '\u0000', '\u001f'];
const UNICODE = ['\u2028', '\u2029', '\ud800', '\udfff', '\ud83d\ude00', '\ue000'];

function text(next: () => number, pieces: readonly string[], maxLength: number): string {
  const length = Math.floor(next() * (maxLength + 1));
  let out = '';
  for (let i = 0; i < length; i++) out += pieces[Math.floor(next() * pieces.length)];
  return out;
}

function labels(next: () => number, values: readonly string[], shared: Labels): Labels {
  const set: Record<string, string> = next() < 0.5 ? { ...shared } : {};
  const count = Math.floor(next() * 5);
  // Names without lone surrogates: those have no UTF-8 form to sort by.
  for (let i = 0; i < count; i++)
    set[text(next, [...PLAIN, ...SPECIAL], 4)] = text(next, values, 6);
  if (next() < 0.5) return set;
  // In UTF-16 order, as sets usually come; astral characters sort differently in Go.
  return Object.fromEntries(
    Object.keys(set)
      .sort()
      .map((name) => [name, set[name]!]),
  );
}

describe('the Go JSON encoder', () => {
  it('writes the reference bytes for random strings', () => {
    const next = seededRandom(1);
    // Plain strings and strings with Go's own escapes, alternately.
    for (let i = 0; i < 5_000; i++) {
      const pieces = i % 2 ? PLAIN : [...PLAIN, ...SPECIAL, ...UNICODE];
      const sample = text(next, pieces, 12);
      expect(goJsonString(sample), JSON.stringify(sample)).toBe(referenceString(sample));
    }
  });

  it('writes the reference bytes for random messages, encoded twice', () => {
    const next = seededRandom(2);
    for (let round = 0; round < 200; round++) {
      const values = round % 2 ? PLAIN : [...PLAIN, ...SPECIAL, ...UNICODE];
      const shared = labels(next, values, {});
      // Built by hand: createAlert would refuse most of these label names.
      const alerts = Array.from({ length: Math.floor(next() * 6) }, (_, i): Alert => ({
        ...buildAlert({
          labels: { n: String(i) },
          startsAt: T0 + Math.floor(next() * 5_000),
          endsAt: next() < 0.5 ? 0 : T0 + 10_000,
        }),
        labels: { ...labels(next, values, shared), n: String(i) },
        annotations: labels(next, values, shared),
        generatorURL: text(next, values, 10),
      }));
      const notification = buildNotification(alerts, {
        receiver: text(next, values, 6),
        groupKey: text(next, values, 6),
        groupLabels: labels(next, values, {}),
        timestamp: T0 + 5_000,
      });
      const message = buildWebhookMessage(notification, { externalURL: text(next, values, 6) });
      expect(message.commonLabels).toEqual(referenceCommon(alerts, 'labels'));
      expect(message.commonAnnotations).toEqual(referenceCommon(alerts, 'annotations'));
      expect(encodeWebhookMessage(message)).toBe(referenceBody(message));
      expect(encodeWebhookMessage(buildWebhookMessage(notification))).toBe(
        referenceBody(buildWebhookMessage(notification)),
      );
    }
  });
});
