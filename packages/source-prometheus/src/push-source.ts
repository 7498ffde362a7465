// The Alertmanager API push path (`POST /api/v2/alerts`, where Prometheus' and Loki's rulers send)
// as a Source: whatever receives the HTTP request hands the alerts to `push`.
import { PhoenixError } from '@phoenix-alerting/core';
import type { AlertInput, EmitResult, Source, SourceContext } from '@phoenix-alerting/core';

/** A source that host code pushes alerts into. */
export interface PushSource extends Source {
  start(context: SourceContext): void;
  stop(): void;
  /**
   * Hands alerts to the pipeline; resolves once they are in its ingest queue (waiting while it is
   * full), with the count accepted and the invalid ones rejected.
   * @throws PhoenixError `ERR_PIPELINE_STOPPED` when the source is not started.
   */
  push(alerts: readonly AlertInput[]): Promise<EmitResult>;
  /** Whether `push` currently accepts alerts. */
  readonly running: boolean;
}

export interface PushSourceOptions {
  /** Source name, in logs and events. Default 'alertmanager-api'. */
  name?: string;
}

export function createPushSource(options: PushSourceOptions = {}): PushSource {
  const name = options.name ?? 'alertmanager-api';
  let emit: SourceContext['emit'] | undefined;
  return {
    name,
    start(context) {
      emit = context.emit;
    },
    stop() {
      emit = undefined;
    },
    get running() {
      return emit !== undefined;
    },
    push(alerts) {
      if (!emit)
        return Promise.reject(
          new PhoenixError('ERR_PIPELINE_STOPPED', `source ${name} is not accepting alerts`),
        );
      if (alerts.length === 0) return Promise.resolve({ accepted: 0, rejected: [] });
      return emit(alerts);
    },
  };
}
