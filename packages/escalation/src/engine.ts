import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import {
  PhoenixError,
  createLogger,
  createMemoryEscalationStore,
  systemClock,
} from '@phoenix-alerting/core';
import type {
  Alert,
  Clock,
  DeliveryResult,
  EscalationChanges,
  EscalationPage,
  EscalationStep,
  EscalationStore,
  IncidentEvent,
  IncidentRecord,
  Logger,
  PluginContext,
  StepCompletion,
  TimerHandle,
} from '@phoenix-alerting/core';
import type { EscalationConfig, EscalationPolicy, SeverityLevel } from './config.js';
import type { EscalationEngineOptions } from './engine-types.js';
import { recordOutcomes } from './delivery.js';
import { buildPage, recipientOf, successor } from './paging.js';
import { createOnCallSchedule } from './oncall/index.js';
import type { OnCallSchedule } from './oncall/index.js';

/** The store's answer when a step or page was finished or claimed by someone else meanwhile. */
const isConflict = (error: unknown) => PhoenixError.isInstance(error) && error.code === 'ERR_STORE';

export type TimelineEvent = NonNullable<EscalationChanges['timeline']>[number];

/** One decision being built: the store changes and the incident it leaves. */
export interface Decision {
  incident: IncidentRecord;
  changes: EscalationChanges;
}

/**
 * The durable core of the engine: the timer loop that fires due steps and delivers pages from the
 * outbox. `IncidentEngine` (engine-incidents.ts) opens incidents from notifications and
 * `EscalationEngine` (engine-api.ts) adds the API.
 */
export abstract class EscalationCore {
  readonly config: EscalationConfig;
  readonly workerId: string;
  protected readonly options: EscalationEngineOptions;
  protected store!: EscalationStore;
  protected clock!: Clock;
  protected logger!: Logger;
  protected baseSchedule: OnCallSchedule;
  protected onCall: OnCallSchedule;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly deliveryTimeoutMs: number;
  private readonly retry: Required<NonNullable<EscalationEngineOptions['retry']>>;
  private started: Promise<void> | undefined;
  private stopping = false;
  private readonly shutdown = new AbortController();
  private timer: TimerHandle | undefined;
  private wakeAt: number | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  /** Decisions waiting for their turn; urgent ones (due steps) go before the others. */
  private readonly waiting: { work: () => Promise<void>; urgent: boolean }[] = [];
  private deciding: Promise<void> | undefined;
  private readonly deliveries = new Set<Promise<void>>();
  private inFlight = 0;

  constructor(options: EscalationEngineOptions) {
    this.options = options;
    this.config = options.config;
    this.workerId = options.workerId ?? randomUUID();
    this.leaseMs = options.leaseMs ?? 60_000;
    this.batchSize = options.batchSize ?? 256;
    this.concurrency = options.concurrency ?? 16;
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? 30_000;
    this.retry = {
      initialBackoffMs: 1_000,
      maxBackoffMs: 300_000,
      multiplier: 2,
      maxAttempts: 10,
      ...options.retry,
    };
    const missing: string[] = [];
    for (const severity of options.config.severities.values())
      for (const channel of severity.channels)
        if (!options.channels[channel])
          missing.push(`severities.${severity.name}.channels: ${channel}`);
    if (missing.length > 0)
      throw new PhoenixError(
        'ERR_CONFIG_INVALID',
        `escalation engine: no notifier for channel ${missing.join('; ')} (channels given: ${Object.keys(options.channels).join(', ') || 'none'})`,
      );
    // Every delivery in flight listens for shutdown.
    setMaxListeners(0, this.shutdown.signal);
    this.baseSchedule = createOnCallSchedule(options.config.oncall);
    this.onCall = this.baseSchedule;
    if (options.store) this.store = options.store;
    if (options.clock) this.clock = options.clock;
    if (options.logger) this.logger = options.logger;
  }

  /**
   * Takes the store, clock and logger (from `context` when the options gave none), loads the
   * overrides and arms the timer for the earliest pending step or page: late ones fire at once.
   * Runs once; later calls return the same promise.
   */
  start(context?: Partial<PluginContext>): Promise<void> {
    this.started ??= (async () => {
      this.clock ??= context?.clock ?? systemClock;
      this.logger ??= context?.logger ?? createLogger({ name: 'escalation' });
      if (this.store === undefined) {
        const durable = context?.store?.escalation;
        if (!durable)
          this.logger.warn(
            'escalation: the store has no escalation part; incidents and pending escalations are kept in memory and lost at exit',
          );
        this.store = durable ?? createMemoryEscalationStore();
      }
      this.onCall = this.baseSchedule.withOverrides(await this.store.listOverrides());
      this.wake(this.clock.now());
    })();
    return this.started;
  }

