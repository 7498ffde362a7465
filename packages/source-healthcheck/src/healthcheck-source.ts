import { formatDuration, parseOptions } from '@phoenix-alerting/core';
import type {
  AlertInput,
  Clock,
  KeyValueStore,
  Logger,
  Source,
  SourceContext,
  StopOptions,
  TimerHandle,
} from '@phoenix-alerting/core';
import { describeError } from './check-result.js';
import type { CheckResult, CheckRunner } from './check-result.js';
import { applyResult, initialState, isCheckState } from './check-state.js';
import type { CheckState } from './check-state.js';
import { commandCheck } from './command-check.js';
import { httpCheck } from './http-check.js';
import { defaults, healthCheckSourceOptionsSchema, resolveCheck } from './options.js';
import type { HealthCheckSourceOptions, ResolvedCheck } from './options.js';
import { functionCheck, scoreCheck } from './score-check.js';
import { runTcpCheck } from './tcp-check.js';

/** A check's state as `status()` reports it. */
export interface CheckStatus {
  name: string;
  type: ResolvedCheck['type'];
  /** `ok`; `failing` (failed, below the failure threshold); `firing` (its alert is firing). */
  state: 'ok' | 'failing' | 'firing';
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** Start of the current failure streak (ms since epoch), when failing or firing. */
  failingSince?: number;
  /** When the last run started (ms since epoch). */
  lastRunAt?: number;
  /** How long the last run took (ms, on the source's clock). */
  lastDurationMs?: number;
  lastResult?: CheckResult;
}

/** A running set of health checks: a Phoenix {@link Source}. */
export interface HealthCheckSource extends Source {
  /** Loads the checks' state from `context.store.kv` (when present) and starts every check. */
  start(context: SourceContext): Promise<void>;
  /** Stops scheduling, aborts running checks and waits for them (until the deadline). Runs once. */
  stop(options?: StopOptions): Promise<void>;
  /** Every check's current state, in configuration order. */
  status(): CheckStatus[];
  /** Resolves once no check is running (including the emit and store write that follow a run). */
  idle(): Promise<void>;
}

class StopReason extends Error {
  constructor() {
    super('health-check source stopped');
  }
}

class TimeoutReason extends Error {}

interface Environment {
  clock: Clock;
  logger: Logger;
  kv: KeyValueStore | undefined;
  namespace: string;
  resendIntervalMs: number;
  emit: SourceContext['emit'];
}

function buildRunner(check: ResolvedCheck, clock: Clock): CheckRunner {
  switch (check.type) {
    case 'http':
      return httpCheck(check, clock);
    case 'tcp':
      return (signal) => runTcpCheck(check.address, signal);
    case 'command':
      return commandCheck(check);
    case 'function':
      return functionCheck(check);
    case 'score':
      return scoreCheck(check, clock);
  }
}

/** The result of `work` if it settles within this turn of the event loop, else undefined. */
function settledNow(work: Promise<CheckResult>): Promise<CheckResult | undefined> {
  return Promise.race([
    work.catch(() => undefined),
    new Promise<undefined>((resolve) => setImmediate(resolve, undefined)),
  ]);
}

const sameLabels = (a: Record<string, string>, b: Record<string, string>) => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
};

/** One check: its schedule, its state and the alert it sends. */
class CheckLoop {
  state: CheckState = initialState();
  lastRunAt?: number;
  lastDurationMs?: number;
  lastResult?: CheckResult;
  /** The run in progress, from start to the store write. */
  running?: Promise<void>;
  private timer?: TimerHandle;
  private controller?: AbortController;
  /** The check's own work, which may outlive its run when it ignores the abort signal. */
  private work?: Promise<unknown>;
  private stopped = false;
  private readonly run: CheckRunner;
  readonly labels: Record<string, string>;

  constructor(
    readonly check: ResolvedCheck,
    private readonly env: Environment,
  ) {
    this.run = buildRunner(check, env.clock);
    this.labels = {
      ...check.labels,
      alertname: check.alertname,
      healthcheck: check.name,
    };
  }

  schedule(at: number): void {
    if (this.stopped) return;
    this.timer = this.env.clock.setTimeout(() => {
      this.timer = undefined;
      this.running = this.tick(at).finally(() => {
        this.running = undefined;
      });
    }, at - this.env.clock.now());
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.env.clock.clearTimeout(this.timer);
    this.controller?.abort(new StopReason());
  }

