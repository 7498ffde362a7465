// The templating the notifier needs from @phoenix-alerting/template: Alertmanager's tmplText and
// tmplHTML over its template data, with Alertmanager's default.tmpl. Loaded on first use, so that
// incident mails (rendered here) do not load it.
import type { Notification } from '@phoenix-alerting/core';

/** Renders Alertmanager template texts (`{{ template "email.default.html" . }}`). */
export interface NotificationTemplates {
  /** Alertmanager's tmplText; throws on a template error. */
  text(template: string, data: any): string;
  /** Alertmanager's tmplHTML (html/template escaping); throws on a template error. */
  html(template: string, data: any): string;
}

interface TemplateModule {
  loadAlertmanagerTemplates(options: { externalURL?: string }): NotificationTemplates;
  alertmanagerTemplateData(notification: Notification, options: { externalURL: string }): unknown;
}

export interface TemplateOptions {
  /** Default: `loadAlertmanagerTemplates()`, Alertmanager's default templates. */
  templates?: NotificationTemplates | undefined;
  /** `.ExternalURL` of the template data. Default `''`. */
  externalURL?: string | undefined;
}

export interface Rendering {
  text(template: string): string;
  html(template: string): string;
}

let loading: Promise<TemplateModule> | undefined;

function templateModule(): Promise<TemplateModule> {
  loading ??= import('@phoenix-alerting/template') as unknown as Promise<TemplateModule>;
  return loading;
}

/** Renderers per notification; an empty template renders as `''`. */
export function createRenderer(
  options: TemplateOptions,
): (notification: Notification) => Promise<Rendering> {
  const externalURL = options.externalURL ?? '';
  let templates = options.templates;
  return async (notification) => {
    const module = await templateModule();
    templates ??= module.loadAlertmanagerTemplates({ externalURL });
    const data = module.alertmanagerTemplateData(notification, { externalURL });
    const set = templates;
    return {
      text: (template) => (template === '' ? '' : set.text(template, data)),
      html: (template) => (template === '' ? '' : set.html(template, data)),
    };
  };
}
