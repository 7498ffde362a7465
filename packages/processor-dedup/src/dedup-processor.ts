// Alertmanager's alert provider (provider/mem/mem.go `Put` and its GC loop) as a processor, with the
// alerts kept durable through the Store instead of lost on restart.
import { isResolved, mergeAlerts, parseOptions } from '@phoenix-alerting/core';
import type {
  Alert,
  AlertMarker,
  Clock,
  PluginContext,
  ProcessContext,
  Processor,
  Store,
  TimerHandle,
} from '@phoenix-alerting/core';
import { z } from 'zod';

/** Alertmanager's `--alerts.gc-interval` default. */
const DEFAULT_GC_INTERVAL_MS = 30 * 60_000;

export const dedupProcessorOptionsSchema = z.object({
  /** Name in logs and `plugin-failed` events. Default `dedup`. */
  name: z.string().min(1).optional(),
  /** How often resolved alerts are garbage-collected, in ms. Default 30 minutes. */
  gcIntervalMs: z.number().int().positive().optional(),
  /** Told to forget each garbage-collected alert (`marker.delete`). */
  marker: z
    .custom<AlertMarker>(
      (value) => typeof value === 'object' && value !== null && 'delete' in value,
      'expected an AlertMarker',
    )
    .optional(),
});

export type DedupProcessorOptions = z.input<typeof dedupProcessorOptionsSchema>;

/**
 * The dedup processor: the pipeline's record of active alerts. `process` merges each alert into the
 * state of its fingerprint and writes the batch to the Store in one transaction.
 */
export interface DedupProcessor extends Processor {
  /** Loads the stored alerts into the in-memory index and starts the garbage collector. */
  start(context: PluginContext): Promise<void>;
  /** Stops the garbage collector and waits for pending store writes. Runs once. */
  stop(): Promise<void>;
  /**
   * Merges each alert with the current state of its fingerprint (Alertmanager's `Put`), writes the
   * merged alerts with one `store.alerts.upsert`, and returns them: one per fingerprint, in order of
   * first appearance in the batch.
   */
  process(batch: readonly Alert[], context: ProcessContext): Promise<readonly Alert[]>;
  /** Every alert currently held (firing, and resolved ones not yet collected). */
  alerts(): Alert[];
  /** The current state of one alert. */
  get(fingerprint: string): Alert | undefined;
  /** How many alerts are held. */
  readonly size: number;
  /**
   * Removes alerts resolved at `now` (default: the clock's time) from the index and the Store and
   * tells the marker; returns them. Runs every `gcIntervalMs` once started.
   */
  gc(now?: number): Promise<Alert[]>;
}

interface Entry {
  alert: Alert;
  /** The batch that last touched the entry, and where its alert sits in that batch's output. */
  batch: number;
  slot: number;
}

// Go's zero time, which Alertmanager compares as it is: before every real instant.
const endOf = (alert: Alert): number => (alert.endsAt === 0 ? -Infinity : alert.endsAt);

/** `mem.go` merges only when the new alert's activity range overlaps the stored one. */
function overlaps(stored: Alert, incoming: Alert): boolean {
  const storedEnd = endOf(stored);
  const incomingEnd = endOf(incoming);
  return (
    (incomingEnd > stored.startsAt && incomingEnd < storedEnd) ||
    (incoming.startsAt > stored.startsAt && incoming.startsAt < storedEnd)
  );
}

