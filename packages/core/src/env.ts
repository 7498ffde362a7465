import { PhoenixError } from './errors.js';

// `$${` first, so that an escaped reference is consumed before it could match as `${NAME}`.
const reference = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The result of expanding `${NAME}` references: the text and every variable that was not set. */
export interface EnvExpansion {
  value: string;
  /** Names of unset variables, in order of first appearance, each once; their `${NAME}` is kept. */
  missing: string[];
}

/**
 * Expands `${NAME}` references like `substituteEnv` but without throwing, so the config loader can
 * report every missing variable at once.
 *
 * @internal
 */
export function expandEnv(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
): EnvExpansion {
  const missing: string[] = [];
  const expanded = value.replace(reference, (match, name: string | undefined) => {
    if (name === undefined) return '${';
    // Own properties only: `${constructor}` must not pick up Object.prototype.constructor.
    const replacement = Object.hasOwn(env, name) ? env[name] : undefined;
    if (typeof replacement === 'string') return replacement;
    if (!missing.includes(name)) missing.push(name);
    return match;
  });
  return { value: expanded, missing };
}

/**
 * Replaces each `${NAME}` in `value` with the variable's value from `env`, in the style of
 * `service_key: "${PAGERDUTY_SERVICE_KEY}"`. `NAME` is `[A-Za-z_][A-Za-z0-9_]*`; anything else
 * that contains a `$` (`{{ $labels.job }}`, the regex `foo$`, `${not-a-name}`) is left as it is,
 * and `$${` writes a literal `${`. A variable set to the empty string counts as set. Substituted
 * values are not expanded again.
 *
 * @throws PhoenixError `ERR_ENV_MISSING` naming every variable that is not set.
 */
export function substituteEnv(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const result = expandEnv(value, env);
  if (result.missing.length > 0)
    throw new PhoenixError('ERR_ENV_MISSING', missingMessage(result.missing));
  return result.value;
}

function missingMessage(names: readonly string[]): string {
  return names.length === 1
    ? `environment variable ${names[0]} is not set`
    : `environment variables ${names.join(', ')} are not set`;
}
