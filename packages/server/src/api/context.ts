import type { AlertMarker, Clock } from '@phoenix-alerting/core';
import type { Silences } from '@phoenix-alerting/processor-silence';
import type { Logger } from 'pino';
import type { ServerMetrics } from '../metrics.js';
import type { Runtime } from '../runtime.js';
import type { ServerSettings } from '../settings.js';

/** An error the API reports with a status and go-openapi's `{code, message}` body. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** go-openapi's error code in the body, when it is not the status (601: bad format). */
    readonly code: number = statusCode,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** What the HTTP handlers need from the server. */
export interface ApiContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly marker: AlertMarker;
  readonly silences: Silences;
  readonly metrics: ServerMetrics;
  /** When the server started (ms since epoch), for `uptime`. */
  readonly startedAt: number;
  /**
   * The running configuration's runtime. Waits while the server starts or reloads.
   * @throws HttpError 503 when the server has not been started or is stopping.
   */
  runtime(): Promise<Runtime>;
  /** The current `server:` settings. */
  settings(): ServerSettings;
  /** Whether start (and restore) has completed and the server is not stopping. */
  ready(): boolean;
  /** Re-reads the configuration and swaps the pipeline; rejects when the new one is invalid. */
  reload(): Promise<void>;
}
