// The events Alertmanager 0.25 sends (notify/pagerduty/pagerduty.go): the same fields, order,
// defaults, truncation and dedup key, encoded as Go's json.Encoder does; and Phoenix's incident
// events, keyed by the incident id.
import { createHash } from 'node:crypto';
import { isResolved } from '@phoenix-alerting/core';
import type { Notification, NotificationIncident } from '@phoenix-alerting/core';
import type { PagerdutyConfig } from './pagerduty-config.js';

/** Events API actions. */
export type PagerDutyEventAction = 'trigger' | 'acknowledge' | 'resolve';
/** The severities the Events API v2 accepts. */
export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PagerDutyPayload {
  summary: string;
  source: string;
  severity: string;
  timestamp?: string;
  class?: string;
  component?: string;
  group?: string;
  custom_details?: Record<string, string>;
}

/** Alertmanager's `pagerDutyMessage`, which serves both API versions. */
export interface PagerDutyMessage {
  routing_key?: string;
  service_key?: string;
  dedup_key?: string;
  incident_key?: string;
  event_type?: string;
  description?: string;
  /** Always present, `""` for v1 (as Alertmanager sends it). */
  event_action: string;
  /** Always present, `null` for v1. */
  payload: PagerDutyPayload | null;
  client?: string;
  client_url?: string;
  details?: Record<string, string>;
  images?: { src: string; alt: string; href: string }[];
  links?: { href: string; text: string }[];
}

/** Alertmanager's maxEventSize: PagerDuty refuses events above 512 KB. */
export const MAX_EVENT_BYTES = 512_000;
/** Summary (v2) and description (v1) limit, in characters. */
export const MAX_SUMMARY_CHARS = 1024;

