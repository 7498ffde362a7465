// Alertmanager 0.25's `pagerduty_configs` entry (config/notifiers.go PagerdutyConfig) with its
// defaults and checks, plus Phoenix's `timeout`; and the spec's `pagerduty:` section (6.1).
// Scalars are typed as Alertmanager's YAML library types them (core's yaml* schemas).
import {
  durationSchema,
  httpConfigSchema,
  httpUrlSchema,
  yamlBoolean,
  yamlOptional,
  yamlString,
} from '@phoenix-alerting/core';
import type { HttpClientConfig } from '@phoenix-alerting/core';
import { z } from 'zod';

/** Alertmanager's default templates for a PagerDuty entry (DefaultPagerdutyConfig). */
export const pagerdutyDefaults = {
  description: '{{ template "pagerduty.default.description" .}}',
  client: '{{ template "pagerduty.default.client" . }}',
  client_url: '{{ template "pagerduty.default.clientURL" . }}',
  /** DefaultPagerdutyDetails: merged into `details` under keys the entry does not set. */
  details: {
    firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
    resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
    num_firing: '{{ .Alerts.Firing | len }}',
    num_resolved: '{{ .Alerts.Resolved | len }}',
  },
} as const;

/** Alertmanager's `global.pagerduty_url` default: the Events API v2 endpoint. */
export const DEFAULT_PAGERDUTY_URL = 'https://events.pagerduty.com/v2/enqueue';
/** Where Alertmanager sends Events API v1 (`service_key`) events; not configurable there either. */
export const PAGERDUTY_V1_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';

export interface PagerdutyImage {
  src: string;
  alt: string;
  href: string;
}

export interface PagerdutyLink {
  href: string;
  text: string;
}

/** A `pagerduty_configs` entry after validation and defaulting. Text fields are templates. */
export interface PagerdutyConfig {
  /** Default true. */
  send_resolved: boolean;
  /** Events API v2 integration key (template). Set, or `routing_key_file`, for v2. */
  routing_key?: string;
  routing_key_file?: string;
  /** Events API v1 integration key (template): when set, events go to the v1 API. */
  service_key?: string;
  service_key_file?: string;
  /** Events API v2 URL. Default: `global.pagerduty_url` (`https://events.pagerduty.com/v2/enqueue`). */
  url?: string;
  client: string;
  client_url: string;
  description: string;
  /** Custom details: templates by key, Alertmanager's four defaults merged in. */
  details: Record<string, string>;
  images: PagerdutyImage[];
  links: PagerdutyLink[];
  /** Default: `client`. */
  source: string;
  /** Default (at send time, as Alertmanager): `error`. */
  severity: string;
  class: string;
  component: string;
  group: string;
  http_config?: HttpClientConfig;
  /** Phoenix: how long one attempt may take, in ms (config: `10s`). 0: no limit. Default 10s. */
  timeout: number;
}

export type PagerdutyConfigInput = z.input<typeof pagerdutyConfigSchema>;

const text = () => yamlOptional(yamlString());
const isObject = ({ value }: { value: unknown }) => typeof value === 'object' && value !== null;

const imageSchema = z.strictObject({ src: text(), alt: text(), href: text() });
const linkSchema = z.strictObject({ href: text(), text: text() });

