// The Block Kit message of bot-token mode: one message per incident (or aggregation group), its
// colour from the severity, updated in place as the incident changes; timeline lines go to its
// thread.
import { isResolved } from '@phoenix-alerting/core';
import type { Notification, NotificationIncident } from '@phoenix-alerting/core';

/** `action_id`s of the buttons; `parseSlackInteraction` reads them back. */
export const ACKNOWLEDGE_ACTION_ID = 'phoenix_acknowledge';
export const RESOLVE_ACTION_ID = 'phoenix_resolve';

/** Attachment colours by severity; `resolved` wins over any severity. */
export const severityColors: Readonly<Record<string, string>> = {
  critical: '#E01E5A',
  error: '#E01E5A',
  warning: '#ECB22E',
  info: '#36C5F0',
  resolved: '#2EB67D',
  acknowledged: '#7C7C7C',
};

export type Block = Record<string, unknown>;

/** What `chat.postMessage` / `chat.update` get, besides channel and ts. */
export interface BlockKitMessage {
  /** Notification text: shown in notifications and where blocks cannot be. */
  text: string;
  attachments: { color: string; blocks: Block[]; fallback: string }[];
}

export interface BlockKitInput {
  notification: Notification;
  /** Rendered title (the config's `title`, Alertmanager's `[FIRING:2] …` by default). */
  title: string;
  /** Mentions to put in front, e.g. `<!here>` for critical. */
  mention?: string;
}

const MAX_HEADER = 150;
const MAX_SECTION = 3000;
const MAX_LABELS_SHOWN = 20;

const cut = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;
/** Slack's mrkdwn needs `&`, `<`, `>` escaped in text that is not markup. */
export const escapeMrkdwn = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function severityOf(notification: Notification): string {
  return (
    notification.incident?.severity ??
    notification.alerts.find((alert) => alert.labels.severity)?.labels.severity ??
    ''
  );
}