/** Alertmanager's `notify.Key.Hash()`: the hex SHA-256 of the group key. */
export function alertmanagerDedupKey(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

/** Alertmanager's `notify.Truncate`: at most `n` characters (runes), the last one `…`. */
export function truncateRunes(text: string, n: number): { text: string; truncated: boolean } {
  const runes = [...text];
  if (runes.length <= n) return { text, truncated: false };
  if (n <= 3) return { text: runes.slice(0, n).join(''), truncated: true };
  return { text: `${runes.slice(0, n - 1).join('')}…`, truncated: true };
}

/** Go's json.Encoder output: HTML-safe escapes, and a final newline. */
export function goJson(value: unknown): string {
  return `${JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}\n`;
}

/** Go encodes a map with its keys sorted. */
function sortedMap(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Keeps the keys Go's `omitempty` keeps, in the struct's order. */
function omitEmpty<T extends object>(value: T, always: readonly string[] = []): T {
  return Object.fromEntries(
    Object.entries(value).filter(
      ([key, entry]) =>
        always.includes(key) ||
        !(
          entry === undefined ||
          entry === '' ||
          (Array.isArray(entry) && entry.length === 0) ||
          (typeof entry === 'object' && entry !== null && Object.keys(entry).length === 0)
        ),
    ),
  ) as T;
}

/** Renders one template text; throws on a template error. */
export type Render = (template: string) => string;

export interface BuiltMessage {
  message: PagerDutyMessage;
  /** Set when `description` was cut to {@link MAX_SUMMARY_CHARS}. */
  truncatedSummary: boolean;
}

/** trigger, or resolve when every alert is resolved (Alertmanager's `alerts.Status()`). */
export function alertmanagerEventAction(notification: Notification): 'trigger' | 'resolve' {
  return notification.alerts.every((alert) => isResolved(alert, notification.timestamp))
    ? 'resolve'
    : 'trigger';
}

/** Alertmanager's `notifyV2` message. `details` are the rendered `details` templates. */
export function buildEventV2(
  notification: Notification,
  config: PagerdutyConfig,
  render: Render,
  routingKey: string,
  details: Record<string, string>,
): BuiltMessage {
  const summary = truncateRunes(render(config.description), MAX_SUMMARY_CHARS);
  const payload: PagerDutyPayload = omitEmpty(
    {
      summary: summary.text,
      source: render(config.source || config.client),
      severity: render(config.severity || 'error'),
      class: render(config.class),
      component: render(config.component),
      group: render(config.group),
      custom_details: sortedMap(details),
    },
    ['summary', 'source', 'severity'],
  );
  const images = config.images
    .map((image) => ({ src: render(image.src), alt: render(image.alt), href: render(image.href) }))
    .filter((image) => image.src !== '');
  const links = config.links
    .map((link) => ({ href: render(link.href), text: render(link.text) }))
    .filter((link) => link.href !== '');
  const message = omitEmpty<PagerDutyMessage>(
    {
      routing_key: routingKey,
      dedup_key: alertmanagerDedupKey(notification.groupKey),
      event_action: alertmanagerEventAction(notification),
      payload,
      client: render(config.client),
      client_url: render(config.client_url),
      images,
      links,
    },
    ['event_action', 'payload'],
  );
  return { message, truncatedSummary: summary.truncated };
}

/** Alertmanager's `notifyV1` message (Events API v1, `service_key`). */
export function buildEventV1(
  notification: Notification,
  config: PagerdutyConfig,
  render: Render,
  serviceKey: string,
  details: Record<string, string>,
): BuiltMessage {
  const description = truncateRunes(render(config.description), MAX_SUMMARY_CHARS);
  const eventType = alertmanagerEventAction(notification);
  const message = omitEmpty<PagerDutyMessage>(
    {
      service_key: serviceKey,
      incident_key: alertmanagerDedupKey(notification.groupKey),
      event_type: eventType,
      description: description.text,
      event_action: '',
      payload: null,
      // Alertmanager sends client and client_url with triggers only.
      ...(eventType === 'trigger' && {
        client: render(config.client),
        client_url: render(config.client_url),
      }),
      details: sortedMap(details),
    },
    ['event_action', 'payload'],
  );
  return { message, truncatedSummary: description.truncated };
}

/**
 * The bytes to send: Go's encoding, with the custom details replaced by a note when the event is
 * larger than PagerDuty accepts (as Alertmanager's `encodeMessage`). `replaced` says so.
 */
export function encodeMessage(message: PagerDutyMessage): { body: string; replaced?: number } {
  const body = goJson(message);
  const size = Buffer.byteLength(body);
  if (size <= MAX_EVENT_BYTES) return { body };
  const note = {
    error: `Custom details have been removed because the original event exceeds the maximum size of ${MAX_EVENT_BYTES / 1000}KB`,
  };
  const smaller: PagerDutyMessage =
    message.payload === null
      ? { ...message, details: note }
      : { ...message, payload: { ...message.payload, custom_details: note } };
  return { body: goJson(smaller), replaced: size };
}

/** Maps a Phoenix severity name to an Events API v2 severity. */
export function pagerDutySeverity(severity: string): PagerDutySeverity {
  const name = severity.toLowerCase();
  return name === 'critical' || name === 'warning' || name === 'info' || name === 'error'
    ? name
    : 'error';
}

/** The Events API action an incident notification calls for. */
export function incidentEventAction(incident: NotificationIncident): PagerDutyEventAction {
  switch (incident.event) {
    case 'acknowledged':
      return 'acknowledge';
    case 'resolved':
      return 'resolve';
    case 'status-changed':
      if (incident.status === 'resolved') return 'resolve';
      return incident.status === 'new' ? 'trigger' : 'acknowledge';
    default:
      // triggered, escalated, reopened, repeated, unacknowledged: (re-)trigger the same alert.
      return 'trigger';
  }
}

export interface IncidentEventOptions {
  routingKey: string;
  /** `payload.source`. Default: the first alert's `instance` label, else `phoenix-alerting`. */
  source?: string;
  /** `client`. Default `Phoenix Alerting`. */
  client?: string;
}

/**
 * The Events API v2 event of an incident notification: keyed by the incident id, so PagerDuty
 * keeps one alert per incident whatever the group, and acknowledged or resolved with it.
 */
export function buildIncidentEvent(
  notification: Notification & { incident: NotificationIncident },
  options: IncidentEventOptions,
): PagerDutyMessage {
  const { incident } = notification;
  const first = notification.alerts[0];
  const runbook = notification.alerts
    .map((alert) => alert.annotations.runbook_url)
    .find((url) => url !== undefined && url !== '');
  const firing = notification.alerts.filter((alert) => !isResolved(alert, notification.timestamp));
  const details: Record<string, string> = {
    incident_id: incident.id,
    incident_number: String(incident.number),
    status: incident.status,
    event: incident.event,
    level: String(incident.level),
    num_firing: String(firing.length),
    num_resolved: String(notification.alerts.length - firing.length),
  };
  if (incident.acknowledgedBy) details.acknowledged_by = incident.acknowledgedBy;
  if (incident.recipients.length > 0) {
    details.paged = incident.recipients.map((recipient) => recipient.name).join(', ');
  }
  const links: { href: string; text: string }[] = [];
  if (incident.url) links.push({ href: incident.url, text: `Incident #${incident.number}` });
  if (runbook) links.push({ href: runbook, text: 'Runbook' });
  return omitEmpty<PagerDutyMessage>(
    {
      routing_key: options.routingKey,
      dedup_key: incident.id,
      event_action: incidentEventAction(incident),
      payload: omitEmpty<PagerDutyPayload>(
        {
          summary: truncateRunes(`[#${incident.number}] ${incident.title}`, MAX_SUMMARY_CHARS).text,
          source: options.source ?? first?.labels.instance ?? 'phoenix-alerting',
          severity: pagerDutySeverity(incident.severity),
          timestamp: new Date(notification.timestamp).toISOString(),
          component: first?.labels.service ?? first?.labels.job ?? '',
          group: first?.labels.team ?? '',
          class: first?.labels.alertname ?? '',
          custom_details: sortedMap(details),
        },
        ['summary', 'source', 'severity'],
      ),
      client: options.client ?? 'Phoenix Alerting',
      client_url: incident.url ?? '',
      links,
    },
    ['event_action', 'payload'],
  );
}
