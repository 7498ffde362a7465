import { matchLabels } from '@phoenix-alerting/core';
import type { Labels, Matcher } from '@phoenix-alerting/core';

/** A silence as the index sees it: its id, its time range and its compiled matchers. */
export interface IndexedSilence {
  readonly id: string;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly matchers: readonly Matcher[];
}

/**
 * Finds the silences matching a label set without testing every silence. Most silences have an
 * equality matcher with a non-empty value (`alertname="X"`, `instance="y"`): such a silence can only
 * match alerts carrying exactly that label, so it is filed under that name and value and looked up
 * by the alert's own labels. The rest (only regex or negative matchers) are tested one by one.
 */
export class SilenceIndex {
  readonly #byLabel = new Map<string, Map<string, Set<IndexedSilence>>>();
  readonly #unanchored = new Set<IndexedSilence>();

  add(silence: IndexedSilence): void {
    const anchor = anchorOf(silence);
    if (!anchor) {
      this.#unanchored.add(silence);
      return;
    }
    let byValue = this.#byLabel.get(anchor.name);
    if (!byValue) this.#byLabel.set(anchor.name, (byValue = new Map()));
    let silences = byValue.get(anchor.value);
    if (!silences) byValue.set(anchor.value, (silences = new Set()));
    silences.add(silence);
  }

  remove(silence: IndexedSilence): void {
    const anchor = anchorOf(silence);
    if (!anchor) {
      this.#unanchored.delete(silence);
      return;
    }
    const byValue = this.#byLabel.get(anchor.name);
    const silences = byValue?.get(anchor.value);
    if (!byValue || !silences) return;
    silences.delete(silence);
    if (silences.size === 0) byValue.delete(anchor.value);
    if (byValue.size === 0) this.#byLabel.delete(anchor.name);
  }

  /** Ids of the silences active at `now` (core `silenceState`) whose matchers all match, sorted. */
  matching(labels: Labels, now: number): string[] {
    const ids: string[] = [];
    const visit = (silence: IndexedSilence) => {
      if (now < silence.startsAt || now >= silence.endsAt) return;
      if (matchLabels(silence.matchers, labels)) ids.push(silence.id);
    };
    for (const silence of this.#unanchored) visit(silence);
    if (this.#byLabel.size > 0) {
      for (const name of Object.keys(labels)) {
        const silences = this.#byLabel.get(name)?.get(labels[name]!);
        if (silences) for (const silence of silences) visit(silence);
      }
    }
    return ids.sort();
  }

  get size(): number {
    let size = this.#unanchored.size;
    for (const byValue of this.#byLabel.values())
      for (const silences of byValue.values()) size += silences.size;
    return size;
  }
}

function anchorOf(silence: IndexedSilence): Matcher | undefined {
  return silence.matchers.find((matcher) => matcher.type === '=' && matcher.value !== '');
}
