import { escalationSimulateHelp } from './escalation-simulate.js';
import { incidentHelp } from './incident.js';
import { PROGRAM } from './io.js';
import { oncallHelp } from './oncall.js';
import { rulesCheckHelp } from './rules-check.js';
import { templateRenderHelp } from './template-render.js';

/** `--help` texts, keyed by command path. */
export const helpTexts = {
  main: `Usage: ${PROGRAM} <command> [options]

Phoenix Alerting on the command line: run the reference server, check configuration
files and test the routing tree. Output follows amtool's, so scripts written for
amtool keep working.

Commands:
  serve --config FILE    Run the reference server (Alertmanager API v2)
  check-config FILE...   Validate Alertmanager/Phoenix configuration files
  routes show            Print the routing tree (the default for 'routes')
  routes test LABELS...  Print the receivers an alert with these labels goes to
  rules check FILE...    Validate Prometheus rule files, as 'promtool check rules'
  template render        Render a template against alert data, as 'amtool template render'
  oncall who             Print who is on call now (or --at a time) for each rotation
  oncall schedule        Print a rotation's shifts over a time range
  escalation simulate    Print who would be paged, when and on which channels
  incident list|show|ack|resolve
                         Work with the incidents of a running server

Options:
  -h, --help             Show help for a command: ${PROGRAM} <command> --help
  -V, --version          Print the version

Exit status: 0 on success, 1 when a check fails or an input is invalid,
2 when the command line is wrong.
`,

  serve: `Usage: ${PROGRAM} serve --config FILE [--listen HOST:PORT] [--data DIR]

Runs the reference server: the Alertmanager API v2 under /api/v2, /-/healthy,
/-/ready, /-/reload and /metrics, with state in SQLite under --data.

Options:
  --config FILE         The configuration (an alertmanager.yml loads unchanged)
  --listen HOST:PORT    Where to listen (default 127.0.0.1:9093; :9093 for every interface)
  --data DIR            Where the SQLite store lives (default ./data; :memory: for none)

SIGHUP or POST /-/reload reloads the configuration (a bad one is rejected and the
old one keeps running); SIGTERM or SIGINT drains and exits 0.
`,

  'check-config': `Usage: ${PROGRAM} check-config FILE...

Validates each configuration file (Alertmanager's alertmanager.yml, or a Phoenix
config, which adds its own sections to it) and prints a summary per file, as
'amtool check-config' does:

  Checking 'alertmanager.yml'  SUCCESS
  Found:
   - global config
   - route
   - 0 inhibit rules
   - 4 receivers
   - 0 templates

Every problem of an invalid file is written to stderr as FILE: YAML-PATH: MESSAGE
(line N, column M). Use '-' for standard input.

Exit status: 0 when every file is valid, 1 otherwise.

Options:
  -h, --help   Show this help
`,

  routes: `Usage: ${PROGRAM} routes [show|test] --config FILE ...

Prints (show, the default) or tests (test) the routing tree of a configuration,
as 'amtool config routes' does.

Commands:
  routes show --config FILE
  routes test --config FILE [--tree] [--verify.receivers=R1,R2] [NAME=VALUE...]

Run '${PROGRAM} routes show --help' or '${PROGRAM} routes test --help' for details.
`,

  'routes show': `Usage: ${PROGRAM} routes show --config FILE

Prints the routing tree as an ASCII tree, exactly as 'amtool config routes show':
each route's matchers (or 'default-route'), 'continue: true' where set, and its
receiver after inheritance.

Options:
  -c, --config FILE   The configuration file (also --config.file, as amtool)
  -h, --help          Show this help

Example:
  ${PROGRAM} routes show --config alertmanager.yml
`,

  'routes test': `Usage: ${PROGRAM} routes test --config FILE [--tree] [--verify.receivers=R1,R2] [NAME=VALUE...]

Prints the receivers an alert with the given labels is routed to, comma-separated
on one line in match order (a receiver reached by two routes is listed twice),
exactly as 'amtool config routes test'. With no labels, the empty label set is
routed. Labels are NAME=VALUE or, as in amtool, NAME="VALUE" with \\" and \\\\
escapes; only '=' is allowed.

Options:
  -c, --config FILE              The configuration file (also --config.file)
      --tree                     Print the matching routes as a tree first
      --verify.receivers=R1,R2   Exit 1 with a warning unless the receivers are
                                 exactly R1,R2 (same order)
  -h, --help                     Show this help

Examples:
  ${PROGRAM} routes test --config alertmanager.yml severity=critical team=db
  ${PROGRAM} routes test --config alertmanager.yml --verify.receivers=team-db-pager service=database
`,
  rules: `Usage: ${PROGRAM} rules check FILE...

Commands:
  check FILE...   Validate Prometheus rule files, as 'promtool check rules' does
`,
  'rules check': rulesCheckHelp,
  template: `Usage: ${PROGRAM} template render [options]

Commands:
  render          Render a template against alert data, as 'amtool template render' does
`,
  'template render': templateRenderHelp,
  escalation: `Usage: ${PROGRAM} escalation simulate --config FILE --labels 'k=v,...' [options]

Commands:
  simulate        Dry-run the escalation engine for an alert with these labels
`,
  'escalation simulate': escalationSimulateHelp,
  ...oncallHelp,
  incident: incidentHelp,
} as const;

export type HelpTopic = keyof typeof helpTexts;
