export { PhoenixError, ConfigError, formatConfigIssue } from './errors.js';
export type { PhoenixErrorCode, ConfigIssue } from './errors.js';

export {
  isValidLabelName,
  isValidLabelValue,
  labelProblems,
  validateLabels,
  sortedLabelNames,
  labelsToString,
  compareUtf8,
  goQuote,
} from './labels.js';
export type { Labels } from './labels.js';
export { fingerprint, fingerprintOfNames } from './fingerprint.js';
export { createAlert, alertProblems, isResolved, alertStatus, mergeAlerts } from './alert.js';
export type { Alert, AlertInput, AlertStatus, CreateAlertOptions } from './alert.js';
export { Matcher, createMatcher, matchLabels, matcherFromApi, matcherToApi } from './matcher.js';
export type { MatchType, ApiMatcher } from './matcher.js';
export { parseMatcher, parseMatchers } from './parse-matchers.js';
export { silenceState } from './silence.js';
export type { Silence, SilenceState } from './silence.js';
export type {
  Notification,
  RouteMatch,
  RouteSettings,
  Recipient,
  IncidentStatus,
  IncidentEvent,
  NotificationIncident,
  IncidentNotification,
} from './notification.js';

export { systemClock, sleepWith } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export type {
  Lifecycle,
  StopOptions,
  PluginContext,
  Source,
  SourceContext,
  EmitResult,
  RejectedAlert,
  Processor,
  ProcessContext,
  Router,
  Dispatcher,
  DispatchContext,
  NotifyReceipt,
  Notifier,
  NotifyOptions,
  DeliveryResult,
  DeliveryFailureReason,
  Responder,
  ResponseRequest,
  ResponseResult,
} from './plugin.js';
export type {
  Store,
  AlertStore,
  SilenceStore,
  NotificationLogStore,
  NotificationLogEntry,
  GroupState,
  GroupStateStore,
  KeyValueStore,
  KeyValueEntry,
  NotificationAttempt,
  NotificationAttemptQuery,
  NotificationAttemptStore,
} from './store.js';
export type {
  EscalationStore,
  EscalationChanges,
  EscalationStep,
  EscalationPage,
  IncidentRecord,
  IncidentAction,
  IncidentTimelineEntry,
  IncidentQuery,
  PageUpdate,
  RotationOverrideRecord,
  StepCompletion,
} from './escalation-store.js';
export { createPipelineEvents } from './events.js';
export type { PipelineEvents, PipelineEventMap } from './events.js';
export { createPipeline } from './pipeline.js';
export type { Pipeline, PipelineOptions, PipelineStats } from './pipeline.js';
export { needsUpdate, RateLimiter } from './delivery.js';
export type { RetryOptions } from './delivery.js';
export { BoundedBatchQueue } from './bounded-queue.js';
export { createStaticRouter, defaultRouteSettings } from './static-router.js';
export { createLogger, redactPaths } from './logger.js';
// Also the default store of a pipeline without one (state is lost on exit), so not only a test kit.
export { createMemoryStore, createMemoryEscalationStore } from './memory-store.js';

export { parseDuration, formatDuration, durationSchema } from './duration.js';
export { substituteEnv } from './env.js';
export { loadConfig, parseConfig, formatPath } from './load-config.js';
export type { LoadConfigOptions, ScalarDecoding } from './load-config.js';
export { createAlertMarker } from './marker.js';
export type { AlertMarker, AlertMark, AlertMarkState } from './marker.js';

export {
  alertmanagerConfigSchema,
  globalConfigSchema,
  routeConfigSchema,
  receiverConfigSchema,
  inhibitRuleConfigSchema,
  alertmanagerIntegrationKeys,
  phoenixIntegrationKeys,
  parseAlertmanagerConfig,
  loadAlertmanagerConfig,
} from './alertmanager-config.js';
export type {
  AlertmanagerConfig,
  GlobalConfig,
  RouteConfig,
  ReceiverConfig,
  NotifierConfig,
  IntegrationKey,
  InhibitRuleConfig,
  ParseAlertmanagerConfigOptions,
} from './alertmanager-config.js';
export {
  timeIntervalConfigSchema,
  muteTimeIntervalConfigSchema,
  timeIntervalSpecSchema,
  isValidTimeZone,
} from './alertmanager-config-time-intervals.js';
export type {
  TimeIntervalConfig,
  TimeIntervalSpec,
  TimeRange,
  InclusiveRange,
} from './alertmanager-config-time-intervals.js';
export {
  yamlBoolean,
  yamlInt,
  yamlNumber,
  yamlString,
  yamlOptional,
  resolveYamlNumber,
} from './yaml-schemas.js';
export type { YamlNumber } from './yaml-schemas.js';
export { alertmanagerScalarDecoding, phoenixSectionKeys } from './alertmanager-config.js';
export type { Logger } from 'pino';
export { compileGoRegexp } from './go-regexp.js';
export { parseOptions, parseConfigEntry } from './parse-options.js';
export {
  parseRetryAfter,
  scrubSecrets,
  bodyExcerpt,
  deliveryFailure,
  failureFromHttpStatus,
  describeRequestError,
  readResponseText,
} from './delivery-result.js';
export type { DeliveryFailure } from './delivery-result.js';
export {
  httpConfigSchema,
  httpUrlSchema,
  tlsConfigSchema,
  tlsVersions,
  resolveConfigFile,
  RequestSetupError,
  tlsFiles,
  checkTlsMaterial,
  readTlsMaterial,
  rereadTlsMaterial,
  tlsConnectionOptions,
  httpConfigSecrets,
  urlSecrets,
  readHttpAuthorization,
} from './http-config.js';
export type { HttpClientConfig, TlsConfig, TlsVersionName, TlsMaterial } from './http-config.js';
export { createAttemptDeadline, runLoggedAttempt } from './notifier-attempt.js';
export type { AttemptDeadline } from './notifier-attempt.js';
