import { EventEmitter } from 'eventemitter3';
import type { Alert } from './alert.js';
import type { DeliveryResult } from './plugin.js';
import type { Notification } from './notification.js';

/** Events a pipeline reports. Names are noun then verb. */
export interface PipelineEventMap {
  /** A batch was accepted from a source (after validation). */
  'batch-accepted': [event: { source: string; alerts: readonly Alert[]; rejected: number }];
  /** A plugin threw or rejected; the pipeline carried on without it for this piece of work. */
  'plugin-failed': [event: { plugin: string; stage: string; error: unknown }];
  /** A notification was delivered by one integration. */
  'notification-sent': [
    event: { integration: string; notification: Notification; attempts: number; latencyMs: number },
  ];
  /** One delivery attempt failed (it may be retried). */
  'delivery-failed': [
    event: {
      integration: string;
      notification: Notification;
      attempt: number;
      result: Extract<DeliveryResult, { ok: false }>;
      willRetry: boolean;
    },
  ];
  /** Every alert of a notification was muted (silenced, inhibited, outside active time). */
  'notification-muted': [event: { notification: Notification }];
}

export type PipelineEvents = EventEmitter<PipelineEventMap>;

export function createPipelineEvents(): PipelineEvents {
  return new EventEmitter<PipelineEventMap>();
}
