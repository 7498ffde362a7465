const marker = Symbol.for('phoenix-alerting.error');

/** Stable machine-readable error codes. */
export type PhoenixErrorCode =
  | 'ERR_CONFIG_INVALID'
  | 'ERR_LABELS_INVALID'
  | 'ERR_ALERT_INVALID'
  | 'ERR_MATCHER_INVALID'
  | 'ERR_DURATION_INVALID'
  | 'ERR_ENV_MISSING'
  | 'ERR_PIPELINE_STOPPED'
  | 'ERR_PLUGIN_FAILED'
  | 'ERR_STORE'
  | 'ERR_NOT_FOUND'
  | 'ERR_SILENCE_INVALID'
  | 'ERR_SILENCE_EXPIRED'
  | 'ERR_LISTEN_FAILED'
  | 'ERR_DELIVERY'
  | 'ERR_INCIDENT_STATE'
  | 'ERR_AUTH'
  | 'ERR_TEMPLATE';

/**
 * Root of every error Phoenix throws. Marked with a global symbol so `isInstance` works across
 * duplicate copies of the package in one process.
 */
export class PhoenixError extends Error {
  readonly [marker] = true;
  readonly code: PhoenixErrorCode;

  constructor(code: PhoenixErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PhoenixError';
    this.code = code;
  }

  static isInstance(error: unknown): error is PhoenixError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}

/** One problem found in a configuration: where it is and what was expected. */
export interface ConfigIssue {
  /** The file the problem is in, when the configuration came from a file. */
  file?: string;
  /** YAML path in dotted/bracket form, e.g. `route.routes[2].group_wait`; empty for the root. */
  path: string;
  /** What is wrong and what was expected. */
  message: string;
}

/** Formats one issue as `file: path: message`, leaving out the parts that are absent. */
export function formatConfigIssue(issue: ConfigIssue): string {
  return [issue.file, issue.path, issue.message].filter((part) => part).join(': ');
}

/** Invalid configuration. `issues` lists every problem found, not only the first. */
export class ConfigError extends PhoenixError {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], options?: { cause?: unknown; subject?: string }) {
    const head = options?.subject ? `invalid ${options.subject}` : 'invalid configuration';
    const lines = issues.map((issue) => `  - ${formatConfigIssue(issue)}`);
    super('ERR_CONFIG_INVALID', `${head}:\n${lines.join('\n')}`, options);
    this.name = 'ConfigError';
    this.issues = issues;
  }

  static override isInstance(error: unknown): error is ConfigError {
    return PhoenixError.isInstance(error) && error.code === 'ERR_CONFIG_INVALID';
  }
}