function commonLabels(notification: Notification): [string, string][] {
  const [first, ...rest] = notification.alerts;
  if (!first) return [];
  return Object.entries(first.labels)
    .filter(([name, value]) => rest.every((alert) => alert.labels[name] === value))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function summaryOf(notification: Notification): string {
  const seen = new Set<string>();
  for (const alert of notification.alerts) {
    const text = alert.annotations.summary ?? alert.annotations.description ?? '';
    if (text) seen.add(text);
  }
  const lines = [...seen];
  return lines.length <= 5
    ? lines.join('\n')
    : `${lines.slice(0, 5).join('\n')}\n…and ${lines.length - 5} more`;
}

function runbookOf(notification: Notification): string | undefined {
  for (const alert of notification.alerts) {
    const url = alert.annotations.runbook_url;
    if (url && /^https?:\/\//.test(url)) return url;
  }
  return undefined;
}

function statusLine(
  notification: Notification,
  incident: NotificationIncident | undefined,
): string {
  const firing = notification.alerts.filter((alert) => !isResolved(alert, notification.timestamp));
  const resolved = notification.alerts.length - firing.length;
  const alerts = `${firing.length} firing${resolved > 0 ? `, ${resolved} resolved` : ''}`;
  if (!incident) return alerts;
  const acknowledged = incident.acknowledgedBy
    ? ` by ${escapeMrkdwn(incident.acknowledgedBy)}`
    : '';
  const level = incident.level > 0 ? ` · level ${incident.level}` : '';
  return `*${incident.status}*${incident.status === 'acknowledged' ? acknowledged : ''}${level} · ${alerts}`;
}

function mentionsOf(incident: NotificationIncident | undefined): string {
  if (!incident) return '';
  return incident.recipients
    .filter((recipient) => recipient.slack)
    .map((recipient) => `<@${recipient.slack}>`)
    .join(' ');
}

/** The message shown for a notification (and, updated, for each later one of the same incident). */
export function buildBlockKitMessage({
  notification,
  title,
  mention,
}: BlockKitInput): BlockKitMessage {
  const incident = notification.incident;
  const allResolved = notification.alerts.every((alert) =>
    isResolved(alert, notification.timestamp),
  );
  const done = incident ? incident.status === 'resolved' : allResolved;
  const severity = severityOf(notification);
  const color = done
    ? severityColors.resolved!
    : incident?.status === 'acknowledged'
      ? severityColors.acknowledged!
      : (severityColors[severity] ?? severityColors.warning!);
  const heading = incident ? `#${incident.number} ${incident.title}` : title;
  const blocks: Block[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: cut(heading || 'Alert', MAX_HEADER), emoji: true },
    },
  ];
  const who = [done ? '' : (mention ?? ''), done ? '' : mentionsOf(incident)]
    .filter(Boolean)
    .join(' ');
  const summary = summaryOf(notification);
  const body = [who, escapeMrkdwn(summary)].filter(Boolean).join(' ');
  if (body)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(body, MAX_SECTION) } });
  const fields = [{ type: 'mrkdwn', text: `*Status*\n${statusLine(notification, incident)}` }];
  if (severity) fields.push({ type: 'mrkdwn', text: `*Severity*\n${escapeMrkdwn(severity)}` });
  blocks.push({ type: 'section', fields });
  const labels = commonLabels(notification);
  if (labels.length > 0) {
    const shown = labels
      .slice(0, MAX_LABELS_SHOWN)
      .map(([name, value]) => `\`${escapeMrkdwn(name)}=${escapeMrkdwn(value)}\``)
      .join(' ');
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(shown, MAX_SECTION) }] });
  }
  const links: string[] = [];
  const runbook = runbookOf(notification);
  if (runbook) links.push(`<${runbook}|:book: Runbook>`);
  if (incident?.url) links.push(`<${incident.url}|Incident #${incident.number}>`);
  if (links.length > 0)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: links.join(' · ') } });
  if (incident && incident.status !== 'resolved') {
    const buttons: Block[] = [];
    if (incident.status !== 'acknowledged')
      buttons.push({
        type: 'button',
        action_id: ACKNOWLEDGE_ACTION_ID,
        text: { type: 'plain_text', text: 'Acknowledge' },
        style: 'primary',
        value: incident.id,
      });
    buttons.push({
      type: 'button',
      action_id: RESOLVE_ACTION_ID,
      text: { type: 'plain_text', text: 'Resolve' },
      style: 'danger',
      value: incident.id,
      confirm: {
        title: { type: 'plain_text', text: 'Resolve this incident?' },
        text: { type: 'plain_text', text: `#${incident.number} ${cut(incident.title, 200)}` },
        confirm: { type: 'plain_text', text: 'Resolve' },
        deny: { type: 'plain_text', text: 'Cancel' },
      },
    });
    blocks.push({ type: 'actions', block_id: `incident:${incident.id}`, elements: buttons });
  }
  const text = cut([who, heading, summary].filter(Boolean).join(' '), MAX_SECTION);
  return { text, attachments: [{ color, blocks, fallback: cut(heading || summary, MAX_SECTION) }] };
}

/** The thread reply for an incident event, or undefined when the event needs none. */
export function timelineReply(incident: NotificationIncident): string | undefined {
  const mentions = mentionsOf(incident);
  switch (incident.event) {
    case 'triggered':
      return undefined;
    case 'acknowledged':
      return `:white_check_mark: Acknowledged${incident.acknowledgedBy ? ` by ${escapeMrkdwn(incident.acknowledgedBy)}` : ''}`;
    case 'unacknowledged':
      return ':warning: Acknowledgement withdrawn';
    case 'escalated':
      return `:rotating_light: Escalated to level ${incident.level}${mentions ? `: ${mentions}` : ''}`;
    case 'repeated':
      return `:repeat: Still ${incident.status}${mentions ? `: ${mentions}` : ''}`;
    case 'status-changed':
      return `Status: *${incident.status}*`;
    case 'reopened':
      return `:rotating_light: Reopened${mentions ? `: ${mentions}` : ''}`;
    case 'resolved':
      return ':large_green_circle: Resolved';
  }
}
