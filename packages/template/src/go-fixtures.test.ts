// Renders every case that Go 1.19 rendered (scripts/go-fixtures) and compares byte for byte.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TemplateSet,
  alertmanagerTemplateDataFromJSON,
  expandPrometheusTemplate,
  loadAlertmanagerTemplates,
} from './index.js';
import type { MissingKey } from './index.js';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/go/${name}`, import.meta.url), 'utf8')) as T;

interface Outcome {
  name: string;
  output?: string;
  error?: string;
}

function outcome(run: () => string): { output?: string; error?: string } {
  try {
    return { output: run() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('Go text/template fixtures', () => {
  const cases = fixture<
    (Outcome & {
      templates: string[];
      execute?: string;
      data: unknown;
      missingKey?: MissingKey;
    })[]
  >('text.json');
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = outcome(() => {
      const set = new TemplateSet({ ...(c.missingKey ? { missingKey: c.missingKey } : {}) });
      for (const text of c.templates) set.parse('t', text);
      return set.execute(c.execute ?? 't', c.data ?? undefined);
    });
    expect(result).toEqual(c.error !== undefined ? { error: c.error } : { output: c.output });
  });
});

describe('Prometheus alert template fixtures', () => {
  const cases = fixture<
    (Outcome & {
      template: string;
      labels: Record<string, string>;
      externalLabels: Record<string, string>;
      externalURL: string;
      value: number;
      ruleName: string;
      queryResults?: Record<string, { Labels: Record<string, string>; Value: number }[]>;
    })[]
  >('prometheus.json');
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = outcome(() =>
      expandPrometheusTemplate(
        c.template,
        {
          labels: c.labels,
          externalLabels: c.externalLabels,
          externalURL: c.externalURL,
          value: c.value,
        },
        {
          name: `__alert_${c.ruleName}`,
          query: (q) => {
            const samples = c.queryResults?.[q];
            if (!samples) throw new Error(`no fixture result for query ${JSON.stringify(q)}`);
            return samples.map((s) => ({ labels: s.Labels, value: s.Value }));
          },
        },
      ),
    );
    expect(result).toEqual(c.error !== undefined ? { error: c.error } : { output: c.output });
  });
});

describe("Alertmanager 0.25's default templates (default.tmpl, email.tmpl)", () => {
  const { payload, userTemplate, cases } = fixture<{
    payload: unknown;
    userTemplate: string;
    cases: (Outcome & { template: string; html?: boolean })[];
  }>('alertmanager.json');
  const data = alertmanagerTemplateDataFromJSON(payload);
  const defaults = loadAlertmanagerTemplates();
  const withUser = loadAlertmanagerTemplates({ texts: [userTemplate] });
  it.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const templates = name.startsWith('user: ') ? withUser : defaults;
    const result = outcome(() =>
      c.html ? templates.html(c.template, data) : templates.text(c.template, data),
    );
    expect(result).toEqual(c.error !== undefined ? { error: c.error } : { output: c.output });
  });
});

describe('randomly generated templates (differential against Go)', () => {
  const { data, cases } = fixture<{
    data: unknown;
    cases: (Outcome & { templates: string[] })[];
  }>('random.json');
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = outcome(() => new TemplateSet().parse('t', c.templates[0]!).execute('t', data));
    expect({ template: c.templates[0], ...result }).toEqual({
      template: c.templates[0],
      ...(c.error !== undefined ? { error: c.error } : { output: c.output }),
    });
  });
});

describe('randomly generated HTML notification templates (differential against html/template)', () => {
  const { payload, cases } = fixture<{
    payload: unknown;
    cases: (Outcome & { template: string })[];
  }>('random-html.json');
  const data = alertmanagerTemplateDataFromJSON(payload);
  const templates = loadAlertmanagerTemplates();
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = outcome(() => templates.html(c.template, data));
    // The generator's copies of Alertmanager's types live in Go's package main, not template.
    const error = c.error?.replaceAll('main.', 'template.');
    expect({ template: c.template, ...result }).toEqual({
      template: c.template,
      ...(error !== undefined ? { error } : { output: c.output }),
    });
  });
});

describe('randomly generated Alertmanager text templates (differential against Go)', () => {
  const { payload, cases } = fixture<{
    payload: unknown;
    cases: (Outcome & { template: string })[];
  }>('random-alertmanager.json');
  const data = alertmanagerTemplateDataFromJSON(payload);
  const templates = loadAlertmanagerTemplates();
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = outcome(() => templates.text(c.template, data));
    const error = c.error?.replaceAll('main.', 'template.');
    expect({ template: c.template, ...result }).toEqual({
      template: c.template,
      ...(error !== undefined ? { error } : { output: c.output }),
    });
  });
});
