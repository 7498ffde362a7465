import { buildAlert, buildNotification } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  TemplateError,
  alertmanagerTemplateData,
  alertmanagerTemplateDataFromJSON,
  loadAlertmanagerTemplates,
} from './index.js';

const now = Date.UTC(2024, 0, 1, 12);

function notification() {
  return buildNotification(
    [
      buildAlert({
        labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'page' },
        annotations: { summary: 'disk 95%' },
        startsAt: now - 60_000,
        generatorURL: 'http://prom/graph',
        now,
      }),
      buildAlert({
        labels: { alertname: 'DiskFull', instance: 'db-2', severity: 'page' },
        annotations: { summary: 'disk 91%' },
        startsAt: now - 120_000,
        endsAt: now - 1000,
        now,
      }),
    ],
    { receiver: 'ops.team', groupLabels: { alertname: 'DiskFull' }, timestamp: now },
  );
}

describe('alertmanagerTemplateData', () => {
  it("builds Alertmanager's Data: status per alert at flush time, common labels and annotations", () => {
    const data = alertmanagerTemplateData(notification(), { externalURL: 'http://am:9093' });
    expect(data.Receiver).toBe('ops\\.team');
    expect(data.Status).toBe('firing');
    expect(data.Alerts.map((alert) => alert.Status)).toEqual(['firing', 'resolved']);
    expect(Object.fromEntries(data.CommonLabels.entries)).toEqual({
      alertname: 'DiskFull',
      severity: 'page',
    });
    expect(data.CommonAnnotations.entries.size).toBe(0);
    expect(data.ExternalURL).toBe('http://am:9093');
  });

  it('renders the default Slack title and alert list for a notification', () => {
    const templates = loadAlertmanagerTemplates({ externalURL: 'http://am:9093' });
    const data = templates.data(notification());
    expect(templates.text('{{ template "slack.default.titlelink" . }}', data)).toBe(
      'http://am:9093/#/alerts?receiver=ops%5C.team',
    );
    expect(templates.text('{{ template "slack.default.title" . }}', data)).toBe(
      '[FIRING:1] DiskFull (page)',
    );
    expect(
      templates.text(
        '{{ range .Alerts }}{{ .Labels.instance }} {{ .StartsAt }} {{ .EndsAt }}\n{{ end }}',
        data,
      ),
    ).toBe(
      'db-1 2024-01-01 11:59:00 +0000 UTC 0001-01-01 00:00:00 +0000 UTC\n' +
        'db-2 2024-01-01 11:58:00 +0000 UTC 2024-01-01 11:59:59 +0000 UTC\n',
    );
    expect(templates.text('', data)).toBe('');
  });

  it('escapes action output in html mode but not safeHtml', () => {
    const templates = loadAlertmanagerTemplates();
    const data = alertmanagerTemplateDataFromJSON({ commonLabels: { a: '<b>&"' } });
    expect(templates.html('<p>{{ .CommonLabels.a }}</p>{{ "<i>" | safeHtml }}', data)).toBe(
      '<p>&lt;b&gt;&amp;&#34;</p><i>',
    );
    expect(templates.text('{{ .CommonLabels.a }}', data)).toBe('<b>&"');
  });

  it('loads user template files after the defaults, so they can override them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'am-templates-'));
    const file = join(dir, 'custom.tmpl');
    writeFileSync(file, '{{ define "slack.default.title" }}custom {{ .Status }}{{ end }}');
    const templates = loadAlertmanagerTemplates({ files: [file] });
    const data = alertmanagerTemplateData(notification(), { externalURL: '' });
    expect(templates.text('{{ template "slack.default.title" . }}', data)).toBe('custom firing');
    expect(templates.names()).toContain('email.default.html');
  });

  it('names the file in syntax errors and reports a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'am-templates-'));
    const file = join(dir, 'broken.tmpl');
    writeFileSync(file, '{{ define "x" }}{{ .A ');
    expect(() => loadAlertmanagerTemplates({ files: [file] })).toThrow(
      'template: broken.tmpl:1: unclosed action',
    );
    expect(() => loadAlertmanagerTemplates({ files: [join(dir, 'none.tmpl')] })).toThrow(
      TemplateError,
    );
  });

  it('rejects malformed template data with the field at fault', () => {
    expect(() => alertmanagerTemplateDataFromJSON({ alerts: [{ startsAt: 'yesterday' }] })).toThrow(
      'invalid template data: alerts[0].startsAt: expected an RFC 3339 time, got "yesterday"',
    );
    expect(() => alertmanagerTemplateDataFromJSON({ commonLabels: { a: 1 } })).toThrow(
      'commonLabels.a: expected a string',
    );
  });
});

describe('title (cases.Title, as amtool 0.25 renders it)', () => {
  it.each([
    ['hello wORLD', 'Hello World'],
    ["it's a dog-eat-dog world_x 3rd", "It's A Dog-Eat-Dog World_x 3Rd"],
    ["ÉCOLE o'NEIL mcdonald", "École O'neil Mcdonald"],
    ['foo.bar baz:qux 123abc', 'Foo.bar Baz:qux 123Abc'],
    ['hello_world HELLO-WORLD', 'Hello_world Hello-World'],
  ])('%s', (input, expected) => {
    const templates = loadAlertmanagerTemplates();
    expect(
      templates.text(`{{ title ${JSON.stringify(input)} }}`, alertmanagerTemplateDataFromJSON({})),
    ).toBe(expected);
  });
});

describe('embedded default templates', () => {
  it('are the asset files verbatim', async () => {
    const { readFileSync } = await import('node:fs');
    const { alertmanagerDefaultTmpl, alertmanagerEmailTmpl } = await import('./index.js');
    expect(alertmanagerDefaultTmpl).toBe(
      readFileSync(new URL('../assets/default.tmpl', import.meta.url), 'utf8'),
    );
    expect(alertmanagerEmailTmpl).toBe(
      readFileSync(new URL('../assets/email.tmpl', import.meta.url), 'utf8'),
    );
  });
});
