// The Alertmanager push API as a pipeline Source. `emit` resolves when the batch is in the ingest
// queue; the API answers only once the batch's `processed` has settled (merged and grouped), so that
// a client reading right after writing sees its alerts, as with Alertmanager's synchronous `Put`.
import type { AlertInput, EmitResult, Source, SourceContext } from '@phoenix-alerting/core';
import { PhoenixError } from '@phoenix-alerting/core';
/** The source the API pushes through. */
export interface ApiSource extends Source {
  /** Hands a batch to the pipeline. @throws PhoenixError `ERR_PIPELINE_STOPPED` when not running. */
  emit(alerts: readonly AlertInput[]): Promise<EmitResult>;
}

export function createApiSource(): ApiSource {
  let emit: SourceContext['emit'] | undefined;
  return {
    name: 'api',
    start(context) {
      emit = context.emit;
    },
    stop() {
      emit = undefined;
    },
    emit(alerts) {
      if (!emit)
        return Promise.reject(
          new PhoenixError('ERR_PIPELINE_STOPPED', 'the pipeline is not accepting alerts'),
        );
      return emit(alerts);
    },
  };
}
