// Shared by the engine's tests: the spec's configuration, a FakeClock engine with recording
// channels, and alert/notification builders.
import { fileURLToPath } from 'node:url';
import { createMemoryEscalationStore } from '@phoenix-alerting/core';
import type { Alert, DeliveryResult, EscalationStore, Notification } from '@phoenix-alerting/core';
import {
  FakeClock,
  buildAlert,
  buildNotification,
  buildRoute,
} from '@phoenix-alerting/core/testing';
import { loadEscalationConfig } from './config.js';
import type { EscalationConfig } from './config.js';
import { createEscalationEngine } from './engine-api.js';
import type { EscalationEngine } from './engine-api.js';
import type { EscalationEngineOptions } from './engine-types.js';
import { createRecordingChannel } from './recording-channel.js';
import type { RecordedPage } from './recording-channel.js';

export const MINUTE = 60_000;
/** Monday 2026-03-02 09:00 in Chicago (CST). */
export const T0 = Date.parse('2026-03-02T15:00:00Z');

export const specConfigFile = fileURLToPath(
  new URL('./__fixtures__/spec-escalation.yml', import.meta.url),
);
export const specConfig = (): EscalationConfig => loadEscalationConfig({ file: specConfigFile });

export interface Harness {
  clock: FakeClock;
  engine: EscalationEngine;
  store: EscalationStore;
  pages: RecordedPage[];
  /** Pages that page people (not resolution notices), as `[minute, level, person, channel]`. */
  paging(): [number, number, string, string][];
  /** Moves time on and lets the engine finish what fell due. */
  advance(ms: number): Promise<void>;
  notify(notification: Notification, receiver?: string, policy?: string): Promise<void>;
}

export async function startHarness(
  options: {
    config?: EscalationConfig;
    store?: EscalationStore;
    clock?: FakeClock;
    respond?: (notification: Notification, attempt: number) => DeliveryResult;
    engine?: Partial<EscalationEngineOptions>;
  } = {},
): Promise<Harness> {
  const clock = options.clock ?? new FakeClock(T0);
  const store = options.store ?? createMemoryEscalationStore();
  const pages: RecordedPage[] = [];
  const channels = Object.fromEntries(
    ['pagerduty', 'sms', 'slack'].map((name) => [
      name,
      createRecordingChannel(name, { now: () => clock.now(), pages, respond: options.respond }),
    ]),
  );
  const engine = createEscalationEngine({
    config: options.config ?? specConfig(),
    channels,
    store,
    clock,
    ...options.engine,
  });
  await engine.start();
  const harness: Harness = {
    clock,
    engine,
    store,
    pages,
    paging: () =>
      pages
        // Pages that ask someone to act; resolution and acknowledgement notices are not.
        .filter((page) => page.event !== 'resolved' && page.event !== 'acknowledged')
        .map((page) => [(page.at - T0) / MINUTE, page.level, page.recipients[0]!, page.channel]),
    async advance(ms) {
      await engine.idle();
      await clock.advance(ms);
      await engine.idle();
    },
    async notify(notification, receiver = 'ops', policy = 'critical') {
      await engine.notifierFor(receiver, policy).notify(notification, {
        signal: new AbortController().signal,
        attempt: 1,
        idempotencyKey: 'k',
      });
      await engine.idle();
      await clock.advance(0);
      await engine.idle();
    },
  };
  return harness;
}

/** A firing (or, with `resolvedAt`, resolved) alert of group `name`. */
export function alert(
  name: string,
  severity: string | undefined,
  options: { now: number; instance?: string; resolvedAt?: number },
): Alert {
  return buildAlert({
    labels: {
      alertname: name,
      instance: options.instance ?? 'db-1',
      ...(severity ? { severity } : {}),
    },
    annotations: { summary: `${name} on ${options.instance ?? 'db-1'}` },
    startsAt: T0,
    ...(options.resolvedAt !== undefined ? { endsAt: options.resolvedAt } : {}),
    now: options.now,
  });
}

/** The flushed group `name` with `alerts`, at `now`. */
export function group(name: string, alerts: Alert[], now: number): Notification {
  const route = buildRoute({ receiver: 'ops', groupBy: ['alertname'] });
  return buildNotification(alerts, {
    receiver: 'ops',
    groupKey: `{}:{alertname="${name}"}`,
    groupLabels: { alertname: name },
    timestamp: now,
    route,
  });
}
