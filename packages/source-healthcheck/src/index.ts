export { createHealthCheckSource } from './healthcheck-source.js';
export type { HealthCheckSource, CheckStatus } from './healthcheck-source.js';
export { healthCheckSourceOptionsSchema } from './options.js';
export type {
  HealthCheckSourceOptions,
  HealthCheckConfig,
  HttpCheckConfig,
  TcpCheckConfig,
  CommandCheckConfig,
  FunctionCheckConfig,
  ScoreCheckConfig,
  HttpRequestConfig,
  TlsConfig,
  CheckFunction,
  FunctionCheckResult,
  ScoreFunction,
} from './options.js';
export type { CheckResult } from './check-result.js';
export { healthCheckSourceConfigSchema } from './config-schema.js';
export type { HealthCheckSourceConfig } from './config-schema.js';
