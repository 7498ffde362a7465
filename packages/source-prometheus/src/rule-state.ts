// A rule's alerts as kept in the store's key-value namespace, and how they are brought back after a
// restart (Prometheus' `Group.RestoreForState`, rules/manager.go).
import type { RuleAlert } from './alerting-rule.js';

/** What is kept per rule in the key-value store. */
export interface SavedRule {
  /** The evaluation time the state is from (ms since epoch). */
  savedAt: number;
  alerts: RuleAlert[];
}

/**
 * The alerts to resume with at `now`, or undefined when the state is older than the outage
 * tolerance (`for` then starts over). As Prometheus: the time the evaluator was down does not
 * count towards `for` (a pending alert's `activeAt` moves forward by the downtime), a pending
 * alert fires no sooner than `forGracePeriodMs` after the restart, and the pending alerts of a
 * rule whose `for` is shorter than the grace period are not restored. Firing and resolved alerts
 * keep their state. Entries this version cannot read are skipped.
 */
export function restoreAlerts(
  saved: SavedRule,
  forMs: number,
  now: number,
  options: { outageToleranceMs: number; forGracePeriodMs: number },
): RuleAlert[] | undefined {
  if (!Array.isArray(saved?.alerts) || typeof saved.savedAt !== 'number') return [];
  const downMs = now - saved.savedAt;
  if (downMs > options.outageToleranceMs) return undefined;
  const grace = options.forGracePeriodMs;
  const restored: RuleAlert[] = [];
  for (const alert of saved.alerts) {
    if (typeof alert?.labels !== 'object' || alert.labels === null) continue;
    if (!['pending', 'firing', 'inactive'].includes(alert.state)) continue;
    if (typeof alert.activeAt !== 'number') continue;
    if (alert.state === 'pending') {
      if (forMs < grace) continue;
      const remainingMs = forMs - (saved.savedAt - alert.activeAt);
      if (remainingMs > 0 && remainingMs < grace) alert.activeAt = now + grace - forMs;
      else if (remainingMs > 0) alert.activeAt += downMs;
    }
    restored.push(alert);
  }
  return restored;
}
