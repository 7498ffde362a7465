export { parseRuleFile, loadRuleFiles, validateRuleGroups } from './rule-file.js';
export type {
  AlertingRule,
  RecordingRule,
  Rule,
  RuleGroup,
  ParsedRules,
  RuleGroupInput,
  RuleInput,
  RuleCheckOptions,
} from './rule-file.js';
export { checkExpression } from './expression.js';
export {
  AlertingRuleState,
  RESOLVED_RETENTION_MS,
  toAlertInput,
  generatorURL,
  queryEscape,
} from './alerting-rule.js';
export type {
  Sample,
  AlertState,
  RuleAlert,
  TemplateExpander,
  EvaluationSettings,
} from './alerting-rule.js';
export { createRuleSource } from './rule-source.js';
export type { QueryBackend, RuleHealth, RuleSource, RuleSourceOptions } from './rule-source.js';
export { QueryError, createHttpClient } from './http-query.js';
export type { HttpClient, HttpClientOptions } from './http-query.js';
export {
  createPrometheusBackend,
  instantResult,
  parseSampleValue,
  formatSeconds,
} from './prometheus-backend.js';
export type { PrometheusBackendOptions } from './prometheus-backend.js';
export {
  createPrometheusSource,
  createBackendRuleSource,
  prometheusSourceOptionsSchema,
  resolveRuleGroups,
  ruleSourceOptionsSchema,
  ruleSourceSettings,
  publicURL,
} from './prometheus-source.js';
export type {
  LoadedGroups,
  PrometheusSourceOptions,
  RuleSourceConnectionOptions,
} from './prometheus-source.js';
export { createPushSource } from './push-source.js';
export type { PushSource, PushSourceOptions } from './push-source.js';
