import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from './io.js';
import { templateRenderCommand, templateRenderHelp } from './template-render.js';

function capture() {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      now: () => Date.UTC(2024, 0, 1, 12, 0, 0),
    },
    out: () => stdout,
    err: () => stderr,
  };
}

async function failure(args: readonly string[]): Promise<CliError> {
  const { io } = capture();
  try {
    await templateRenderCommand(args, io);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error('expected a CliError');
}

const payload = {
  receiver: 'team-x',
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'HighLatency', instance: 'api-1:9090' },
      annotations: { description: 'above 500ms <check> & "fix" + retry' },
      startsAt: '2026-11-26T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL:
        'http://prometheus.example.com/graph?g0.expr=histogram_quantile%280.99%29+%3E+0.5&g0.tab=1',
      fingerprint: '1a2b3c4d5e6f7a8b',
    },
  ],
  groupLabels: { alertname: 'HighLatency' },
  commonLabels: { alertname: 'HighLatency', instance: 'api-1:9090' },
  commonAnnotations: {},
  externalURL: 'http://am:9093',
};

describe('template render', () => {
  it("renders a default template with amtool's example data when no data is given", async () => {
    const { io, out } = capture();
    const code = await templateRenderCommand(
      ['--template.text', '{{ template "slack.default.title" . }}'],
      io,
    );
    expect(code).toBe(0);
    // The same as `amtool template render --template.glob=/dev/null --template.text=…` prints.
    expect(out()).toBe('[ALERTSTATUS] grouplabelvalue1 grouplabelvalue2 ');
  });

  it('prints the example data the way amtool does', async () => {
    const { io, out } = capture();
    await templateRenderCommand(
      [
        '--template',
        '{{ len .Alerts }} {{ range .Alerts }}{{ .Labels.instance }} {{ end }}{{ .CommonLabels.SortedPairs.Names }} {{ (index .Alerts 0).EndsAt }}',
      ],
      io,
    );
    expect(out()).toBe(
      '2 foo.bar:1234  [commonlabelkey1 commonlabelkey2] 2024-01-01 12:00:00 +0000 UTC',
    );
  });

  it('takes inline JSON data and html type (output as amtool renders it)', async () => {
    const { io, out } = capture();
    const template =
      '<a href="{{ (index .Alerts 0).GeneratorURL }}">{{ .CommonLabels.alertname }} & {{ (index .Alerts 0).Annotations.description }}</a>';
    await templateRenderCommand(
      ['--template', template, '--data', JSON.stringify(payload), '--type', 'html'],
      io,
    );
    expect(out()).toBe(
      '<a href="http://prometheus.example.com/graph?g0.expr=histogram_quantile%280.99%29&#43;%3E&#43;0.5&amp;g0.tab=1">' +
        'HighLatency & above 500ms &lt;check&gt; &amp; &#34;fix&#34; &#43; retry</a>',
    );
  });

  it('reads --template.data files and --template.glob templates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'template-render-'));
    writeFileSync(join(dir, 'data.json'), JSON.stringify(payload));
    writeFileSync(
      join(dir, 'my.tmpl'),
      '{{ define "my.title" }}{{ .CommonLabels.alertname }}/{{ .Receiver }}{{ end }}',
    );
    const { io, out } = capture();
    const args = [
      '--template.glob',
      join(dir, '*.tmpl'),
      '--template.data',
      join(dir, 'data.json'),
    ];
    await templateRenderCommand(
      [
        ...args,
        '--template.text',
        '{{ template "my.title" . }} {{ template "slack.default.title" . }}',
      ],
      io,
    );
    expect(out()).toBe('HighLatency/team-x [FIRING:1] HighLatency (api-1:9090)');
  });

  it("reports template errors in Go's words (as amtool does)", async () => {
    expect((await failure(['--template', '{{ .Nope.X }}'])).message).toBe(
      'template: :1:8: executing "" at <.Nope.X>: can\'t evaluate field Nope in type template.Data',
    );
    expect((await failure(['--template', '{{ .X '])).message).toBe('template: :1: unclosed action');
  });

  it('reports bad data and missing files', async () => {
    expect(
      (await failure(['--template', 'x', '--template.data', '/nonexistent/d.json'])).message,
    ).toBe('open /nonexistent/d.json: no such file or directory');
    expect((await failure(['--template', 'x', '--data', '{"alerts": 1}'])).message).toBe(
      'invalid template data: alerts: expected an array',
    );
    expect((await failure(['--template', 'x', '--data', '{bad'])).message).toContain(
      '--data: invalid JSON',
    );
  });

  it('rejects a wrong command line with exit status 2', async () => {
    const missing = await failure([]);
    expect([missing.message, missing.exitCode, missing.usageOf]).toEqual([
      '--template TEXT is required',
      2,
      'template render',
    ]);
    expect((await failure(['--template', 'x', '--type', 'pdf'])).exitCode).toBe(2);
    expect((await failure(['--bogus'])).exitCode).toBe(2);
    expect((await failure(['--template', 'a', '--template.text', 'b'])).message).toBe(
      'give --template (or --template.text) once',
    );
  });

  it('prints its help', async () => {
    const { io, out } = capture();
    expect(await templateRenderCommand(['--help'], io)).toBe(0);
    expect(out()).toBe(templateRenderHelp);
    expect(templateRenderHelp).toContain('--template.glob');
  });
});
