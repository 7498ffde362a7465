import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { ConfigError, parseAlertmanagerConfig } from '@phoenix-alerting/core';
import type { AlertmanagerConfig } from '@phoenix-alerting/core';
import { alertmanagerOriginal } from './config-original.js';
import { parseServerSettings } from './settings.js';
import type { ServerSettings } from './settings.js';

/** Where the configuration comes from: a file (re-read on reload) or a fixed text. */
export interface ConfigSource {
  configFile?: string;
  configText?: string;
  /** Variables for `${NAME}` substitution. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A configuration, validated, with what the API shows of it. */
export interface LoadedConfig {
  config: AlertmanagerConfig;
  settings: ServerSettings;
  /**
   * `config.original` of `GET /api/v2/status`: the configuration as Alertmanager marshals it,
   * secrets masked.
   */
  original: string;
  /** `alertmanager_config_hash`: the first 6 bytes of the file's SHA-256, as a number. */
  hash: number;
  /** The file it came from, if any. */
  file: string | undefined;
}

/**
 * Reads and validates the whole configuration: Alertmanager's sections (core), then the `server:`
 * section (this package).
 *
 * @throws ConfigError naming the file, the YAML path and the problem.
 */
export function loadServerConfig(source: ConfigSource): LoadedConfig {
  const file = source.configFile;
  let text = source.configText;
  if (text === undefined) {
    if (file === undefined)
      throw new ConfigError([{ path: '', message: 'either configFile or configText is required' }]);
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError([{ file, path: '', message: `cannot read: ${reason}` }], {
        cause: error,
      });
    }
  }
  const config = parseAlertmanagerConfig(text, { file, env: source.env });
  const settings = parseServerSettings(text, { file, env: source.env });
  if (file !== undefined) {
    // As Alertmanager shows them: relative template paths resolved against the file's directory.
    const directory = dirname(file);
    config.templates = config.templates.map((template) =>
      template === '' || isAbsolute(template) ? template : join(directory, template),
    );
  }
  const hash = createHash('sha256').update(text).digest().readUIntBE(0, 6);
  return { config, settings, original: alertmanagerOriginal(config, text), hash, file };
}
