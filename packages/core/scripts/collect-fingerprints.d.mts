// Types of collect-fingerprints.mjs, for the tests that reuse it.

/** One fingerprint as Alertmanager reports it (`GET /api/v2/alerts`). */
export interface FingerprintVector {
  labels: Record<string, string>;
  fingerprint: string;
}

export interface RunningAlertmanager {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Kills Alertmanager and removes its temp directory. */
  stop(): Promise<void>;
}

export const ALERTMANAGER_BINARY: string;
export const FIXTURE_URL: URL;
export const FIXTURE_LABEL_SETS: Record<string, string>[];

export function startAlertmanager(binary?: string): Promise<RunningAlertmanager>;

export function collectFingerprints(
  url: string,
  labelSets: readonly Record<string, string>[],
): Promise<FingerprintVector[]>;
