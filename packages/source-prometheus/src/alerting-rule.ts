// One alerting rule's state machine, as Prometheus' rules/alerting.go (2.42): each result series
// is an alert; pending until `for` has passed, then firing; inactive (resolved) once its series
// is gone, unless `keep_firing_for` holds it; resolved alerts are kept and re-sent for 15 minutes.
import { fingerprint } from '@phoenix-alerting/core';
import type { AlertInput } from '@phoenix-alerting/core';
import type { AlertingRule } from './rule-file.js';

/** One series of an instant query result. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Expands a Prometheus rule template; throws when the template fails. */
export type TemplateExpander = (
  text: string,
  data: {
    labels: Record<string, string>;
    value: number;
    externalLabels: Record<string, string>;
    externalURL: string;
  },
  name: string,
) => string;

/** Prometheus' alert states. */
export type AlertState = 'inactive' | 'pending' | 'firing';

/** An alert a rule holds (Prometheus' `rules.Alert`); times in ms since epoch, 0 when unset. */
export interface RuleAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number;
  state: AlertState;
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

/** How long resolved alerts are kept and re-sent (Prometheus' `resolvedRetention`). */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** Options shared by every rule of a source. */
export interface EvaluationSettings {
  externalLabels: Record<string, string>;
  externalURL: string;
  expand: TemplateExpander;
  /** Told about template failures (the text then shows `<error expanding template: …>`). */
  onTemplateError?: (error: unknown, ruleName: string) => void;
}

export class AlertingRuleState {
  /** Active alerts by fingerprint of their labels (without external labels). */
  active = new Map<string, RuleAlert>();

  constructor(readonly rule: AlertingRule) {}

  /**
   * Applies one successful query result at `time`. Throws (leaving the state unchanged) when two
   * series give the same label set, or when more than `limit` alerts would be active.
   */
  evaluate(
    samples: readonly Sample[],
    time: number,
    limit: number,
    settings: EvaluationSettings,
  ): void {
    const rule = this.rule;
    const results = new Map<string, RuleAlert>();
    for (const sample of samples) {
      const data = {
        labels: sample.labels,
        value: sample.value,
        externalLabels: settings.externalLabels,
        externalURL: settings.externalURL,
      };
      const expand = (text: string): string => {
        if (!text.includes('{{')) return text; // plain text renders as itself
        try {
          return settings.expand(text, data, `__alert_${rule.alert}`);
        } catch (error) {
          settings.onTemplateError?.(error, rule.alert);
          return `<error expanding template: ${(error as Error).message}>`;
        }
      };
      const labels: Record<string, string> = { ...sample.labels };
      delete labels.__name__;
      for (const [name, template] of Object.entries(rule.labels)) labels[name] = expand(template);
      labels.alertname = rule.alert;
      // An empty label value means "no label", as in Prometheus' label builder.
      for (const name of Object.keys(labels)) if (labels[name] === '') delete labels[name];
      const annotations: Record<string, string> = {};
      for (const [name, template] of Object.entries(rule.annotations))
        annotations[name] = expand(template);
      const key = fingerprint(labels);
      if (results.has(key))
        throw new Error(
          'vector contains metrics with the same labelset after applying alert labels',
        );
      results.set(key, {
        labels,
        annotations,
        value: sample.value,
        state: 'pending',
        activeAt: time,
        firedAt: 0,
        resolvedAt: 0,
        lastSentAt: 0,
        validUntil: 0,
        keepFiringSince: 0,
      });
    }

    const next = new Map<string, RuleAlert>();
    for (const [key, alert] of this.active) next.set(key, { ...alert });
    for (const [key, alert] of results) {
      const existing = next.get(key);
      if (existing && existing.state !== 'inactive') {
        existing.value = alert.value;
        existing.annotations = alert.annotations;
        continue;
      }
      next.set(key, alert);
    }

    let activeCount = 0;
    for (const [key, alert] of next) {
      if (!results.has(key)) {
        let keepFiring = false;
        if (alert.state === 'firing' && rule.keepFiringForMs > 0) {
          if (alert.keepFiringSince === 0) alert.keepFiringSince = time;
          if (time - alert.keepFiringSince < rule.keepFiringForMs) keepFiring = true;
        }
        if (
          alert.state === 'pending' ||
          (alert.resolvedAt !== 0 && time - alert.resolvedAt > RESOLVED_RETENTION_MS)
        )
          next.delete(key);
        if (alert.state !== 'inactive' && !keepFiring) {
          alert.state = 'inactive';
          alert.resolvedAt = time;
        }
        if (!keepFiring) continue;
      } else {
        alert.keepFiringSince = 0;
      }
      activeCount++;
      if (alert.state === 'pending' && time - alert.activeAt >= rule.forMs) {
        alert.state = 'firing';
        alert.firedAt = time;
      }
    }
    if (limit > 0 && activeCount > limit) {
      this.active = new Map();
      throw new Error(`exceeded limit of ${limit} with ${activeCount} alerts`);
    }
    this.active = next;
  }

  /**
   * The alerts due to be sent at `time` (Prometheus' `sendAlerts`): firing alerts every
   * `resendDelayMs`, resolved ones once at once and then at the same cadence while kept. Marks
   * them sent, with `endsAt` = resolution time, or `time + 4 × max(resendDelay, interval)` so
   * that the alerts of an evaluator that died resolve by themselves.
   */
  due(time: number, resendDelayMs: number, intervalMs: number): RuleAlert[] {
    const sent: RuleAlert[] = [];
    for (const alert of this.active.values()) {
      if (!needsSending(alert, time, resendDelayMs)) continue;
      alert.lastSentAt = time;
      alert.validUntil = time + 4 * Math.max(resendDelayMs, intervalMs);
      sent.push({ ...alert });
    }
    return sent;
  }

  /** The rule's state: firing if any alert fires, else pending if any is pending. */
  get state(): AlertState {
    let state: AlertState = 'inactive';
    for (const alert of this.active.values()) {
      if (alert.state === 'firing') return 'firing';
      if (alert.state === 'pending') state = 'pending';
    }
    return state;
  }
}

function needsSending(alert: RuleAlert, time: number, resendDelayMs: number): boolean {
  if (alert.state === 'pending') return false;
  if (alert.resolvedAt > alert.lastSentAt) return true;
  return alert.lastSentAt + resendDelayMs < time;
}

/**
 * What Prometheus' notifier sends for an alert: `startsAt` is when it fired, `endsAt` its
 * resolution or `validUntil`; external labels are added where the alert lacks them.
 */
export function toAlertInput(
  alert: RuleAlert,
  externalLabels: Record<string, string>,
  generatorURL: string,
): AlertInput {
  const labels = { ...alert.labels };
  for (const [name, value] of Object.entries(externalLabels)) {
    if (labels[name] === undefined) labels[name] = value;
  }
  return {
    labels,
    annotations: alert.annotations,
    startsAt: alert.firedAt,
    endsAt: alert.resolvedAt !== 0 ? alert.resolvedAt : alert.validUntil,
    generatorURL,
  };
}

/** Go's `url.QueryEscape`: spaces as `+`, everything but letters, digits and `-_.~` escaped. */
export function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Prometheus' generator URL: `<externalURL>/graph?g0.expr=<expr>&g0.tab=1`. */
export function generatorURL(externalURL: string, expr: string): string {
  return `${externalURL.replace(/\/+$/, '')}/graph?g0.expr=${queryEscape(expr)}&g0.tab=1`;
}
