// Alertmanager's `Secret` and `SecretURL` fields marshal as `<secret>`: these are their keys.

export const SECRET_PLACEHOLDER = '<secret>';

/** Keys whose value is a secret wherever they appear. */
const secretKeys = new Set([
  // global
  'smtp_auth_password',
  'smtp_auth_secret',
  'slack_api_url',
  'opsgenie_api_key',
  'victorops_api_key',
  'wechat_api_secret',
  // http_config (Prometheus common)
  'password',
  'credentials',
  'bearer_token',
  'client_secret',
  // receivers
  'auth_password',
  'auth_secret',
  'routing_key',
  'service_key',
  'api_key',
  'api_secret',
  'user_key',
  'token',
  'bot_token',
  'secret_key',
  'webhook_url',
  // Phoenix: Twilio, the pagerduty and slack sections
  'auth_token',
  'api_token',
]);

/**
 * Keys that are secret only inside one integration. Alertmanager 0.25 shows a webhook's `url` but
 * hides Slack's `api_url`.
 */
const secretKeysIn: Record<string, ReadonlySet<string>> = {
  api_url: new Set(['slack_configs']),
};

/**
 * A copy of `value` with every secret (a non-empty string under a secret key) replaced by
 * `<secret>`. `context` names the enclosing section or integration, e.g. `slack_configs`.
 */
export function maskValue(value: unknown, context = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => maskValue(item, context));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const secret = secretKeys.has(key) || secretKeysIn[key]?.has(context) === true;
    if (secret && typeof item === 'string' && item !== '') out[key] = SECRET_PLACEHOLDER;
    else if (secret && (typeof item === 'number' || typeof item === 'boolean'))
      out[key] = SECRET_PLACEHOLDER;
    else out[key] = maskValue(item, key.endsWith('_configs') ? key : context);
  }
  return out;
}
