import { describe, expect, it } from 'vitest';
import {
  TemplateError,
  checkPrometheusTemplate,
  expandPrometheusTemplate,
  prometheusExpansionErrorText,
} from './index.js';

const data = { labels: { alertname: 'Up', instance: 'node-1:9100' }, value: 0.25 };

describe('expandPrometheusTemplate', () => {
  it('expands $labels, $value and the humanize functions', () => {
    expect(
      expandPrometheusTemplate('{{ $labels.instance }} at {{ $value | humanizePercentage }}', data),
    ).toBe('node-1:9100 at 25%');
  });

  it('answers query from the synchronous callback', () => {
    const text = '{{ range query "up == 0" }}{{ .Labels.instance }}={{ .Value }} {{ end }}';
    const seen: string[] = [];
    const out = expandPrometheusTemplate(text, data, {
      query: (q) => {
        seen.push(q);
        return [{ labels: { instance: 'a' }, value: 0 }];
      },
    });
    expect(out).toBe('a=0 ');
    expect(seen).toEqual(['up == 0']);
  });

  it('fails query without a callback, with a message that says so', () => {
    expect(() =>
      expandPrometheusTemplate('{{ query "up" }}', data, { name: '__alert_Up' }),
    ).toThrow(
      'error executing template __alert_Up: template: __alert_Up:1:115: executing "__alert_Up" at <query "up">: error calling query: no query function is configured for the query template function',
    );
  });

  it('throws TemplateError, and formats it as Prometheus puts it in the annotation', () => {
    let caught: unknown;
    try {
      expandPrometheusTemplate('{{ .Nope', data, { name: '__alert_Up' });
    } catch (error) {
      caught = error;
    }
    expect(TemplateError.isInstance(caught)).toBe(true);
    expect(prometheusExpansionErrorText(caught)).toBe(
      '<error expanding template: error parsing template __alert_Up: template: __alert_Up:1: unclosed action>',
    );
  });

  it('applies limits', () => {
    expect(() =>
      expandPrometheusTemplate('{{ range $i, $x := .Labels }}{{ $x }}{{ $x }}{{ end }}', data, {
        limits: { maxOutputBytes: 10 },
      }),
    ).toThrow('output exceeds the limit of 10 bytes');
  });
});

describe('checkPrometheusTemplate', () => {
  it("accepts valid templates without running them, and rejects bad ones with Go's message", () => {
    expect(() =>
      checkPrometheusTemplate('{{ query "up" | first | value | humanize }}'),
    ).not.toThrow();
    expect(() =>
      checkPrometheusTemplate('{{ $labels.x | nosuch }}', { name: '__alert_X' }),
    ).toThrow('template: __alert_X:1: function "nosuch" not defined');
    expect(() => checkPrometheusTemplate('{{ $nope }}')).toThrow('undefined variable "$nope"');
  });
});
