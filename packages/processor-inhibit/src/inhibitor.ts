// Alertmanager 0.25's Inhibitor (inhibit/inhibit.go) as a processor: `process` feeds each rule's
// cache of source alerts (the inhibitor's subscription to the alert provider), and `mute` is the
// MuteStage that asks `Mutes` for every alert of a flushed notification.
import {
  createAlertMarker,
  fingerprint,
  isResolved,
  matchLabels,
  parseOptions,
} from '@phoenix-alerting/core';
import type {
  Alert,
  AlertMarker,
  Clock,
  Labels,
  Matcher,
  Notification,
  PluginContext,
  ProcessContext,
  Processor,
  TimerHandle,
} from '@phoenix-alerting/core';
import { z } from 'zod';
import { inhibitRulesFromConfig, isInhibitRule } from './inhibit-rule.js';
import type { InhibitRule, InhibitRuleConfig } from './inhibit-rule.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

export const inhibitorOptionsSchema = z.object({
  /** Rules in matcher form, or Alertmanager `inhibit_rules` entries (parsed YAML), or a mix. */
  rules: z.array(z.custom<InhibitRule | InhibitRuleConfig>(isObject, 'expected an inhibit rule')),
  /** Shared with the API and the silence processor. Default: a new in-memory marker. */
  marker: z
    .custom<AlertMarker>(
      (value) => isObject(value) && typeof value.setInhibited === 'function',
      'expected an AlertMarker',
    )
    .optional(),
  /** Name in logs and `plugin-failed` events. Default `inhibit`. */
  name: z.string().min(1).optional(),
  /** How often resolved source alerts are dropped from the caches, in ms. Default 15m. */
  gcIntervalMs: z.number().int().positive().optional(),
  /** Seed the caches from `store.alerts` at start, as the alert provider replays. Default true. */
  loadFromStore: z.boolean().optional(),
});

export type InhibitorOptions = z.input<typeof inhibitorOptionsSchema>;

/** The inhibition processor. */
export interface Inhibitor extends Processor {
  /** Where `mute` and `mutes` record which alerts inhibit which. */
  readonly marker: AlertMarker;
  /** The rules, in matcher form, in configuration order. */
  readonly rules: readonly InhibitRule[];
  /** Seeds the caches from the Store's alerts and starts the cache garbage collector. */
  start(context: PluginContext): Promise<void>;
  stop(): void;
  /** Observes every ingested alert for the source caches; returns the batch unchanged. */
  process(batch: readonly Alert[], context: ProcessContext): readonly Alert[];
  /**
   * Removes the alerts inhibited at `context.now` and records, for every alert of the
   * notification, the fingerprints inhibiting it (an empty list when none).
   */
  mute(notification: Notification, context: ProcessContext): readonly Alert[];
  /**
   * The fingerprints of the firing alerts inhibiting `labels` at `now`: Alertmanager 0.25 reports
   * one, from the first rule (in configuration order) that inhibits. Empty when not inhibited.
   * Records nothing.
   */
  inhibits(labels: Labels, now: number): string[];
  /** Alertmanager's `Inhibitor.Mutes`: whether `labels` are inhibited at `now`; records the marker. */
  mutes(labels: Labels, now: number): boolean;
  /** Feeds source alerts to the caches, as `process` does. */
  observe(alerts: Iterable<Alert>, now: number): void;
  /** Drops source alerts resolved at `now` from the caches; returns how many. */
  gc(now: number): number;
  /** How many source alerts the caches hold, over all rules. */
  readonly cachedSources: number;
}

interface RuleState {
  readonly rule: InhibitRule;
  readonly source: readonly Matcher[];
  readonly target: readonly Matcher[];
  /** Sorted and deduplicated, like the Go map `Equal`. */
  readonly equal: readonly string[];
  /** The rule's `scache`, keyed by the values of the `equal` labels, then by fingerprint. */
  readonly sources: Map<string, Map<string, Alert>>;
}

const valueOf = (labels: Labels, name: string): string =>
  Object.hasOwn(labels, name) ? labels[name]! : '';

/** One key per combination of `equal` values; lengths keep `a|b` + `c` apart from `a` + `b|c`. */
function equalKey(equal: readonly string[], labels: Labels): string {
  let key = '';
  for (const name of equal) {
    const value = valueOf(labels, name);
    key += `${value.length}:${value}`;
  }
  return key;
}