  /** Stops the timers and waits (until the deadline) for work in progress. Runs once. */
  async stop(options?: { deadline?: number; signal?: AbortSignal }): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    options?.signal?.addEventListener('abort', () => this.shutdown.abort(), { once: true });
    await this.idle();
    this.shutdown.abort();
  }

  /** Resolves when no step firing, decision or page delivery is in progress. For tests. */
  async idle(): Promise<void> {
    for (;;) {
      // Work already due runs now, even on a clock that is not moving (a FakeClock between advances).
      if (this.wakeAt !== undefined && this.wakeAt <= this.clock.now()) {
        if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
        this.timer = undefined;
        this.wakeAt = undefined;
        this.tick();
      }
      const pending = [this.running, this.deciding, ...this.deliveries].filter(Boolean);
      await Promise.allSettled(pending);
      const due = this.wakeAt !== undefined && this.wakeAt <= this.clock.now() && !this.stopping;
      if (!this.running && !this.deciding && this.deliveries.size === 0 && !due) return;
    }
  }

  protected assertStarted(): void {
    if (!this.started || this.store === undefined)
      throw new PhoenixError('ERR_PIPELINE_STOPPED', 'the escalation engine is not started');
    if (this.stopping)
      throw new PhoenixError('ERR_PIPELINE_STOPPED', 'the escalation engine is stopped');
  }

  /**
   * Runs `work` after every decision before it, so decisions about an incident never interleave.
   * `urgent` work (firing due steps) goes ahead of queued notifications and API calls, so that a
   * flood of new incidents cannot make escalations late.
   */
  protected exclusive<T>(work: () => Promise<T>, urgent = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = { work: () => work().then(resolve, reject), urgent };
      if (urgent) {
        const at = this.waiting.findIndex((item) => !item.urgent);
        this.waiting.splice(at === -1 ? this.waiting.length : at, 0, entry);
      } else this.waiting.push(entry);
      this.deciding ??= this.decide();
    });
  }

  private async decide(): Promise<void> {
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) await next.work();
    this.deciding = undefined;
  }

  protected severityOf(name: string): SeverityLevel {
    return (
      this.config.severities.get(name) ?? this.config.severities.get(this.config.defaultSeverity)!
    );
  }

  protected policyOf(incident: IncidentRecord): EscalationPolicy | undefined {
    return this.config.policies.get(incident.policy);
  }

  /** The most severe `severity` label of the firing alerts; unknown or absent → default. */
  protected severityFor(alerts: readonly Alert[]): string {
    let best: SeverityLevel | undefined;
    for (const alert of alerts) {
      const level =
        this.config.severities.get(alert.labels.severity ?? '') ??
        this.severityOf(this.config.defaultSeverity);
      if (!best || level.rank < best.rank) best = level;
    }
    return (best ?? this.severityOf(this.config.defaultSeverity)).name;
  }

  protected event(
    incident: IncidentRecord,
    kind: string,
    message: string,
    actor = 'system',
    data: Record<string, unknown> = {},
  ): TimelineEvent {
    return { incidentId: incident.id, at: this.clock.now(), kind, actor, message, data };
  }

  /** A new step of `incident`, numbered by its decision counter so its id is unique and stable. */
  protected step(
    incident: IncidentRecord,
    kind: EscalationStep['kind'],
    level: number,
    cycle: number,
    dueAt: number,
  ): EscalationStep {
    incident.decisions++;
    return {
      id: `${incident.id}/${incident.round}/${incident.decisions}/${kind}/${cycle}/${level}`,
      incidentId: incident.id,
      kind,
      level,
      cycle,
      round: incident.round,
      dueAt,
      status: 'pending',
      createdAt: this.clock.now(),
    };
  }

  /** Commits a decision, then wakes the loop for its steps and pages and tells the hook. */
  protected async commit(decision: Decision): Promise<IncidentRecord> {
    await this.commitAll([decision]);
    return decision.incident;
  }

  /**
   * Commits decisions (about different incidents) and `extra` in one transaction, then wakes the
   * loop for their steps and pages and tells the hook about their events.
   */
  protected async commitAll(
    decisions: readonly Decision[],
    extra?: EscalationChanges,
  ): Promise<void> {
    const merged: Required<EscalationChanges> = {
      at: extra?.at ?? decisions[0]?.changes.at ?? this.clock.now(),
      incidents: [],
      timeline: [],
      completeSteps: [...(extra?.completeSteps ?? [])],
      cancelStepsOf: [],
      steps: [],
      pages: [],
      pageUpdates: [],
    };
    for (const { incident, changes } of decisions) {
      incident.updatedAt = changes.at;
      (merged.incidents as IncidentRecord[]).push(incident);
      for (const key of [
        'timeline',
        'completeSteps',
        'cancelStepsOf',
        'steps',
        'pages',
        'pageUpdates',
      ] as const)
        (merged[key] as unknown[]).push(...(changes[key] ?? []));
    }
    if (merged.incidents.length === 0 && merged.completeSteps.length === 0) return;
    await this.store.commit(merged);
    const due = [
      ...merged.steps.map((item) => item.dueAt),
      ...merged.pages.map((item) => item.nextAttemptAt),
    ];
    if (due.length > 0) this.wake(Math.min(...due));
    for (const { incident, changes } of decisions)
      for (const event of changes.timeline ?? []) this.tell(event, incident);
  }

  protected tell(event: TimelineEvent, incident: IncidentRecord): void {
    if (!this.options.onIncidentEvent) return;
    try {
      this.options.onIncidentEvent(event, structuredClone(incident));
    } catch (error) {
      this.logger.error(
        { err: error, incident: incident.id, kind: event.kind },
        'escalation: onIncidentEvent failed',
      );
    }
  }

  protected page(
    incident: IncidentRecord,
    key: string,
    channel: string,
    person: { name: string },
    event: IncidentEvent,
    level: number,
    now: number,
  ): EscalationPage {
    return buildPage(incident, {
      key,
      channel,
      person: recipientOf(person),
      event,
      level,
      now,
      url: this.options.incidentUrl?.(incident),
    });
  }

  /** The step that resumes escalation now: the next level, or the last one again if none follows. */
  protected resumeStep(
    incident: IncidentRecord,
    policy: EscalationPolicy,
    now: number,
  ): EscalationStep {
    if (incident.level === 0) return this.step(incident, 'level', 1, 0, now);
    const next = successor(policy, incident.level, incident.cycle);
    if (next.kind === 'level') return this.step(incident, 'level', next.level, next.cycle, now);
    return this.step(incident, 'level', incident.level, incident.cycle, now);
  }

  // ---- durable timers: the loop that claims due steps and pages ----

  /** Arms the one timer for `at` unless it is already armed earlier. */
  protected wake(at: number): void {
    if (this.stopping || !this.started) return;
    if (this.wakeAt !== undefined && this.wakeAt <= at) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.wakeAt = undefined;
      this.tick();
    }, at - this.clock.now());
  }

  private tick(): void {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.loop()
      .catch((error: unknown) => {
        this.logger.error({ err: error }, 'escalation: firing due steps failed; retrying in 1s');
        this.wake(this.clock.now() + 1_000);
      })
      .finally(() => {
        this.running = undefined;
        if (this.rerun) {
          this.rerun = false;
          this.tick();
        }
      });
  }

  /** Claims and fires due steps, and starts due page deliveries, batch by batch. */
  private async loop(): Promise<void> {
    for (;;) {
      if (this.stopping) return;
      const now = this.clock.now();
      const steps = await this.store.claimDueSteps(
        now,
        this.workerId,
        this.leaseMs,
        this.batchSize,
      );
      if (steps.length > 0) await this.exclusive(() => this.fireAll(steps), true);
      const room = Math.min(this.batchSize, this.concurrency - this.inFlight);
      // Read the clock again: the steps just fired recorded pages due now.
      const pages =
        room > 0
          ? await this.store.claimDuePages(this.clock.now(), this.workerId, this.leaseMs, room)
          : [];
      if (pages.length > 0) {
        this.inFlight += pages.length;
        const delivery = this.deliverAll(pages).finally(() => {
          this.inFlight -= pages.length;
          this.deliveries.delete(delivery);
          this.tick();
        });
        this.deliveries.add(delivery);
      }
      if (steps.length < this.batchSize && pages.length < room) break;
      if (steps.length === 0 && pages.length === 0) break;
    }
    const nextStep = await this.store.nextStepDueAt();
    const nextPage =
      this.inFlight < this.concurrency ? await this.store.nextPageDueAt() : undefined;
    const next = Math.min(nextStep ?? Infinity, nextPage ?? Infinity);
    if (next !== Infinity) this.wake(next);
  }

  /**
   * Fires claimed steps in one store transaction: each is finished, its pages recorded in the
   * outbox and the incident's next step scheduled, all or nothing.
   */
  private async fireAll(steps: readonly EscalationStep[]): Promise<void> {
    const now = this.clock.now();
    const decisions: Decision[] = [];
    const canceled: StepCompletion[] = [];
    for (const step of steps) {
      const incident = await this.store.getIncident(step.incidentId);
      const decision = incident && this.fire(step, incident, now);
      if (decision) decisions.push(decision);
      else canceled.push({ id: step.id, owner: this.workerId, status: 'canceled' });
    }
    try {
      await this.commitAll(decisions, { at: now, completeSteps: canceled });
    } catch (error) {
      if (!isConflict(error)) throw error;
      // A step was finished meanwhile (a person acknowledged the incident, or another worker
      // took it over after our lease ran out): commit the others alone, skip the ones taken.
      for (const decision of decisions) await this.commitAll([decision]).catch(this.skipConflict);
      for (const completion of canceled)
        await this.store.commit({ at: now, completeSteps: [completion] }).catch(this.skipConflict);
    }
  }

  private readonly skipConflict = (error: unknown): void => {
    if (!isConflict(error)) throw error;
    this.logger.debug({ err: error }, 'escalation: skipped a step or page finished elsewhere');
  };

  /** What firing `step` decides, or undefined when the step has nothing left to do. */
  protected abstract fire(
    step: EscalationStep,
    incident: IncidentRecord,
    now: number,
  ): Decision | undefined;

  /** One delivery attempt of each claimed page; their outcomes are recorded in one commit. */
  private async deliverAll(pages: readonly EscalationPage[]): Promise<void> {
    const outcomes = await Promise.all(pages.map((page) => this.attempt(page)));
    const now = this.clock.now();
    const { updates, timeline } = recordOutcomes(pages, outcomes, {
      now,
      owner: this.workerId,
      retry: this.retry,
      stopping: this.stopping,
    });
    const changes: EscalationChanges = { at: now, pageUpdates: updates, timeline };
    try {
      await this.store.commit(changes);
    } catch (error) {
      if (!isConflict(error)) {
        this.logger.error({ err: error }, 'escalation: recording deliveries failed');
        return;
      }
      // A page's lease ran out and another worker took it: record the others one by one.
      for (const update of updates) {
        const events = timeline.filter((event) => event.data.key === update.key);
        await this.store
          .commit({ at: now, pageUpdates: [update], timeline: events })
          .catch(this.skipConflict);
      }
    }
    for (const update of updates) if (update.status === 'pending') this.wake(update.nextAttemptAt);
    if (this.options.onIncidentEvent) {
      for (const event of timeline) {
        const record = await this.store.getIncident(event.incidentId);
        if (record) this.tell(event, record);
      }
    }
  }

  /** One attempt at one page, bounded by the delivery timeout and the engine's shutdown. */
  private async attempt(page: EscalationPage): Promise<DeliveryResult> {
    const notifier = this.options.channels[page.channel];
    if (!notifier)
      return {
        ok: false,
        retryable: false,
        reason: 'client',
        message: `no notifier for channel ${page.channel}`,
      };
    const controller = new AbortController();
    const onShutdown = () => controller.abort(this.shutdown.signal.reason);
    this.shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    const deadline = this.clock.setTimeout(
      () => controller.abort(new Error('delivery timed out')),
      this.deliveryTimeoutMs,
    );
    try {
      return await notifier.notify(page.notification, {
        signal: controller.signal,
        attempt: page.attempts + 1,
        idempotencyKey: page.key,
      });
    } catch (error) {
      return { ok: false, retryable: true, reason: 'network', message: (error as Error).message };
    } finally {
      this.clock.clearTimeout(deadline);
      this.shutdown.signal.removeEventListener('abort', onShutdown);
    }
  }
}
