// Types of record-alertmanager-webhook.mjs, for the tests that reuse it.

/** One request Alertmanager made to a webhook. */
export interface RecordedDelivery {
  path: string;
  method: string;
  headers: Record<string, string>;
  /** The raw request body. */
  body: string;
}

/** An alert as posted to Alertmanager's API v2. */
export interface PostedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export const ALERTMANAGER_BINARY: string;
export const FIXTURE_URL: URL;
export const EXTERNAL_URL: string;
export const SECRET_TOKEN: string;
export const POSTED_ALERTS: PostedAlert[];

export function alertmanagerConfig(sinkURL: string): string;
export function recordWebhookDeliveries(binary?: string): Promise<RecordedDelivery[]>;
export function alertmanagerVersion(binary?: string): Promise<string>;
