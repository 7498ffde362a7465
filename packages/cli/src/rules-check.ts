import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, formatConfigIssue } from '@phoenix-alerting/core';
import { parseRuleFile } from '@phoenix-alerting/source-prometheus';
import { PROGRAM, usageError } from './io.js';
import type { CommandIo, ExitCode } from './io.js';

/** `--help` of `rules check`. */
export const rulesCheckHelp = `Usage: ${PROGRAM} rules check FILE...

Validates Prometheus rule files (also Loki's and Tempo's, which share the format)
as \`promtool check rules\` does: group names, alert/record, expr, durations (for,
keep_firing_for, interval), label and annotation names, and that every label and
annotation template parses. Prints \`Checking FILE\` and \`SUCCESS: N rules found\`
for each file, or \`FAILED:\` and every problem on stderr as FILE: YAML-PATH: MESSAGE
(line L, column C). Recording rules are valid but Phoenix does not evaluate them:
each gets a warning. Every file is checked even after a failure.

Options:
  -h, --help    Show this help

Exit status: 0 when every file is valid, 1 when one is not, 2 for a wrong command line.
`;

/** `rules check FILE…`: promtool's `check rules`. Returns 1 when any file failed. */
export async function rulesCheckCommand(args: readonly string[], io: CommandIo): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError((error as Error).message, 'rules check');
  }
  if (parsed.values.help) {
    io.stdout.write(rulesCheckHelp);
    return 0;
  }
  const files = parsed.positionals;
  if (files.length === 0)
    throw usageError('rules check needs at least one rule FILE', 'rules check');
  let failed = 0;
  for (const file of files) {
    io.stdout.write(`Checking ${file}\n`);
    let problems: string[];
    try {
      const { groups, warnings } = parseRuleFile(readFileSync(file, 'utf8'), file);
      const count = groups.reduce((sum, group) => sum + group.rules.length, 0);
      io.stdout.write(`  SUCCESS: ${count} rules found\n`);
      for (const warning of warnings) io.stdout.write(`  WARNING: ${warning}\n`);
      io.stdout.write('\n');
      continue;
    } catch (error) {
      if (ConfigError.isInstance(error))
        problems = error.issues.map((issue) => formatConfigIssue({ ...issue, file }));
      else if ((error as NodeJS.ErrnoException).code !== undefined)
        problems = [`${file}: cannot read: ${(error as Error).message}`];
      else throw error;
    }
    failed++;
    io.stderr.write('  FAILED:\n');
    for (const problem of problems) io.stderr.write(`${problem}\n`);
    io.stdout.write('\n');
  }
  if (failed > 0) {
    io.stderr.write(
      `${PROGRAM}: error: ${failed} of ${files.length} rule file(s) failed the check\n`,
    );
    return 1;
  }
  return 0;
}
