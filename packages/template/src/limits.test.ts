// Hostile templates end in a TemplateError, never a hang, a crash or another exception.
import { describe, expect, it } from 'vitest';
import { TemplateError, TemplateSet } from './index.js';

function failure(set: TemplateSet, name: string, data: unknown): TemplateError {
  try {
    set.execute(name, data);
  } catch (error) {
    expect(TemplateError.isInstance(error)).toBe(true);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('execution limits', () => {
  it("stops unbounded template recursion at maxDepth with Go's message", () => {
    const set = new TemplateSet({ limits: { maxDepth: 50 } }).parse(
      't',
      '{{define "r"}}x{{template "r" .}}{{end}}{{template "r" .}}',
    );
    const error = failure(set, 't', null);
    expect(error.message).toBe(
      'template: t:1:26: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (50)',
    );
  });

  it('stops recursion at the default depth without overflowing the stack', () => {
    const set = new TemplateSet().parse(
      't',
      '{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}',
    );
    expect(failure(set, 't', null).message).toContain('exceeded maximum template depth (1000)');
  });

  it('stops an exponential range nest at maxSteps', () => {
    const text =
      '{{range .}}{{range $}}{{range $}}{{range $}}{{range $}}.{{end}}{{end}}{{end}}{{end}}{{end}}';
    const set = new TemplateSet({ limits: { maxSteps: 100_000 } }).parse('t', text);
    const error = failure(
      set,
      't',
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(error.phase).toBe('limit');
    expect(error.message).toBe('template: t: execution exceeds the limit of 100000 steps');
  });

  it('stops output growth at maxOutputBytes', () => {
    const set = new TemplateSet({ limits: { maxOutputBytes: 1000 } }).parse(
      't',
      '{{range .}}{{.}}{{end}}',
    );
    const error = failure(
      set,
      't',
      Array.from({ length: 200 }, () => 'ééééé'),
    );
    expect(error.phase).toBe('limit');
    expect(error.message).toBe('template: t: output exceeds the limit of 1000 bytes');
  });

  it('counts output in UTF-8 bytes and allows exactly the limit', () => {
    const set = new TemplateSet({ limits: { maxOutputBytes: 4 } }).parse('t', '{{.}}');
    expect(set.execute('t', 'éé')).toBe('éé');
    expect(failure(set, 't', 'ééé').phase).toBe('limit');
  });

  it('turns a parser stack overflow on absurd nesting into a TemplateError', () => {
    const text = `{{${'('.repeat(20000)}1${')'.repeat(20000)}}}`;
    let caught: unknown;
    try {
      new TemplateSet().parse('deep', text);
    } catch (error) {
      caught = error;
    }
    // Either it parses (deep stacks) or it fails as a TemplateError: never a RangeError.
    if (caught !== undefined) expect(TemplateError.isInstance(caught)).toBe(true);
  });

  it('turns a function that recurses forever into a TemplateError', () => {
    const recurse = (): unknown => recurse();
    const set = new TemplateSet({ funcs: { recurse } }).parse('t', '{{ recurse }}');
    expect(failure(set, 't', null).phase).toBe('limit');
  });
});

describe('work that produces no output', () => {
  it('counts long strings built by functions against maxSteps', () => {
    const text = '{{range .}}{{$x := printf "%*d" 1000000 0}}{{end}}';
    const set = new TemplateSet({ limits: { maxSteps: 50_000 } }).parse('t', text);
    const error = failure(
      set,
      't',
      Array.from({ length: 1000 }, (_, i) => i),
    );
    expect(error.phase).toBe('limit');
  });
});
