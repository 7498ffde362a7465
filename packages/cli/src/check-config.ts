import { readFileSync } from 'node:fs';
import {
  ConfigError,
  PhoenixError,
  formatConfigIssue,
  loadAlertmanagerConfig,
  parseAlertmanagerConfig,
} from '@phoenix-alerting/core';
import type { AlertmanagerConfig } from '@phoenix-alerting/core';
import { createRouter } from '@phoenix-alerting/router';
import { buildSources } from '@phoenix-alerting/server';
import { PROGRAM } from './io.js';
import { expandTemplateGlobs } from './template-files.js';
import type { CommandIo, ExitCode } from './io.js';

/** Options of {@link checkConfig}. */
export interface CheckConfigOptions {
  /** Variables for `${NAME}` substitution. Defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads standard input, for the file `-`. Defaults to reading file descriptor 0. */
  readStdin?: () => string;
}

/**
 * `check-config FILE…`: validates each file and prints amtool's summary for it; a file that
 * fails gets `FAILED` and every problem on stderr as `FILE: YAML-PATH: MESSAGE`. All files are
 * checked even after a failure. Returns 1 when any failed.
 */
export function checkConfig(
  files: readonly string[],
  io: CommandIo,
  options: CheckConfigOptions = {},
): ExitCode {
  let failed = 0;
  for (const file of files) {
    io.stdout.write(`Checking '${file}'`);
    let config: AlertmanagerConfig;
    try {
      config = load(file, options);
      // The router compiles the tree: a file it cannot serve is not valid.
      createRouter(config.route);
      // `rule_files` and `sources` as the server builds them: the same function, the same errors.
      buildSources(
        config,
        file === '-' ? { file: '<stdin>', baseDirectory: process.cwd() } : { file },
      );
    } catch (error) {
      failed++;
      const problems = describeFailure(error, file);
      io.stdout.write(`  FAILED: ${plural(problems.length, 'problem')}\n`);
      for (const problem of problems) io.stderr.write(`${problem}\n`);
      io.stdout.write('\n');
      continue;
    }
    io.stdout.write(`  SUCCESS\n${summary(config)}`);
    if (config.templates.length > 0 && !checkTemplates(config.templates, file, io)) failed++;
    io.stdout.write('\n');
  }
  if (failed > 0) {
    io.stderr.write(`${PROGRAM}: error: failed to validate ${failed} file(s)\n`);
    return 1;
  }
  return 0;
}

function load(file: string, options: CheckConfigOptions): AlertmanagerConfig {
  const env = options.env === undefined ? {} : { env: options.env };
  if (file === '-') {
    const text = (options.readStdin ?? (() => readFileSync(0, 'utf8')))();
    return parseAlertmanagerConfig(text, { file: '<stdin>', ...env });
  }
  return loadAlertmanagerConfig(file, env);
}

function describeFailure(error: unknown, file: string): string[] {
  if (ConfigError.isInstance(error)) {
    return error.issues.map((issue) => formatConfigIssue({ file, ...issue }));
  }
  if (PhoenixError.isInstance(error)) return [`${file}: ${error.message}`];
  throw error;
}

/**
 * amtool 0.25's lines (`global config`, `route`, counts of inhibit rules, receivers and
 * templates), then Phoenix's own sections when the file has them, so that an alertmanager.yml
 * prints exactly what amtool prints. Templates are counted, not yet compiled.
 */
function summary(config: AlertmanagerConfig): string {
  const lines = [
    'Found:',
    ' - global config',
    ' - route',
    ` - ${config.inhibit_rules.length} inhibit rules`,
    ` - ${config.receivers.length} receivers`,
    ` - ${config.templates.length} templates`,
  ];
  const phoenix: [number | undefined, string][] = [
    [config.rule_files?.length, 'rule files'],
    [config.sources?.length, 'sources'],
    [size(config.severities), 'severities'],
    [size(config.escalation_policies), 'escalation policies'],
    [size(config.oncall_rotations), 'on-call rotations'],
    [size(config.teams), 'teams'],
    [size(config.responses), 'responses'],
  ];
  for (const [count, what] of phoenix) {
    if (count !== undefined) lines.push(` - ${count} ${what}`);
  }
  if (config.storage !== undefined) lines.push(' - storage config');
  return `${lines.join('\n')}\n`;
}

/**
 * amtool's line after the template count. The files the globs match (relative to the config
 * file, as Alertmanager resolves them) must be readable; their syntax is checked once
 * @phoenix-alerting/template exists, and the line says so when there were files to check.
 */
function checkTemplates(globs: readonly string[], file: string, io: CommandIo): boolean {
  const files = expandTemplateGlobs(globs, file);
  for (const template of files) {
    try {
      readFileSync(template, 'utf8');
    } catch (error) {
      io.stdout.write(`  FAILED: ${(error as Error).message}\n`);
      io.stderr.write(`${file}: templates: cannot read ${template}: ${(error as Error).message}\n`);
      return false;
    }
  }
  const note =
    files.length === 0 ? '' : ` (${plural(files.length, 'file')} read; syntax not checked yet)`;
  io.stdout.write(`  SUCCESS${note}\n`);
  return true;
}

function size(section: Record<string, unknown> | undefined): number | undefined {
  return section === undefined ? undefined : Object.keys(section).length;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