/** Validates a `pagerduty_configs` entry; durations become ms, Alertmanager's defaults are filled in. */
export const pagerdutyConfigSchema = z
  .strictObject({
    send_resolved: yamlBoolean().optional(),
    http_config: yamlOptional(httpConfigSchema),
    service_key: text(),
    service_key_file: text(),
    routing_key: text(),
    routing_key_file: text(),
    url: yamlOptional(httpUrlSchema('PagerDuty URL')),
    client: text(),
    client_url: text(),
    description: text(),
    details: yamlOptional(z.record(z.string(), yamlString())),
    images: yamlOptional(z.array(imageSchema)),
    links: yamlOptional(z.array(linkSchema)),
    source: text(),
    severity: text(),
    class: text(),
    component: text(),
    group: text(),
    timeout: yamlOptional(durationSchema),
  })
  .refine((c) => c.routing_key || c.service_key || c.routing_key_file || c.service_key_file, {
    message: 'missing service or routing key in PagerDuty config',
    when: isObject,
  })
  .refine((c) => !(c.routing_key && c.routing_key_file), {
    message: 'at most one of routing_key & routing_key_file must be configured',
    when: isObject,
  })
  .refine((c) => !(c.service_key && c.service_key_file), {
    message: 'at most one of service_key & service_key_file must be configured',
    when: isObject,
  })
  .transform((c): PagerdutyConfig => {
    const client = c.client ?? pagerdutyDefaults.client;
    const config: PagerdutyConfig = {
      send_resolved: c.send_resolved ?? true,
      client,
      client_url: c.client_url ?? pagerdutyDefaults.client_url,
      description: c.description ?? pagerdutyDefaults.description,
      details: { ...pagerdutyDefaults.details, ...c.details },
      images: (c.images ?? []).map((image) => ({
        src: image.src ?? '',
        alt: image.alt ?? '',
        href: image.href ?? '',
      })),
      links: (c.links ?? []).map((link) => ({ href: link.href ?? '', text: link.text ?? '' })),
      // Alertmanager: `if c.Source == "" { c.Source = c.Client }`.
      source: c.source || client,
      severity: c.severity ?? '',
      class: c.class ?? '',
      component: c.component ?? '',
      group: c.group ?? '',
      timeout: c.timeout ?? 10_000,
    };
    if (c.routing_key) config.routing_key = c.routing_key;
    if (c.routing_key_file) config.routing_key_file = c.routing_key_file;
    if (c.service_key) config.service_key = c.service_key;
    if (c.service_key_file) config.service_key_file = c.service_key_file;
    if (c.url) config.url = c.url;
    if (c.http_config) config.http_config = c.http_config;
    return config;
  });

/** One PagerDuty service of the spec's `pagerduty.services`, keyed by team. */
export interface PagerdutyService {
  /** Display name, e.g. `Platform Alerts`. */
  name?: string;
  /** PagerDuty service id (REST API), e.g. `PABC123`. */
  id?: string;
  /** Phoenix: the service's Events API v2 integration key, which pages go to for this team. */
  routing_key?: string;
  routing_key_file?: string;
}

/** The spec's `pagerduty:` section (6.1) after validation. */
export interface PagerdutySection {
  /** Default Events API v2 integration key, for teams without their own service. */
  service_key?: string;
  service_key_file?: string;
  /** REST API token (kept for REST-side features; never logged). */
  api_token?: string;
  /** PagerDuty escalation policy ids by Phoenix name (`default`, `critical`…). */
  escalation_policies: Record<string, { id: string }>;
  /** PagerDuty services by team name. */
  services: Record<string, PagerdutyService>;
  /** The alert label that names the team. Default `team`. */
  team_label: string;
}

export type PagerdutySectionInput = z.input<typeof pagerdutySectionSchema>;

const routingKeySchema = yamlString().refine((key) => key.length === 32 || key.includes('{{'), {
  message: 'must be a 32-character PagerDuty integration key',
});

/** Validates the spec's `pagerduty:` section (`${ENV}` already substituted by the config loader). */
export const pagerdutySectionSchema = z
  .strictObject({
    service_key: yamlOptional(routingKeySchema),
    service_key_file: text(),
    api_token: text(),
    escalation_policies: yamlOptional(
      z.record(
        z.string(),
        z.strictObject({ id: yamlString().refine((id) => id !== '', 'id must not be empty') }),
      ),
    ),
    services: yamlOptional(
      z.record(
        z.string(),
        z
          .strictObject({
            name: text(),
            id: text(),
            routing_key: yamlOptional(routingKeySchema),
            routing_key_file: text(),
          })
          .refine((service) => !(service.routing_key && service.routing_key_file), {
            message: 'at most one of routing_key & routing_key_file must be configured',
          }),
      ),
    ),
    team_label: text(),
  })
  .refine((section) => !(section.service_key && section.service_key_file), {
    message: 'at most one of service_key & service_key_file must be configured',
    when: isObject,
  })
  .transform((section): PagerdutySection => ({
    ...(section.service_key && { service_key: section.service_key }),
    ...(section.service_key_file && { service_key_file: section.service_key_file }),
    ...(section.api_token && { api_token: section.api_token }),
    escalation_policies: section.escalation_policies ?? {},
    services: Object.fromEntries(
      Object.entries(section.services ?? {}).map(([team, service]) => [
        team,
        Object.fromEntries(
          Object.entries(service).filter(([, value]) => value !== undefined),
        ) as PagerdutyService,
      ]),
    ),
    team_label: section.team_label || 'team',
  }));
