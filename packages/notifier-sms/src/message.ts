// The text of an SMS. Incident pages have a fixed shape people learn to read at 3 a.m.:
// `[CRITICAL] #1234 <title>`, the incident link, `Reply ACK 1234 or RESOLVE 1234`. Plain receiver
// notifications render the `text` template (Alertmanager's data) and link to the alerts view.
import type { NotificationIncident, Notification } from '@phoenix-alerting/core';
import { alertmanagerTemplateData } from '@phoenix-alerting/template';
import type { AlertmanagerTemplates } from '@phoenix-alerting/template';
import type { SmsParts } from './sms-text.js';

/**
 * `sms.default.text`, added to the templates unless they define it (Alertmanager's default.tmpl
 * has no SMS template): the subject line Alertmanager's other integrations use, then the common
 * summary, e.g. `[FIRING:2] DiskFull (db-1 critical)` and `Disk almost full`.
 */
export const SMS_DEFAULT_TEMPLATE =
  '{{ define "sms.default.text" }}{{ template "__subject" . }}' +
  '{{ with .CommonAnnotations.summary }}\n{{ . }}{{ end }}{{ end }}';

const ALERTS_LINK = '{{ template "__alertmanagerURL" . }}';

function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Template output made compact: runs of spaces become one, lines are trimmed, blank lines go. */
function compact(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\r\f\v]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** The reply line of a page: what the person may still do. */
export function replyHint(incident: NotificationIncident): string | undefined {
  if (incident.status === 'resolved' || incident.event === 'resolved') return undefined;
  if (incident.status === 'new' && incident.event !== 'acknowledged')
    return `Reply ACK ${incident.number} or RESOLVE ${incident.number}`;
  return `Reply RESOLVE ${incident.number}`;
}

/** The parts of an incident page, e.g. `[CRITICAL] #1234 Database down (escalated to level 2)`. */
export function incidentParts(incident: NotificationIncident): SmsParts {
  const title = flat(incident.title);
  const head = `#${incident.number} ${title}`;
  const severity = `[${flat(incident.severity).toUpperCase() || 'INCIDENT'}]`;
  const by = incident.acknowledgedBy ? ` by ${flat(incident.acknowledgedBy)}` : '';
  let body: string;
  switch (incident.event) {
    case 'resolved':
      body = `[RESOLVED] ${head}`;
      break;
    case 'acknowledged':
      body = `[ACKNOWLEDGED] ${head}${by}`;
      break;
    case 'escalated':
      body = `${severity} ${head} (escalated to level ${incident.level})`;
      break;
    case 'repeated':
      body = `${severity} ${head} (reminder)`;
      break;
    case 'reopened':
      body = `${severity} ${head} (reopened)`;
      break;
    case 'unacknowledged':
      body = `${severity} ${head} (no longer acknowledged)`;
      break;
    case 'status-changed':
      body = `${severity} ${head} (now ${incident.status})`;
      break;
    default:
      body = `${severity} ${head}`;
  }
  return { body, link: incident.url, footer: replyHint(incident) };
}

/**
 * The parts of a plain notification: `text` rendered with Alertmanager's template data (spaces
 * collapsed, lines trimmed, blank lines dropped: every character costs), and the alerts view of
 * the external URL (when there is one). A template that fails at delivery falls
 * back to `sms.default.text` so the message still goes out; the error is returned for logging.
 */
export function notificationParts(
  notification: Notification,
  options: { templates: AlertmanagerTemplates; text: string; externalURL: string },
): { parts: SmsParts; templateError?: string } {
  const { templates } = options;
  const data = alertmanagerTemplateData(notification, { externalURL: options.externalURL });
  const withDefault = templates.names().includes('sms.default.text')
    ? (text: string) => text
    : (text: string) => `${SMS_DEFAULT_TEMPLATE}${text}`;
  const link = options.externalURL ? flat(templates.text(ALERTS_LINK, data)) : undefined;
  try {
    return { parts: { body: compact(templates.text(withDefault(options.text), data)), link } };
  } catch (error) {
    const templateError = error instanceof Error ? error.message : String(error);
    const body = compact(templates.text(withDefault('{{ template "sms.default.text" . }}'), data));
    return { parts: { body, link }, templateError };
  }
}