/** Creates the inhibitor. @throws ConfigError naming every invalid option or rule. */
export function createInhibitor(options: InhibitorOptions): Inhibitor {
  const parsed = parseOptions(inhibitorOptionsSchema, options, 'processor-inhibit options');
  const name = parsed.name ?? 'inhibit';
  const marker = parsed.marker ?? createAlertMarker();
  const gcIntervalMs = parsed.gcIntervalMs ?? 15 * 60_000;
  const loadFromStore = parsed.loadFromStore ?? true;

  const configured = parsed.rules;
  const converted = inhibitRulesFromConfig(
    configured.map((rule) => (isInhibitRule(rule) ? {} : rule)),
    ['rules'],
  );
  const rules: InhibitRule[] = configured.map((rule, index) =>
    isInhibitRule(rule) ? rule : converted[index]!,
  );
  const states: RuleState[] = rules.map((rule) => ({
    rule,
    source: rule.sourceMatchers,
    target: rule.targetMatchers,
    equal: [...new Set(rule.equal ?? [])].sort(),
    sources: new Map(),
  }));

  let clock: Clock | undefined;
  let timer: TimerHandle | undefined;
  let stopped = false;

  function observe(alerts: Iterable<Alert>, now: number): void {
    for (const alert of alerts) {
      for (const state of states) {
        if (!matchLabels(state.source, alert.labels)) continue;
        const key = equalKey(state.equal, alert.labels);
        let bucket = state.sources.get(key);
        if (isResolved(alert, now)) {
          if (bucket?.delete(alert.fingerprint) && bucket.size === 0) state.sources.delete(key);
          continue;
        }
        if (!bucket) state.sources.set(key, (bucket = new Map()));
        bucket.set(alert.fingerprint, alert);
      }
    }
  }

  function inhibits(labels: Labels, now: number): string[] {
    for (const state of states) {
      // If the target side of the rule does not match, there is nothing to look at.
      if (!matchLabels(state.target, labels)) continue;
      const bucket = state.sources.get(equalKey(state.equal, labels));
      if (!bucket) continue;
      // An alert matching both sides must not be inhibited by another alert that does too
      // (hasEqual's excludeTwoSidedMatch), or two such alerts would silence each other.
      const excludeTwoSided = matchLabels(state.source, labels);
      for (const source of bucket.values()) {
        // The cache might hold alerts that resolved since they were last seen.
        if (isResolved(source, now)) continue;
        if (excludeTwoSided && matchLabels(state.target, source.labels)) continue;
        return [source.fingerprint];
      }
    }
    return [];
  }

  function gc(now: number): number {
    let removed = 0;
    for (const state of states) {
      for (const [key, bucket] of state.sources) {
        for (const [sourceFingerprint, alert] of bucket) {
          if (!isResolved(alert, now)) continue;
          bucket.delete(sourceFingerprint);
          removed++;
        }
        if (bucket.size === 0) state.sources.delete(key);
      }
    }
    return removed;
  }

  const arm = (on: Clock) => {
    timer = on.setTimeout(() => {
      arm(on);
      gc(on.now());
    }, gcIntervalMs);
  };

  return {
    name,
    marker,
    rules,
    async start(context) {
      clock = context.clock;
      if (loadFromStore) observe(await context.store.alerts.list(), context.clock.now());
      if (timer === undefined && !stopped) arm(context.clock);
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clock?.clearTimeout(timer);
      timer = undefined;
    },
    process(batch, context) {
      observe(batch, context.now);
      return batch;
    },
    mute(notification, context) {
      const kept: Alert[] = [];
      for (const alert of notification.alerts) {
        const by = inhibits(alert.labels, context.now);
        marker.setInhibited(alert.fingerprint, by);
        if (by.length === 0) kept.push(alert);
      }
      return kept;
    },
    inhibits,
    mutes(labels, now) {
      const by = inhibits(labels, now);
      marker.setInhibited(fingerprint(labels), by);
      return by.length > 0;
    },
    observe,
    gc,
    get cachedSources() {
      let count = 0;
      for (const state of states) for (const bucket of state.sources.values()) count += bucket.size;
      return count;
    },
  };
}
