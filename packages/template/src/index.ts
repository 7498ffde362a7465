export { TemplateError } from './errors.js';
export { TemplateSet } from './template-set.js';
export type { TemplateFunc, TemplateSetOptions } from './template-set.js';
export type { TemplateLimits, MissingKey } from './limits.js';
export {
  checkPrometheusTemplate,
  expandPrometheusTemplate,
  prometheusExpansionErrorText,
  prometheusFuncs,
  PrometheusSample,
} from './prometheus.js';
export type {
  PrometheusTemplateData,
  ExpandPrometheusTemplateOptions,
  PrometheusFuncsOptions,
  PrometheusQueryFunc,
} from './prometheus.js';
export {
  alertmanagerTemplateData,
  alertmanagerTemplateDataFromJSON,
  loadAlertmanagerTemplates,
  alertmanagerFuncs,
  KV,
  Pair,
  Pairs,
  Alerts,
  AlertmanagerAlert,
} from './alertmanager.js';
export type {
  AlertmanagerTemplateData,
  AlertmanagerTemplates,
  LoadAlertmanagerTemplatesOptions,
} from './alertmanager.js';
export { alertmanagerDefaultTmpl, alertmanagerEmailTmpl } from './default-templates.js';
export { GoTime } from './go-time.js';
export { SafeHTML } from './html-escape.js';
export { goFunc } from './func-spec.js';
export type { GoFuncSpec, GoParam } from './func-spec.js';
export { GoInteger, GoMap, GoStruct } from './values.js';
