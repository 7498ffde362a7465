// The mail of an incident notification: a subject that stays the same for the whole incident, the
// threading headers that make every mail of an incident one conversation, and HTML and text
// bodies with signed acknowledge / resolve links.
import { createHash } from 'node:crypto';
import { isResolved } from '@phoenix-alerting/core';
import type { Notification, NotificationIncident } from '@phoenix-alerting/core';
import { createAckToken } from './ack-token.js';
import type { AckAction } from './ack-token.js';

/** Where the acknowledge / resolve links of incident mails point, and how they are signed. */
export interface AckLinkOptions {
  /** Base URL of the server's email-ack endpoint; the token is added as `?token=…`. */
  baseURL: string;
  /** HMAC secret (at least 16 characters), shared with the endpoint that verifies the links. */
  secret: string;
  /** How long a link stays valid, in ms. Default 24 h. */
  ttlMs?: number;
}

/** `<incident-ID@host>`: the Message-ID of an incident's first mail, which later mails reply to. */
export function incidentThreadId(incidentId: string, host: string): string {
  return `<incident-${incidentId.replace(/[^A-Za-z0-9._-]/g, '_')}@${host}>`;
}

/** A Message-ID that is the same for every attempt at one notification (its idempotency key). */
export function notificationMessageId(idempotencyKey: string, host: string): string {
  const id = /^[A-Za-z0-9._-]{1,64}$/.test(idempotencyKey)
    ? idempotencyKey
    : createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${id}@${host}>`;
}

export interface IncidentMail {
  subject: string;
  text: string;
  html: string;
  /** Set on the first mail of the incident (`triggered`): the thread id itself. */
  messageId?: string;
  /** Set on every later mail: the thread id. */
  inReplyTo?: string;
  references?: string;
  /** Links by action, when ack links are configured. */
  links: Partial<Record<AckAction, string>>;
}

const EVENT_WORDS: Record<NotificationIncident['event'], string> = {
  triggered: 'triggered',
  escalated: 'escalated',
  repeated: 'still unacknowledged',
  acknowledged: 'acknowledged',
  unacknowledged: 'unacknowledged',
  'status-changed': 'status changed',
  reopened: 'reopened',
  resolved: 'resolved',
};

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function linkFor(
  action: AckAction,
  incident: NotificationIncident,
  ack: AckLinkOptions,
  now: number,
): string {
  const token = createAckToken({
    secret: ack.secret,
    incidentId: incident.id,
    action,
    expiresAt: now + (ack.ttlMs ?? 24 * 3_600_000),
  });
  const url = new URL(ack.baseURL);
  url.searchParams.set('token', token);
  return url.href;
}

/** Builds the mail of an incident notification; `now` times the links' expiry. */
export function buildIncidentMail(
  notification: Notification & { incident: NotificationIncident },
  options: { host: string; now: number; ack?: AckLinkOptions | undefined },
): IncidentMail {
  const { incident } = notification;
  const threadId = incidentThreadId(incident.id, options.host);
  const first = incident.event === 'triggered';
  const links: IncidentMail['links'] = {};
  if (options.ack && incident.status !== 'resolved') {
    if (incident.status !== 'acknowledged' && !incident.acknowledgedBy) {
      links.acknowledge = linkFor('acknowledge', incident, options.ack, options.now);
    }
    links.resolve = linkFor('resolve', incident, options.ack, options.now);
  }
  const runbooks = [
    ...new Set(notification.alerts.map((alert) => alert.annotations.runbook_url).filter(Boolean)),
  ] as string[];
  const headline = `Incident #${incident.number} ${EVENT_WORDS[incident.event]}`;
  const facts: [string, string][] = [
    ['Severity', incident.severity],
    ['Status', incident.status],
    ...(incident.level > 0
      ? [['Escalation level', String(incident.level)] as [string, string]]
      : []),
    ...(incident.recipients.length > 0
      ? [
          ['Paged', incident.recipients.map((recipient) => recipient.name).join(', ')] as [
            string,
            string,
          ],
        ]
      : []),
    ...(incident.acknowledgedBy
      ? [['Acknowledged by', incident.acknowledgedBy] as [string, string]]
      : []),
  ];
  const alerts = notification.alerts.map((alert) => {
    const state = isResolved(alert, notification.timestamp) ? 'resolved' : 'firing';
    const labels = Object.entries(alert.labels)
      .map(([name, value]) => `${name}=${value}`)
      .join(', ');
    return {
      state,
      labels,
      summary: alert.annotations.summary ?? alert.annotations.description ?? '',
    };
  });

  const text = [
    `${headline}: ${incident.title}`,
    '',
    ...facts.map(([name, value]) => `${name}: ${value}`),
    '',
    `Alerts (${alerts.length}):`,
    ...alerts.map(
      (alert) => `- [${alert.state}] ${alert.labels}${alert.summary ? `\n  ${alert.summary}` : ''}`,
    ),
    '',
    ...(incident.url ? [`Incident: ${incident.url}`] : []),
    ...runbooks.map((url) => `Runbook: ${url}`),
    ...(links.acknowledge ? [`Acknowledge: ${links.acknowledge}`] : []),
    ...(links.resolve ? [`Resolve: ${links.resolve}`] : []),
    '',
  ].join('\n');

  const a = (href: string, label: string) =>
    `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
  const html = [
    '<!DOCTYPE html>',
    '<html><body style="font-family: sans-serif">',
    `<h2>${escapeHtml(headline)}: ${escapeHtml(incident.title)}</h2>`,
    '<table>',
    ...facts.map(
      ([name, value]) =>
        `<tr><th align="left">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
    `<h3>Alerts (${alerts.length})</h3>`,
    '<ul>',
    ...alerts.map(
      (alert) =>
        `<li><strong>[${alert.state}]</strong> ${escapeHtml(alert.labels)}${alert.summary ? `<br>${escapeHtml(alert.summary)}` : ''}</li>`,
    ),
    '</ul>',
    '<p>',
    [
      ...(incident.url ? [a(incident.url, 'View incident')] : []),
      ...runbooks.map((url) => a(url, 'Runbook')),
      ...(links.acknowledge ? [a(links.acknowledge, 'Acknowledge')] : []),
      ...(links.resolve ? [a(links.resolve, 'Resolve')] : []),
    ].join(' | '),
    '</p>',
    '</body></html>',
    '',
  ].join('\n');

  const mail: IncidentMail = {
    subject: `[${incident.severity.toUpperCase()}] Incident #${incident.number}: ${incident.title}`,
    text,
    html,
    links,
  };
  if (first) mail.messageId = threadId;
  else {
    mail.inReplyTo = threadId;
    mail.references = threadId;
  }
  return mail;
}
