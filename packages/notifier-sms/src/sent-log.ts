// Which recipients of a notification already got their message. Twilio's Messages API takes no
// idempotency key, so a retry (or a re-send after a crash) of a notification with several
// recipients would text everyone again; keyed by the pipeline's idempotency key, this log lets a
// retry skip those already sent. It lives in the store's key-value space when the store has one
// (surviving a restart), else in memory. What it cannot prevent: a request whose answer was lost
// (timeout, reset connection) may have been sent, and its retry sends it again.
import type { Clock, KeyValueStore } from '@phoenix-alerting/core';
import type { Logger } from 'pino';

/** Entries older than this are forgotten: longer than any retry of one notification. */
export const SENT_LOG_RETENTION_MS = 24 * 60 * 60 * 1000;
/** In-memory entries kept at most (oldest dropped first). */
const MEMORY_ENTRIES = 10_000;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

interface Entry {
  /** When the first message of the notification was sent (ms since epoch). */
  at: number;
  /** Recipient number → Twilio message SID. */
  sent: Record<string, string>;
}

export interface SentLog {
  /** Recipients already sent for `key`, with their message SIDs. */
  sent(key: string): Promise<Record<string, string>>;
  record(key: string, to: string, sid: string): Promise<void>;
}

export function createSentLog(options: {
  clock: Clock;
  logger: Logger;
  kv?: KeyValueStore | undefined;
  namespace: string;
}): SentLog {
  const { clock, logger, kv, namespace } = options;
  const memory = new Map<string, Entry>();
  let nextPruneAt = 0;

  const expired = (entry: Entry, now: number) => now - entry.at > SENT_LOG_RETENTION_MS;

  async function prune(now: number): Promise<void> {
    if (now < nextPruneAt) return;
    nextPruneAt = now + PRUNE_INTERVAL_MS;
    for (const [key, entry] of memory) if (expired(entry, now)) memory.delete(key);
    if (!kv) return;
    const old = (await kv.list<Entry>(namespace)).filter((item) => expired(item.value, now));
    if (old.length > 0)
      await kv.delete(
        namespace,
        old.map((item) => item.key),
      );
  }

  async function load(key: string): Promise<Entry | undefined> {
    const cached = memory.get(key);
    if (cached || !kv) return cached;
    try {
      const stored = await kv.get<Entry>(namespace, key);
      if (stored) memory.set(key, stored);
      return stored;
    } catch (error) {
      logger.warn({ err: error }, 'sms: could not read the sent log; every recipient is sent');
      return undefined;
    }
  }

  return {
    async sent(key) {
      const entry = await load(key);
      if (!entry || expired(entry, clock.now())) return {};
      return { ...entry.sent };
    },

    async record(key, to, sid) {
      const now = clock.now();
      const loaded = await load(key);
      const entry = loaded && !expired(loaded, now) ? loaded : { at: now, sent: {} };
      entry.sent[to] = sid;
      memory.delete(key);
      memory.set(key, entry);
      if (memory.size > MEMORY_ENTRIES) memory.delete(memory.keys().next().value!);
      try {
        await kv?.put(namespace, [{ key, value: entry }]);
        await prune(now);
      } catch (error) {
        // Sent anyway; only a re-send after a restart could repeat this message.
        logger.warn({ err: error }, 'sms: could not write the sent log');
      }
    },
  };
}
