import { once } from 'node:events';
import type { Writable } from 'node:stream';
import {
  alertStatus,
  labelsToString,
  parseConfigEntry,
  yamlBoolean,
  yamlOptional,
} from '@phoenix-alerting/core';
import type { DeliveryResult, Notification, Notifier, NotifyOptions } from '@phoenix-alerting/core';
import { z } from 'zod';
import { buildWebhookMessage, encodeWebhookMessage, formatGoTime } from './payload.js';

/** Output format of the console notifier. */
export type ConsoleFormat = 'text' | 'json';

/** A Phoenix `console_configs` entry after validation. */
export interface ConsoleConfig {
  /** Default true. */
  send_resolved: boolean;
  /** `text` (default): a readable block; `json`: Alertmanager's webhook message, one per line. */
  format: ConsoleFormat;
}

/** Validates a `console_configs` entry of a receiver. */
export const consoleConfigSchema: z.ZodType<ConsoleConfig, unknown> = z
  .strictObject({
    // As Alertmanager's `send_resolved`: `yes`/`on` are true, null is false.
    send_resolved: yamlBoolean().optional(),
    format: yamlOptional(z.enum(['text', 'json'])),
  })
  .transform((config) => ({
    send_resolved: config.send_resolved ?? true,
    format: config.format ?? 'text',
  }));

export interface ConsoleNotifierOptions {
  /** Where to write. Default `process.stdout`. */
  stream?: Writable;
  /** Default `text`. */
  format?: ConsoleFormat;
  /** Whether resolved-only notifications are printed. Default true. */
  sendResolved?: boolean;
  /** `externalURL` of the `json` format's messages. Default `''`. */
  externalURL?: string;
}

/** Prints notifications: the receiver of the reference server that needs no credentials. */
export interface ConsoleNotifier extends Notifier {
  readonly name: 'console';
  readonly sendResolved: boolean;
}

/**
 * The readable form of a notification:
 *
 * ```text
 * [FIRING:2] receiver=team-web groupKey={}:{alertname="HighLatency"}
 *   firing    {alertname="HighLatency", instance="a:9090"} since 2024-01-01T00:00:00Z
 *             summary: p99 above 1s
 * ```
 */
export function formatNotificationText(notification: Notification): string {
  const now = notification.timestamp;
  const firing = notification.alerts.filter((alert) => alertStatus(alert, now) === 'firing');
  const resolved = notification.alerts.length - firing.length;
  const status = firing.length > 0 ? `FIRING:${firing.length}` : 'RESOLVED';
  const counts = firing.length > 0 && resolved > 0 ? `, ${resolved} resolved` : '';
  const lines = [
    `[${status}${counts}] receiver=${notification.receiver} groupKey=${notification.groupKey}`,
  ];
  for (const alert of notification.alerts) {
    const state = alertStatus(alert, now);
    const when =
      state === 'firing'
        ? `since ${formatGoTime(alert.startsAt)}`
        : `resolved ${formatGoTime(alert.endsAt)}`;
    lines.push(`  ${state.padEnd(9)} ${labelsToString(alert.labels)} ${when}`);
    const summary = alert.annotations.summary ?? alert.annotations.description;
    if (summary) lines.push(`            summary: ${summary.replace(/\s*\n\s*/g, ' ')}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/**
 * Creates a notifier that writes each notification to a stream: a readable block (`text`) or
 * Alertmanager's webhook JSON on one line (`json`). Waits for `drain` when the stream is full.
 */
export function createConsoleNotifier(options: ConsoleNotifierOptions = {}): ConsoleNotifier {
  const settings = parseConfigEntry(
    consoleConfigSchema,
    { format: options.format, send_resolved: options.sendResolved },
    'console notifier options',
  );
  const stream = options.stream ?? process.stdout;

  return {
    name: 'console',
    sendResolved: settings.send_resolved,

    async notify(notification: Notification, notifyOptions: NotifyOptions) {
      if (notifyOptions.signal.aborted) {
        return {
          ok: false,
          retryable: false,
          reason: 'canceled',
          message: 'console: delivery canceled',
        } satisfies DeliveryResult;
      }
      const text =
        settings.format === 'json'
          ? encodeWebhookMessage(
              buildWebhookMessage(notification, { externalURL: options.externalURL ?? '' }),
            )
          : formatNotificationText(notification);
      try {
        if (!stream.write(text)) await once(stream, 'drain', { signal: notifyOptions.signal });
      } catch (error) {
        if (notifyOptions.signal.aborted) {
          return {
            ok: false,
            retryable: false,
            reason: 'canceled',
            message: 'console: delivery canceled',
          };
        }
        const why = error instanceof Error ? error.message : String(error);
        return { ok: false, retryable: true, reason: 'network', message: `console: ${why}` };
      }
      return { ok: true };
    },
  };
}
