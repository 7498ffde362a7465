import {
  createAlert,
  createMemoryEscalationStore,
  defaultRouteSettings,
  labelsToString,
  systemClock,
} from '@phoenix-alerting/core';
import type { IncidentTimelineEntry, Labels } from '@phoenix-alerting/core';
import { FakeClock } from '@phoenix-alerting/core/testing';
import type { EscalationConfig } from './config.js';
import { createEscalationEngine } from './engine-api.js';
import { createRecordingChannel } from './recording-channel.js';
import type { RecordedPage } from './recording-channel.js';

export interface SimulateOptions {
  config: EscalationConfig;
  /** The alert's labels; `severity` picks the severity level. */
  labels: Labels;
  /** When the alert fires (ms since epoch). Default now. */
  at?: number;
  /** Policy to run. Default: the policy named like the severity, else the first policy. */
  policy?: string;
  /** Receiver name shown in pages. Default `simulate`. */
  receiver?: string;
  /** Acknowledge this long after the alert fires (by the first person paged). */
  ackAfterMs?: number;
  /** Resolve this long after the alert fires. */
  resolveAfterMs?: number;
  /** How far to run. Default 24 hours. */
  horizonMs?: number;
}

/** People paged together: one line of a simulation. */
export interface SimulatedPage {
  /** When (ms since epoch) and how long after the alert fired. */
  at: number;
  offsetMs: number;
  event: string;
  level: number;
  person: string;
  /** The channels, in the severity's order. */
  channels: string[];
}

export interface SimulationResult {
  severity: string;
  policy: string;
  /** Status at the end of the horizon, and whether the policy ran out. */
  status: string;
  exhausted: boolean;
  pages: SimulatedPage[];
  timeline: IncidentTimelineEntry[];
}

/**
 * Runs the real engine on a FakeClock with recording channels for one alert with `labels`, and
 * returns who would be paged, when, and on which channels, with the incident's timeline.
 * @throws PhoenixError `ERR_NOT_FOUND` when the policy does not exist.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const { config, labels } = options;
  const start = options.at ?? systemClock.now();
  const clock = new FakeClock(start);
  const recorded: RecordedPage[] = [];
  const channels = Object.fromEntries(
    [...config.severities.values()]
      .flatMap((severity) => severity.channels)
      .map((name) => [
        name,
        createRecordingChannel(name, { now: () => clock.now(), pages: recorded }),
      ]),
  );
  const severity = config.severities.has(labels.severity ?? '')
    ? labels.severity!
    : config.defaultSeverity;
  const policy =
    options.policy ?? (config.policies.has(severity) ? severity : [...config.policies.keys()][0]);
  const receiver = options.receiver ?? 'simulate';
  const engine = createEscalationEngine({
    config,
    channels,
    clock,
    store: createMemoryEscalationStore(),
    workerId: 'simulate',
  });
  await engine.start();
  const notifier = engine.notifierFor(receiver, policy ?? '');
  const alert = createAlert({ labels: { ...labels } }, { now: start });
  const opened = await notifier.notify(
    {
      receiver,
      groupKey: `{}:${labelsToString(labels)}`,
      groupLabels: labels,
      alerts: [alert],
      timestamp: start,
      route: { ...defaultRouteSettings, receiver, routeKey: '{}', routeId: '{}' },
    },
    { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'simulate' },
  );
  if (!opened.ok) throw new Error(opened.message);
  const [incident] = await engine.listIncidents({ limit: 1 });
  const id = incident!.id;
  const actions: [number, () => Promise<unknown>][] = [];
  if (options.ackAfterMs !== undefined) {
    actions.push([
      options.ackAfterMs,
      async () => {
        const current = await engine.getIncident(id);
        if (current.status === 'new')
          await engine.acknowledge(id, current.paged[0] ?? 'simulation');
      },
    ]);
  }
  if (options.resolveAfterMs !== undefined) {
    actions.push([
      options.resolveAfterMs,
      async () => {
        if ((await engine.getIncident(id)).status !== 'resolved')
          await engine.resolve(id, 'simulation');
      },
    ]);
  }
  actions.sort((a, b) => a[0] - b[0]);
  const horizonMs = options.horizonMs ?? 24 * 3_600_000;
  for (const [offset, act] of actions) {
    if (offset > horizonMs) break;
    await engine.idle();
    await clock.advanceTo(start + offset);
    await engine.idle();
    await act();
  }
  await engine.idle();
  await clock.advanceTo(Math.max(clock.now(), start + horizonMs));
  await engine.idle();
  const details = await engine.getIncident(id);
  await engine.stop();

  const pages: SimulatedPage[] = [];
  for (const page of recorded) {
    const person = page.recipients[0] ?? '';
    const same = pages.find(
      (item) =>
        item.at === page.at &&
        item.person === person &&
        item.event === page.event &&
        item.level === page.level,
    );
    if (same) same.channels.push(page.channel);
    else
      pages.push({
        at: page.at,
        offsetMs: page.at - start,
        event: page.event ?? '',
        level: page.level,
        person,
        channels: [page.channel],
      });
  }
  return {
    severity: details.severity,
    policy: details.policy,
    status: details.status,
    exhausted: details.exhausted,
    pages,
    timeline: details.timeline,
  };
}
