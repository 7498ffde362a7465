import type { DeliveryResult, EscalationPage, PageUpdate } from '@phoenix-alerting/core';
import type { PageRetryOptions } from './engine-types.js';
import type { TimelineEvent } from './engine.js';

/**
 * What a batch of delivery attempts leaves: each page sent, pending a retry (with backoff, at least
 * a server's `Retry-After`), or failed, and the timeline events of the sent and failed ones. A
 * retryable failure during shutdown is left out: the page stays pending under its lease and is
 * claimed again, with the same key, after a restart.
 */
export function recordOutcomes(
  pages: readonly EscalationPage[],
  outcomes: readonly DeliveryResult[],
  options: { now: number; owner: string; retry: Required<PageRetryOptions>; stopping: boolean },
): { updates: PageUpdate[]; timeline: TimelineEvent[] } {
  const { now, owner, retry } = options;
  const updates: PageUpdate[] = [];
  const timeline: TimelineEvent[] = [];
  for (const [index, result] of outcomes.entries()) {
    const page = pages[index]!;
    const attempts = page.attempts + 1;
    const incident = page.notification.incident;
    const who = `${page.recipient} via ${page.channel}`;
    const base = { key: page.key, owner, attempts };
    const event = (kind: string, message: string, extra: Record<string, unknown>) =>
      timeline.push({
        incidentId: page.incidentId,
        at: now,
        kind,
        actor: 'system',
        message,
        data: { key: page.key, person: page.recipient, channel: page.channel, attempts, ...extra },
      });
    if (result.ok) {
      updates.push({ ...base, status: 'sent', nextAttemptAt: page.nextAttemptAt });
      event('page-sent', `notified ${who} (${incident.event}, level ${incident.level})`, {
        event: incident.event,
        level: incident.level,
      });
    } else if (result.retryable && options.stopping) {
      continue;
    } else if (result.retryable && attempts < retry.maxAttempts) {
      const backoff = Math.min(
        retry.maxBackoffMs,
        retry.initialBackoffMs * retry.multiplier ** (attempts - 1),
      );
      updates.push({
        ...base,
        status: 'pending',
        nextAttemptAt: now + Math.max(backoff, result.retryAfterMs ?? 0),
        lastError: result.message,
      });
    } else {
      updates.push({
        ...base,
        status: 'failed',
        nextAttemptAt: page.nextAttemptAt,
        lastError: result.message,
      });
      event(
        'page-failed',
        `could not notify ${who} after ${attempts} attempts: ${result.message}`,
        {
          reason: result.reason,
        },
      );
    }
  }
  return { updates, timeline };
}
