// Where each incident's (or aggregation group's) Slack message is, so later notifications update
// it in place: in memory, and in the store's key-value namespace when the store has one, so a
// restart keeps updating the same messages.
import type { KeyValueStore } from '@phoenix-alerting/core';

/** A posted message, and the idempotency key of the notification that last wrote it. */
export interface MessageRef {
  channel: string;
  ts: string;
  /** The notification (idempotency key) the message shows: a retry of it updates, never re-posts. */
  lastKey: string;
}

const MAX_IN_MEMORY = 10_000;

export class MessageRefs {
  private readonly memory = new Map<string, MessageRef>();
  private kv: KeyValueStore | undefined;
  private onError: (error: unknown) => void = () => undefined;

  constructor(private readonly namespace: string) {}

  /**
   * Uses the store's key-value namespace from now on (`start`). A failing store write is reported
   * to `onError` and does not fail the delivery: the message was sent, and memory still knows it.
   */
  attach(kv: KeyValueStore | undefined, onError: (error: unknown) => void): void {
    this.kv = kv;
    this.onError = onError;
  }

  async get(key: string): Promise<MessageRef | undefined> {
    const cached = this.memory.get(key);
    if (cached) return cached;
    let stored: MessageRef | undefined;
    try {
      stored = await this.kv?.get<MessageRef>(this.namespace, key);
    } catch (error) {
      this.onError(error);
    }
    if (stored) this.remember(key, stored);
    return stored;
  }

  async set(key: string, ref: MessageRef): Promise<void> {
    this.remember(key, ref);
    try {
      await this.kv?.put(this.namespace, [{ key, value: ref }]);
    } catch (error) {
      this.onError(error);
    }
  }

  async delete(key: string): Promise<void> {
    this.memory.delete(key);
    try {
      await this.kv?.delete(this.namespace, [key]);
    } catch (error) {
      this.onError(error);
    }
  }

  private remember(key: string, ref: MessageRef): void {
    // Oldest first out: the in-memory map is a cache of the store (or, without one, best effort).
    this.memory.delete(key);
    this.memory.set(key, ref);
    if (this.memory.size > MAX_IN_MEMORY) this.memory.delete(this.memory.keys().next().value!);
  }
}
