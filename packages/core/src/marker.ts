/** Alertmanager's alert states as the API reports them. */
export type AlertMarkState = 'unprocessed' | 'active' | 'suppressed';

/** What the API shows about an alert: whether it is suppressed and by what. */
export interface AlertMark {
  state: AlertMarkState;
  /** Ids of the active silences that silence the alert. */
  silencedBy: string[];
  /** Fingerprints of the alerts that inhibit it. */
  inhibitedBy: string[];
}

/**
 * Alertmanager's `types.Marker`: the shared record of which alerts are silenced or inhibited, written
 * by the silence and inhibit processors when they mute, read by the API (`/api/v2/alerts`).
 */
export interface AlertMarker {
  /** Records the silences muting an alert; an empty list clears it. */
  setSilenced(fingerprint: string, silenceIds: readonly string[]): void;
  /** Records the alerts inhibiting an alert; an empty list clears it. */
  setInhibited(fingerprint: string, inhibitedBy: readonly string[]): void;
  /** The alert's mark; `unprocessed` if neither processor has looked at it yet. */
  status(fingerprint: string): AlertMark;
  /** Forgets an alert (when it is garbage-collected). */
  delete(fingerprint: string): void;
  /** How many alerts are in each state (for `alertmanager_alerts`-style metrics). */
  counts(): Record<AlertMarkState, number>;
}

interface Mark {
  silencedBy: readonly string[];
  inhibitedBy: readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);

/** An in-memory marker, as Alertmanager keeps it (it is rebuilt from silences and rules). */
export function createAlertMarker(): AlertMarker {
  const marks = new Map<string, Mark>();
  const state = (mark: Mark | undefined): AlertMarkState =>
    !mark
      ? 'unprocessed'
      : mark.silencedBy.length + mark.inhibitedBy.length > 0
        ? 'suppressed'
        : 'active';
  // Every flush marks every alert it carries, nearly always with empty lists: one mark per alert,
  // updated in place, and one shared empty list, so that 100k marked alerts cost 100k small objects.
  const copy = (list: readonly string[]): readonly string[] =>
    list.length === 0 ? NONE : [...list];
  const mark = (fingerprint: string): Mark => {
    let found = marks.get(fingerprint);
    if (found === undefined)
      marks.set(fingerprint, (found = { silencedBy: NONE, inhibitedBy: NONE }));
    return found;
  };
  return {
    setSilenced: (fingerprint, silenceIds) =>
      void (mark(fingerprint).silencedBy = copy(silenceIds)),
    setInhibited: (fingerprint, inhibitedBy) =>
      void (mark(fingerprint).inhibitedBy = copy(inhibitedBy)),
    status(fingerprint) {
      const mark = marks.get(fingerprint);
      return {
        state: state(mark),
        silencedBy: [...(mark?.silencedBy ?? [])],
        inhibitedBy: [...(mark?.inhibitedBy ?? [])],
      };
    },
    delete: (fingerprint) => void marks.delete(fingerprint),
    counts() {
      const counts: Record<AlertMarkState, number> = { unprocessed: 0, active: 0, suppressed: 0 };
      for (const mark of marks.values()) counts[state(mark)]++;
      return counts;
    },
  };
}
