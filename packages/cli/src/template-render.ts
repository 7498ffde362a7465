// `phoenix-alerting template render`: amtool's `template render` (the same flags, the same
// example data when none is given) plus Phoenix's shorter `--template T --data JSON`.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import {
  TemplateError,
  alertmanagerTemplateDataFromJSON,
  loadAlertmanagerTemplates,
} from '@phoenix-alerting/template';
import type { AlertmanagerTemplateData } from '@phoenix-alerting/template';
import { CliError, PROGRAM, usageError } from './io.js';
import type { CommandIo, ExitCode } from './io.js';
import { expandTemplateGlobs } from './template-files.js';

const COMMAND = 'template render';

export const templateRenderHelp = `Usage: ${PROGRAM} template render --template TEXT [--data JSON|FILE] [options]

Renders a template with Alertmanager's notification data, as 'amtool template render'
does: Alertmanager 0.25's default templates (default.tmpl, email.tmpl) are loaded
first, then the files --template.glob matches, then TEXT is executed as a new template,
so '{{ template "slack.default.title" . }}' renders a default. The result is written
to stdout as it is, without a newline added.

Options:
  --template TEXT, --template.text TEXT
                          The template to render
  --data JSON|FILE, --template.data FILE
                          Alertmanager's template data (its webhook JSON: receiver,
                          status, alerts, groupLabels, commonLabels, commonAnnotations,
                          externalURL), inline or in a file. Without it, amtool's
                          example data is used (two alerts, ending now)
  --template.glob GLOB    Template files to load (repeatable; Go glob syntax,
                          relative to the current directory)
  --type text|html, --template.type text|html
                          html escapes output as Alertmanager's HTML fields do
                          (default text)
  -h, --help              Show this help

Exit status: 0 on success, 1 when a template or the data is invalid, 2 when the
command line is wrong.
`;

const options = {
  help: { type: 'boolean', short: 'h' },
  template: { type: 'string' },
  'template.text': { type: 'string' },
  data: { type: 'string' },
  'template.data': { type: 'string' },
  'template.glob': { type: 'string', multiple: true },
  type: { type: 'string' },
  'template.type': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** Where the command reads time for amtool's example data; tests pass a fixed clock. */
export interface TemplateRenderIo extends CommandIo {
  /** Milliseconds since the epoch; defaults to Date.now. */
  now?: () => number;
}

/** Runs `template render` with `args` (after the command words). Errors are thrown as CliError. */
export async function templateRenderCommand(
  args: readonly string[],
  io: TemplateRenderIo,
): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: false, strict: true });
  } catch (error) {
    throw usageError((error as Error).message, COMMAND);
  }
  const { values } = parsed;
  if (values.help) {
    io.stdout.write(templateRenderHelp);
    return 0;
  }
  const text = single(values.template, values['template.text'], '--template (or --template.text)');
  if (text === undefined) throw usageError('--template TEXT is required', COMMAND);
  const type =
    single(values.type, values['template.type'], '--type (or --template.type)') ?? 'text';
  if (type !== 'text' && type !== 'html') {
    throw usageError(`--type must be text or html, not ${JSON.stringify(type)}`, COMMAND);
  }
  const dataSource = single(values.data, values['template.data'], '--data (or --template.data)');
  try {
    const data =
      dataSource === undefined
        ? exampleData((io.now ?? Date.now)())
        : readData(dataSource, values['template.data'] !== undefined);
    const files = expandTemplateGlobs(values['template.glob'] ?? [], '-');
    const templates = loadAlertmanagerTemplates({ files });
    io.stdout.write(type === 'html' ? templates.html(text, data) : templates.text(text, data));
    return 0;
  } catch (error) {
    if (TemplateError.isInstance(error)) throw new CliError(error.message);
    throw error;
  }
}

function single(a: string | undefined, b: string | undefined, what: string): string | undefined {
  if (a !== undefined && b !== undefined && a !== b) throw usageError(`give ${what} once`, COMMAND);
  return a ?? b;
}

function readData(source: string, isFile: boolean): AlertmanagerTemplateData {
  const inline = !isFile && /^\s*[{[]/.test(source);
  let json: string;
  if (inline) json = source;
  else {
    try {
      json = readFileSync(source, 'utf8');
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'no such file or directory'
          : (error as Error).message;
      throw new CliError(`open ${source}: ${reason}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new CliError(`${inline ? '--data' : source}: invalid JSON: ${(error as Error).message}`);
  }
  return alertmanagerTemplateDataFromJSON(value);
}

/** amtool's example data (cli/template_render.go), with alerts that started 5 and 10 minutes ago and end now. */
function exampleData(now: number): AlertmanagerTemplateData {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return alertmanagerTemplateDataFromJSON({
    receiver: 'receiver',
    status: 'alertstatus',
    alerts: [
      {
        status: 'alertstatus',
        labels: {
          label1: 'value1',
          label2: 'value2',
          instance: 'foo.bar:1234',
          commonlabelkey1: 'commonlabelvalue1',
          commonlabelkey2: 'commonlabelvalue2',
        },
        annotations: {
          annotation1: 'value1',
          annotation2: 'value2',
          commonannotationkey1: 'commonannotationvalue1',
          commonannotationkey2: 'commonannotationvalue2',
        },
        startsAt: iso(now - 5 * 60_000),
        endsAt: iso(now),
        generatorURL: 'https://generatorurl.com',
        fingerprint: 'fingerprint1',
      },
      {
        status: 'alertstatus',
        labels: {
          foo: 'bar',
          baz: 'qux',
          commonlabelkey1: 'commonlabelvalue1',
          commonlabelkey2: 'commonlabelvalue2',
        },
        annotations: {
          aaa: 'bbb',
          ccc: 'ddd',
          commonannotationkey1: 'commonannotationvalue1',
          commonannotationkey2: 'commonannotationvalue2',
        },
        startsAt: iso(now - 10 * 60_000),
        endsAt: iso(now),
        generatorURL: 'https://generatorurl.com',
        fingerprint: 'fingerprint2',
      },
    ],
    groupLabels: { grouplabelkey1: 'grouplabelvalue1', grouplabelkey2: 'grouplabelvalue2' },
    commonLabels: { commonlabelkey1: 'commonlabelvalue1', commonlabelkey2: 'commonlabelvalue2' },
    commonAnnotations: {
      commonannotationkey1: 'commonannotationvalue1',
      commonannotationkey2: 'commonannotationvalue2',
    },
    externalURL: 'https://example.com',
  });
}