  private async tick(scheduledAt: number): Promise<void> {
    const { clock, logger } = this.env;
    try {
      if (this.work) {
        logger.warn(
          { check: this.check.name },
          'health check skipped: its previous run ignored the abort and is still running',
        );
      } else {
        const startedAt = clock.now();
        const result = await this.runOnce();
        if (result) await this.record(result, startedAt);
      }
    } catch (error) {
      // Emit and store failures are handled where they happen; this is a bug guard.
      logger.error({ check: this.check.name, err: error }, 'health check loop failed');
    }
    // Never overlapping itself: the next run is scheduled once this one is over.
    this.schedule(Math.max(scheduledAt + this.check.intervalMs, clock.now()));
  }

  /** Runs the check once with its timeout; undefined when the source stopped meanwhile. */
  private async runOnce(): Promise<CheckResult | undefined> {
    const { clock } = this.env;
    const controller = new AbortController();
    this.controller = controller;
    const timer = clock.setTimeout(
      () => controller.abort(new TimeoutReason()),
      this.check.timeoutMs,
    );
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
        once: true,
      }),
    );
    aborted.catch(() => {});
    const work = Promise.resolve().then(() => this.run(controller.signal));
    this.work = work;
    work.then(
      () => this.forget(work),
      () => this.forget(work),
    );
    let result: CheckResult;
    try {
      result = await Promise.race([work, aborted]);
    } catch (error) {
      result = { ok: false, message: describeError(error) };
    } finally {
      clock.clearTimeout(timer);
      this.controller = undefined;
    }
    // The abort decides, whatever the check made of it.
    const reason: unknown = controller.signal.reason;
    if (reason instanceof StopReason || this.stopped) return undefined;
    if (reason instanceof TimeoutReason) {
      // A command settles on the abort with its output so far: keep it for the alert.
      const late = await settledNow(work);
      return {
        ok: false,
        message: `timed out after ${formatDuration(this.check.timeoutMs)}`,
        ...(late?.output !== undefined && { output: late.output }),
      };
    }
    return result;
  }

  private forget(work: Promise<unknown>): void {
    if (this.work === work) this.work = undefined;
  }

  private async record(result: CheckResult, startedAt: number): Promise<void> {
    const { clock, logger } = this.env;
    const now = clock.now();
    this.lastRunAt = startedAt;
    this.lastDurationMs = now - startedAt;
    this.lastResult = result;
    const { state, transition } = applyResult(this.state, result.ok, now, this.check);
    logger.debug(
      { check: this.check.name, ok: result.ok, message: result.message, failures: state.failures },
      'health check ran',
    );
    if (transition === 'fire' || (state.firing && !result.ok)) {
      state.labels = this.labels;
      state.annotations = this.annotations(result);
    }
    if (transition === 'fire') {
      logger.info({ check: this.check.name, reason: result.message }, 'health check alert firing');
    }
    if (transition === 'resolve') {
      logger.info({ check: this.check.name }, 'health check alert resolved');
      await this.send(this.state, now, now);
    } else if (
      transition === 'fire' ||
      (state.firing && now - state.lastSentAt >= this.env.resendIntervalMs)
    ) {
      const validForMs = 4 * Math.max(this.env.resendIntervalMs, this.check.intervalMs);
      if (await this.send(state, now, now + validForMs)) state.lastSentAt = now;
    }
    this.state = state;
    await this.persist();
  }

  annotations(result: CheckResult): Record<string, string> {
    return {
      summary: `Health check ${this.check.name} is failing`,
      failure: result.message,
      ...(result.value !== undefined && { value: String(result.value) }),
      ...(result.output !== undefined && { output: result.output }),
      ...this.check.annotations,
    };
  }

  /** Sends the alert as `state` describes it; false when the pipeline refused it. */
  async send(state: CheckState, now: number, endsAt: number): Promise<boolean> {
    const alert: AlertInput = {
      labels: state.labels ?? this.labels,
      annotations: state.annotations ?? {},
      startsAt: state.failingSince || now,
      endsAt,
    };
    return emitAlerts(this.env, [alert], this.check.name);
  }

  async persist(): Promise<void> {
    const { kv, namespace, logger } = this.env;
    if (!kv) return;
    try {
      await kv.put(namespace, [{ key: this.check.name, value: this.state }]);
    } catch (error) {
      logger.warn({ check: this.check.name, err: error }, 'health check state not saved');
    }
  }
}

async function emitAlerts(env: Environment, alerts: AlertInput[], check: string): Promise<boolean> {
  try {
    const result = await env.emit(alerts);
    if (result.rejected.length === 0) return true;
    env.logger.error(
      { check, reasons: result.rejected.map((rejected) => rejected.reason) },
      'health check alert rejected by the pipeline',
    );
  } catch (error) {
    env.logger.warn({ check, err: error }, 'health check alert not sent');
  }
  return false;
}

