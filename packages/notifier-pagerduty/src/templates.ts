// The templating the notifiers need from @phoenix-alerting/template: Alertmanager's tmplText over
// its template data, with Alertmanager's default.tmpl. Loaded on first use, so that a notifier
// that never renders a template (incident pages) does not load it.
import type { Notification } from '@phoenix-alerting/core';

/** Renders Alertmanager template texts (`{{ template "pagerduty.default.description" . }}`). */
export interface NotificationTemplates {
  /** Alertmanager's tmplText: executes `template` against `data`; throws on a template error. */
  text(template: string, data: any): string;
}

/** The part of @phoenix-alerting/template used here. */
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

export type Renderer = (notification: Notification) => Promise<(template: string) => string>;

let loading: Promise<TemplateModule> | undefined;

function templateModule(): Promise<TemplateModule> {
  loading ??= import('@phoenix-alerting/template') as unknown as Promise<TemplateModule>;
  return loading;
}

/** A renderer per notification: template text in, text out; `''` renders as `''`. */
export function createRenderer(options: TemplateOptions): Renderer {
  const externalURL = options.externalURL ?? '';
  let templates = options.templates;
  return async (notification) => {
    const module = await templateModule();
    templates ??= module.loadAlertmanagerTemplates({ externalURL });
    const data = module.alertmanagerTemplateData(notification, { externalURL });
    const set = templates;
    return (template) => (template === '' ? '' : set.text(template, data));
  };
}
