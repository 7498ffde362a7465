// Turns the `receivers` section into notifiers. The server sends webhooks and prints to the console;
// every other integration is reported once at load, by receiver and type, and sends nothing.
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import {
  ConfigError,
  alertmanagerIntegrationKeys,
  formatPath,
  phoenixIntegrationKeys,
} from '@phoenix-alerting/core';
import type {
  AlertmanagerConfig,
  Clock,
  ConfigIssue,
  IntegrationKey,
  Notifier,
} from '@phoenix-alerting/core';
import {
  consoleConfigSchema,
  createConsoleNotifier,
  createWebhookNotifier,
} from '@phoenix-alerting/notifier-webhook';
import { createEmailNotifier } from '@phoenix-alerting/notifier-email';
import { createPagerDutyNotifier } from '@phoenix-alerting/notifier-pagerduty';
import { createSlackNotifier } from '@phoenix-alerting/notifier-slack';
import type { SlackSectionInput } from '@phoenix-alerting/notifier-slack';
import { createSmsNotifier } from '@phoenix-alerting/notifier-sms';
import type { PagerdutySectionInput } from '@phoenix-alerting/notifier-pagerduty';
import { loadAlertmanagerTemplates } from '@phoenix-alerting/template';
import type { Logger } from 'pino';

export interface BuildReceiversOptions {
  /** The configuration file, for error messages and relative `*_file` paths. */
  file: string | undefined;
  externalURL: string;
  logger: Logger;
  clock: Clock;
  /** Where console receivers write. Default `process.stdout`. */
  consoleStream?: Writable;
  /** `server.integrations.ack_link_secret`: incident mails then carry signed ack/resolve links. */
  ackLinkSecret?: string | undefined;
}

/** The notifiers of each receiver and what the server cannot send. */
export interface BuiltReceivers {
  /** Every configured receiver, with its supported integrations (possibly none). */
  receivers: Record<string, Notifier[]>;
  /** `receiver: integration` pairs present in the configuration that this server does not send. */
  unsupported: { receiver: string; integration: IntegrationKey }[];
}

const SUPPORTED: ReadonlySet<IntegrationKey> = new Set([
  'webhook_configs',
  'console_configs',
  'pagerduty_configs',
  'email_configs',
  'sms_configs',
  'slack_configs',
]);
const ALL_KEYS: readonly IntegrationKey[] = [
  ...alertmanagerIntegrationKeys,
  ...phoenixIntegrationKeys,
];

/**
 * Builds the webhook and console notifiers of every receiver. Entries are validated by their
 * notifier package; all problems are collected into one error.
 *
 * @throws ConfigError with paths like `receivers[1].webhook_configs[0].url`.
 */
export function buildReceivers(
  config: AlertmanagerConfig,
  options: BuildReceiversOptions,
): BuiltReceivers {
  const receivers: Record<string, Notifier[]> = {};
  const unsupported: BuiltReceivers['unsupported'] = [];
  const issues: ConfigIssue[] = [];
  const configDir = options.file === undefined ? undefined : dirname(options.file);

  const collect = (error: unknown, path: PropertyKey[]) => {
    if (!ConfigError.isInstance(error)) throw error;
    for (const issue of error.issues) {
      const inner = issue.path ? (issue.path.startsWith('[') ? issue.path : `.${issue.path}`) : '';
      issues.push({ file: options.file, path: formatPath(path) + inner, message: issue.message });
    }
  };

  // The configuration's `templates:` files beside Alertmanager's default.tmpl, loaded once.
  let templates: ReturnType<typeof loadAlertmanagerTemplates> | undefined;
  const loadTemplates = () =>
    (templates ??= loadAlertmanagerTemplates({
      files: config.templates,
      externalURL: options.externalURL,
    }));
  const common = {
    externalURL: options.externalURL,
    logger: options.logger,
    clock: options.clock,
    ...(configDir === undefined ? {} : { configDir }),
  };
  /** Builds one integration, collecting its configuration errors under its YAML path. */
  const build = (path: PropertyKey[], make: () => Notifier, into: Notifier[]) => {
    try {
      into.push(make());
    } catch (error) {
      collect(error, path);
    }
  };

  config.receivers.forEach((receiver, receiverIndex) => {
    const notifiers: Notifier[] = [];
    receiver.pagerduty_configs?.forEach((entry, index) =>
      build(
        ['receivers', receiverIndex, 'pagerduty_configs', index],
        () =>
          createPagerDutyNotifier(entry as never, {
            ...common,
            templates: loadTemplates(),
            global: {
              pagerduty_url: config.global.pagerduty_url,
              http_config: config.global.http_config,
            },
            ...(config.pagerduty ? { section: config.pagerduty as PagerdutySectionInput } : {}),
          }),
        notifiers,
      ),
    );
    receiver.slack_configs?.forEach((entry, index) =>
      build(
        ['receivers', receiverIndex, 'slack_configs', index],
        () =>
          createSlackNotifier(entry as never, {
            ...common,
            templates: loadTemplates(),
            global: config.global,
            ...(config.slack ? { section: config.slack as SlackSectionInput } : {}),
          }),
        notifiers,
      ),
    );
    receiver.sms_configs?.forEach((entry, index) =>
      build(
        ['receivers', receiverIndex, 'sms_configs', index],
        () => createSmsNotifier(entry, { ...common, templates: loadTemplates() }),
        notifiers,
      ),
    );
    receiver.email_configs?.forEach((entry, index) =>
      build(
        ['receivers', receiverIndex, 'email_configs', index],
        () =>
          createEmailNotifier(entry as never, {
            ...common,
            templates: loadTemplates(),
            global: config.global,
            ...(options.ackLinkSecret
              ? {
                  ackLinks: {
                    baseURL: `${options.externalURL.replace(/\/+$/, '')}/api/phoenix/v1/integrations/email/ack`,
                    secret: options.ackLinkSecret,
                  },
                }
              : {}),
          }),
        notifiers,
      ),
    );
    receivers[receiver.name] = notifiers;
    receiver.webhook_configs?.forEach((entry, index) => {
      const path = ['receivers', receiverIndex, 'webhook_configs', index];
      try {
        notifiers.push(
          createWebhookNotifier(
            { ...entry, http_config: entry.http_config ?? config.global.http_config },
            {
              externalURL: options.externalURL,
              logger: options.logger,
              clock: options.clock,
              ...(configDir === undefined ? {} : { configDir }),
            },
          ),
        );
      } catch (error) {
        collect(error, path);
      }
    });
    receiver.console_configs?.forEach((entry, index) => {
      const parsed = consoleConfigSchema.safeParse(entry);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          issues.push({
            file: options.file,
            path: formatPath(['receivers', receiverIndex, 'console_configs', index, ...issue.path]),
            message: issue.message,
          });
        }
        return;
      }
      notifiers.push(
        createConsoleNotifier({
          format: parsed.data.format,
          sendResolved: parsed.data.send_resolved,
          externalURL: options.externalURL,
          ...(options.consoleStream ? { stream: options.consoleStream } : {}),
        }),
      );
    });
    for (const key of ALL_KEYS) {
      if (!SUPPORTED.has(key) && (receiver[key]?.length ?? 0) > 0)
        unsupported.push({ receiver: receiver.name, integration: key });
    }
  });

  if (issues.length > 0) throw new ConfigError(issues);
  return { receivers, unsupported };
}