/**
 * Health checks as a Phoenix source. Each check runs every `intervalMs` (never overlapping
 * itself, aborted at `timeoutMs` and on stop); after `failureThreshold` consecutive failures its
 * alert fires, after `successThreshold` consecutive successes it resolves (`endsAt` = now). A
 * firing alert is sent again every `resendIntervalMs` with `endsAt` 4 × max(resend interval,
 * check interval) ahead, as Prometheus does, so the alerts of a dead source resolve by themselves.
 * Counters survive restarts through `context.store.kv`, when the store has one.
 *
 * @throws ConfigError naming every bad option.
 */
export function createHealthCheckSource(options: HealthCheckSourceOptions): HealthCheckSource {
  const parsed = parseOptions(
    healthCheckSourceOptionsSchema,
    options,
    'source-healthcheck options',
  );
  const name = parsed.name ?? 'healthcheck';
  const checks = parsed.checks.map(resolveCheck);
  let loops: CheckLoop[] = [];
  let stopping: Promise<void> | undefined;

  return {
    name,

    async start(context) {
      const kv = context.store.kv;
      const env: Environment = {
        clock: context.clock,
        logger: context.logger.child({ source: name }),
        kv,
        namespace: `healthcheck:${name}`,
        resendIntervalMs: parsed.resendIntervalMs ?? defaults.resendIntervalMs,
        emit: context.emit,
      };
      loops = checks.map((check) => new CheckLoop(check, env));
      if (kv) await restoreState(env, kv, loops);
      const now = context.clock.now();
      for (const loop of loops) loop.schedule(now);
    },

    stop(options) {
      stopping ??= (async () => {
        for (const loop of loops) loop.stop();
        const running = Promise.all(loops.map((loop) => loop.running));
        if (!options) return void (await running);
        await Promise.race([
          running,
          new Promise<void>((resolve) => {
            if (options.signal.aborted) resolve();
            options.signal.addEventListener('abort', () => resolve(), { once: true });
          }),
        ]);
      })();
      return stopping;
    },

    status() {
      return loops.map((loop) => {
        const { state } = loop;
        return {
          name: loop.check.name,
          type: loop.check.type,
          state: state.firing ? 'firing' : state.failures > 0 ? 'failing' : 'ok',
          consecutiveFailures: state.failures,
          consecutiveSuccesses: state.successes,
          ...(state.failingSince > 0 && { failingSince: state.failingSince }),
          ...(loop.lastRunAt !== undefined && { lastRunAt: loop.lastRunAt }),
          ...(loop.lastDurationMs !== undefined && { lastDurationMs: loop.lastDurationMs }),
          ...(loop.lastResult !== undefined && { lastResult: loop.lastResult }),
        };
      });
    },

    async idle() {
      for (;;) {
        const running = loops.map((loop) => loop.running).filter(Boolean);
        if (running.length === 0) return;
        await Promise.all(running);
      }
    },
  };
}

/**
 * Takes the stored counters of configured checks. The alert of a check that was removed, or whose
 * labels changed, while it fired is resolved, so it does not linger until its `endsAt`.
 */
async function restoreState(
  env: Environment,
  kv: KeyValueStore,
  loops: CheckLoop[],
): Promise<void> {
  let entries: { key: string; value: unknown }[];
  try {
    entries = await kv.list(env.namespace);
  } catch (error) {
    env.logger.warn({ err: error }, 'health check state not loaded; counting from zero');
    return;
  }
  const byName = new Map(loops.map((loop) => [loop.check.name, loop]));
  const now = env.clock.now();
  const stale: string[] = [];
  const resolved: AlertInput[] = [];
  for (const { key, value } of entries) {
    if (!isCheckState(value)) {
      stale.push(key);
      continue;
    }
    const loop = byName.get(key);
    const orphaned =
      value.firing && value.labels && (!loop || !sameLabels(value.labels, loop.labels));
    if (orphaned)
      resolved.push({
        labels: value.labels!,
        annotations: value.annotations ?? {},
        startsAt: value.failingSince || now,
        endsAt: now,
      });
    if (!loop) stale.push(key);
    else if (!orphaned) loop.state = value;
    else
      loop.state = {
        ...value,
        firing: false,
        lastSentAt: 0,
        labels: undefined,
        annotations: undefined,
      };
  }
  if (resolved.length > 0) await emitAlerts(env, resolved, '(removed or relabelled checks)');
  if (stale.length > 0) {
    try {
      await kv.delete(env.namespace, stale);
    } catch (error) {
      env.logger.warn({ err: error }, 'stale health check state not deleted');
    }
  }
}
