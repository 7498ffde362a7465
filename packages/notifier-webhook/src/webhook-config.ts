// Alertmanager's `webhook_configs` entry (config/notifiers.go WebhookConfig), plus Phoenix's
// `timeout`. Unknown keys are errors, as in Alertmanager's strict YAML loading. Scalars are typed
// as Alertmanager's YAML library types them (core's yaml* schemas): `send_resolved: yes` is true,
// `max_alerts: 0x10` is 16, and null gives Go's zero value (`send_resolved: ~` is false).
import {
  durationSchema,
  httpConfigSchema,
  httpUrlSchema,
  yamlBoolean,
  yamlInt,
  yamlOptional,
  yamlString,
} from '@phoenix-alerting/core';
import type { HttpClientConfig } from '@phoenix-alerting/core';
import { z } from 'zod';

/** A `webhook_configs` entry after validation and defaulting. */
export interface WebhookConfig {
  /** Whether resolved-only notifications are delivered. Default true. */
  send_resolved: boolean;
  /** Where to POST; exactly one of `url` and `url_file` is set. */
  url?: string;
  /** File holding the URL, read (and trimmed) at every delivery. */
  url_file?: string;
  /** Most alerts per message; the rest are counted in `truncatedAlerts`. 0 (default): all. */
  max_alerts: number;
  http_config: HttpClientConfig;
  /** Phoenix: how long one delivery attempt may take, in ms (config: `10s`). 0: no limit. */
  timeout: number;
}

/** A `webhook_configs` entry as written in the configuration file. */
export type WebhookConfigInput = z.input<typeof webhookConfigSchema>;

const isObject = ({ value }: { value: unknown }) => typeof value === 'object' && value !== null;

/** Validates a `webhook_configs` entry; durations become ms, defaults are filled in. */
export const webhookConfigSchema = z
  .strictObject({
    send_resolved: yamlBoolean().optional(),
    url: yamlOptional(httpUrlSchema('webhook URL')),
    url_file: yamlOptional(yamlString()),
    max_alerts: yamlOptional(
      yamlInt(
        z
          .number({ error: 'max_alerts must be a whole number of alerts, 0 for all' })
          .int('max_alerts must be a whole number of alerts, 0 for all')
          .min(0, 'max_alerts must not be negative (0 sends all alerts)'),
      ),
    ),
    http_config: yamlOptional(httpConfigSchema),
    timeout: yamlOptional(durationSchema),
  })
  // Checked even when other settings are bad (`when`), so that one error lists every problem.
  .refine((config) => config.url || config.url_file, {
    message: 'one of url or url_file must be configured',
    when: isObject,
  })
  .refine((config) => !(config.url && config.url_file), {
    message: 'at most one of url & url_file must be configured',
    when: isObject,
  })
  .transform((config): WebhookConfig => {
    return {
      send_resolved: config.send_resolved ?? true,
      ...(config.url ? { url: config.url } : { url_file: config.url_file }),
      max_alerts: config.max_alerts ?? 0,
      http_config: config.http_config ?? httpConfigSchema.parse({}),
      timeout: config.timeout ?? 10_000,
    };
  });
