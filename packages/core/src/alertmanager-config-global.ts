// Alertmanager 0.25's `global` section (GlobalConfig in config/config.go): its keys, its defaults
// and its checks, each reported with its YAML path.
import { z } from 'zod';
import { nullAsAbsent } from './alertmanager-config-time-intervals.js';
import { durationSchema } from './duration.js';
import { yamlBoolean, yamlString } from './yaml-schemas.js';

/**
 * The `global` section with Alertmanager's defaults filled in. Durations are in milliseconds; the
 * `*_file` keys name files holding the secret instead of the secret itself. A key written as
 * `key: ~` gets Go's zero value rather than the default (`smtp_require_tls: ~` is false), as in
 * Alertmanager.
 */
export interface GlobalConfig {
  /** Time after which an alert that stopped being updated is resolved, in ms. Default 5m. */
  resolve_timeout: number;
  /**
   * Default HTTP client settings of the integrations (Prometheus `http_config`):
   * `follow_redirects` and `enable_http2` as booleans (default true), the rest as written, for the
   * notifiers to check.
   */
  http_config: Record<string, unknown>;
  smtp_from?: string;
  /** Default `localhost`. */
  smtp_hello: string;
  /** `host:port`. */
  smtp_smarthost?: string;
  smtp_auth_username?: string;
  smtp_auth_password?: string;
  smtp_auth_password_file?: string;
  smtp_auth_secret?: string;
  smtp_auth_identity?: string;
  /** Default `true`. */
  smtp_require_tls: boolean;
  slack_api_url?: string;
  slack_api_url_file?: string;
  /** Default `https://events.pagerduty.com/v2/enqueue`. */
  pagerduty_url: string;
  opsgenie_api_url: string;
  opsgenie_api_key?: string;
  opsgenie_api_key_file?: string;
  wechat_api_url: string;
  wechat_api_secret?: string;
  wechat_api_corp_id?: string;
  victorops_api_url: string;
  victorops_api_key?: string;
  victorops_api_key_file?: string;
  telegram_api_url: string;
  webex_api_url: string;
}

function issue(context: z.RefinementCtx, message: string, path: PropertyKey[] = []): void {
  context.addIssue({ code: 'custom', message, path });
}

// Alertmanager's URL type: http or https with a host.
const urlSchema = yamlString().superRefine((text, context) => {
  // Never quote the URL: webhook URLs often embed a token.
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase() ?? '';
  if (scheme !== 'http' && scheme !== 'https') {
    issue(context, `unsupported scheme ${JSON.stringify(scheme)} for URL`);
    return;
  }
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined) {
    issue(context, /^[a-z]+:\/*$/i.test(text) ? 'missing host for URL' : 'invalid URL');
  } else if (url.host === '') {
    issue(context, 'missing host for URL');
  }
});

// A secret URL may be `<secret>`, as a configuration read back from the API shows it.
const secretUrlSchema = yamlString().pipe(
  z.union([z.literal('<secret>'), urlSchema as z.ZodType<string, string>]),
);

// `host:port`, as net.SplitHostPort; empty means unset.
const hostPortSchema = yamlString().superRefine((text, context) => {
  if (text === '') return;
  const bracketed = /^\[[^\]]*\](:.*)?$/.exec(text);
  const colon = text.lastIndexOf(':');
  if (bracketed ? bracketed[1] === undefined : colon < 0) {
    issue(context, `address ${text}: missing port in address`);
  } else if (!bracketed && text.indexOf(':') !== colon) {
    issue(context, `address ${text}: too many colons in address`);
  } else if (colon === text.length - 1) {
    issue(context, `address ${JSON.stringify(text)}: port cannot be empty`);
  }
});

const string = () => nullAsAbsent(yamlString());

// A setting whose Go field is not a pointer but has a default: absent keeps the default, while
// YAML null gives the zero value (false, '', 0), as yaml.v2 decodes null into such a field.
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.output<T>) =>
  schema.optional().transform((value) => value ?? fallback);

// Prometheus' HTTPClientConfig, of which only the flags with defaults are decoded here; the
// notifiers that use it validate the rest.
const globalHttpConfigSchema = z.looseObject({
  follow_redirects: yamlBoolean().optional(),
  enable_http2: yamlBoolean().optional(),
});

// Checked even when other settings are invalid, so that one error lists every problem.
const always = { when: () => true };

/** The `global` section, with Alertmanager 0.25's defaults for what is left out. */
export const globalConfigSchema: z.ZodType<GlobalConfig, unknown> = z
  .strictObject({
    resolve_timeout: withDefault(
      z.preprocess((value) => (value === null ? 0 : value), durationSchema),
      5 * 60_000,
    ),
    http_config: nullAsAbsent(globalHttpConfigSchema).transform((value) => ({
      follow_redirects: true,
      enable_http2: true,
      ...value,
    })),
    smtp_from: string(),
    smtp_hello: withDefault(yamlString(), 'localhost'),
    smtp_smarthost: nullAsAbsent(hostPortSchema),
    smtp_auth_username: string(),
    smtp_auth_password: string(),
    smtp_auth_password_file: string(),
    smtp_auth_secret: string(),
    smtp_auth_identity: string(),
    smtp_require_tls: withDefault(yamlBoolean(), true),
    slack_api_url: nullAsAbsent(secretUrlSchema),
    slack_api_url_file: string(),
    pagerduty_url: nullAsAbsent(urlSchema).transform(
      (value) => value ?? 'https://events.pagerduty.com/v2/enqueue',
    ),
    opsgenie_api_url: nullAsAbsent(urlSchema).transform(
      (value) => value ?? 'https://api.opsgenie.com/',
    ),
    opsgenie_api_key: string(),
    opsgenie_api_key_file: string(),
    wechat_api_url: nullAsAbsent(urlSchema).transform(
      (value) => value ?? 'https://qyapi.weixin.qq.com/cgi-bin/',
    ),
    wechat_api_secret: string(),
    wechat_api_corp_id: string(),
    victorops_api_url: nullAsAbsent(urlSchema).transform(
      (value) => value ?? 'https://alert.victorops.com/integrations/generic/20131114/alert/',
    ),
    victorops_api_key: string(),
    victorops_api_key_file: string(),
    telegram_api_url: nullAsAbsent(urlSchema).transform(
      (value) => value ?? 'https://api.telegram.org',
    ),
    webex_api_url: nullAsAbsent(urlSchema).transform(
      (value) => value ?? 'https://webexapis.com/v1/messages',
    ),
  })
  .superRefine((global: Partial<Record<keyof GlobalConfig, unknown>>, context) => {
    if (typeof global !== 'object' || global === null) return;
    const exclusive: [keyof GlobalConfig, keyof GlobalConfig][] = [
      ['slack_api_url', 'slack_api_url_file'],
      ['opsgenie_api_key', 'opsgenie_api_key_file'],
      ['victorops_api_key', 'victorops_api_key_file'],
      ['smtp_auth_password', 'smtp_auth_password_file'],
    ];
    const isSet = (value: unknown) => typeof value === 'string' && value !== '';
    for (const [inline, file] of exclusive) {
      if (isSet(global[inline]) && isSet(global[file])) {
        issue(context, `at most one of ${inline} & ${file} must be configured`, [file]);
      }
    }
  }, always);