/** Creates the dedup processor. @throws ConfigError naming every invalid option. */
export function createDedupProcessor(options: DedupProcessorOptions = {}): DedupProcessor {
  const parsed = parseOptions(dedupProcessorOptionsSchema, options, 'processor-dedup options');
  const name = parsed.name ?? 'dedup';
  const gcIntervalMs = parsed.gcIntervalMs ?? DEFAULT_GC_INTERVAL_MS;
  const marker = parsed.marker;

  const index = new Map<string, Entry>();
  let batches = 0;
  let context: PluginContext | undefined;
  let timer: TimerHandle | undefined;
  let stopped: Promise<void> | undefined;
  // Fingerprints whose last write failed, written again with the next batch; deletions likewise.
  const unsaved = new Set<string>();
  const undeleted = new Set<string>();
  // Store writes run one after another, so a GC deletion never overtakes an earlier upsert.
  let writes: Promise<unknown> = Promise.resolve();
  const serialize = <T>(write: () => Promise<T>): Promise<T> => {
    const result = writes.then(write);
    writes = result.catch(() => undefined);
    return result;
  };

  const report = (stage: string, error: unknown) => {
    if (!context) return;
    context.logger.error({ err: error, plugin: name, stage }, `${name} failed in ${stage}`);
    context.events.emit('plugin-failed', { plugin: name, stage, error });
  };

  function merge(batch: readonly Alert[], now: number): Alert[] {
    const batchId = ++batches;
    const merged: Alert[] = [];
    const pendingDeletes = undeleted.size > 0;
    for (let i = 0; i < batch.length; i++) {
      const alert = batch[i]!;
      const fingerprint = alert.fingerprint;
      if (pendingDeletes) undeleted.delete(fingerprint);
      const entry = index.get(fingerprint);
      if (entry === undefined) {
        index.set(fingerprint, { alert, batch: batchId, slot: merged.length });
        merged.push(alert);
        continue;
      }
      const stored = entry.alert;
      entry.alert = overlaps(stored, alert) ? mergeAlerts(stored, alert, now) : alert;
      if (entry.batch === batchId) {
        merged[entry.slot] = entry.alert;
      } else {
        entry.batch = batchId;
        entry.slot = merged.length;
        merged.push(entry.alert);
      }
    }
    return merged;
  }

  async function write(store: Store, merged: Alert[]): Promise<void> {
    let rows = merged;
    if (unsaved.size > 0) {
      const inBatch = new Set(merged.map((alert) => alert.fingerprint));
      rows = [...merged];
      for (const fingerprint of unsaved) {
        const entry = index.get(fingerprint);
        if (entry && !inBatch.has(fingerprint)) rows.push(entry.alert);
      }
    }
    if (rows.length === 0) return;
    try {
      await serialize(() => store.alerts.upsert(rows));
      unsaved.clear();
    } catch (error) {
      // The alerts still go on down the pipeline; the write is retried with the next batch.
      for (const alert of rows) unsaved.add(alert.fingerprint);
      report('store', error);
    }
  }

  async function gc(now?: number): Promise<Alert[]> {
    const at = now ?? context?.clock.now();
    const removed: Alert[] = [];
    if (at === undefined) return removed;
    for (const [fingerprint, entry] of index) {
      if (!isResolved(entry.alert, at)) continue;
      index.delete(fingerprint);
      unsaved.delete(fingerprint);
      removed.push(entry.alert);
    }
    for (const alert of removed) {
      marker?.delete(alert.fingerprint);
      undeleted.add(alert.fingerprint);
    }
    const store = context?.store;
    if (store && undeleted.size > 0) {
      const fingerprints = [...undeleted];
      try {
        await serialize(() => store.alerts.delete(fingerprints));
        for (const fingerprint of fingerprints) undeleted.delete(fingerprint);
      } catch (error) {
        report('gc', error);
      }
    }
    return removed;
  }

  const arm = (clock: Clock) => {
    timer = clock.setTimeout(() => {
      arm(clock);
      gc().catch((error: unknown) => report('gc', error));
    }, gcIntervalMs);
  };

  return {
    name,
    async start(pluginContext) {
      context = pluginContext;
      const stored = await pluginContext.store.alerts.list();
      for (const alert of stored) {
        if (!index.has(alert.fingerprint))
          index.set(alert.fingerprint, { alert, batch: 0, slot: 0 });
      }
      if (timer === undefined && !stopped) arm(pluginContext.clock);
    },
    stop() {
      stopped ??= (async () => {
        if (timer !== undefined) context?.clock.clearTimeout(timer);
        timer = undefined;
        await writes;
      })();
      return stopped;
    },
    async process(batch, processContext) {
      context ??= processContext;
      const merged = merge(batch, processContext.now);
      await write(processContext.store, merged);
      return merged;
    },
    alerts: () => Array.from(index.values(), (entry) => entry.alert),
    get: (fingerprint) => index.get(fingerprint)?.alert,
    get size() {
      return index.size;
    },
    gc,
  };
}
