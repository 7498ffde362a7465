import type { DeliveryResult, IncidentEvent, Notification, Notifier } from '@phoenix-alerting/core';

/** One page a recording channel received. */
export interface RecordedPage {
  /** Channel name. */
  channel: string;
  /** When it was delivered (the `now` the channel was given, ms since epoch). */
  at: number;
  /** Names of the people it was addressed to. */
  recipients: string[];
  event: IncidentEvent | undefined;
  level: number;
  incident: number | undefined;
  idempotencyKey: string;
  attempt: number;
}

/**
 * A channel notifier that records what it is asked to deliver, for `simulate` and tests.
 * `respond` decides each attempt's result (default: delivered).
 */
export function createRecordingChannel(
  name: string,
  options: {
    now: () => number;
    pages?: RecordedPage[];
    respond?: (notification: Notification, attempt: number) => DeliveryResult;
  },
): Notifier & { readonly pages: RecordedPage[] } {
  const pages = options.pages ?? [];
  return {
    name,
    pages,
    async notify(notification, { idempotencyKey, attempt }) {
      const result = options.respond?.(notification, attempt) ?? { ok: true };
      if (result.ok)
        pages.push({
          channel: name,
          at: options.now(),
          recipients: notification.incident?.recipients.map((person) => person.name) ?? [],
          event: notification.incident?.event,
          level: notification.incident?.level ?? 0,
          incident: notification.incident?.number,
          idempotencyKey,
          attempt,
        });
      return result;
    },
  };
}
