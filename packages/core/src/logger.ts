import { pino } from 'pino';
import type { Logger, LoggerOptions } from 'pino';

/**
 * Paths pino blanks out in every Phoenix log line. Secrets in config (`api_key`, `password`,
 * `service_key`, `routing_key`, bearer tokens, auth headers, webhook URLs that embed tokens) never
 * reach a log.
 */
export const redactPaths: readonly string[] = [
  '*.password',
  '*.auth_password',
  '*.api_key',
  '*.api_token',
  '*.api_url',
  '*.token',
  '*.auth_token',
  '*.service_key',
  '*.routing_key',
  '*.webhook_url',
  '*.credentials',
  '*.authorization',
  '*.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.bearer_token',
  '*.secret',
];

/** A pino logger with Phoenix's redaction rules; extra options are passed through. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    name: 'phoenix-alerting',
    level: process.env.PHOENIX_LOG_LEVEL ?? 'info',
    ...options,
    redact: { paths: [...redactPaths], censor: '[REDACTED]' },
  });
}
