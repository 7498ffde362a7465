import { describe, expect, it } from 'vitest';
import { TemplateError, TemplateSet, goFunc } from './index.js';

function errorOf(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    expect(TemplateError.isInstance(error)).toBe(true);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('TemplateSet', () => {
  it('defines the parsed name and every define, and executes by name', () => {
    const set = new TemplateSet().parse(
      'page',
      '{{define "title"}}T:{{.}}{{end}}<{{template "title" .Name}}>',
    );
    expect(set.has('page')).toBe(true);
    expect(set.has('title')).toBe(true);
    expect(set.has('nope')).toBe(false);
    expect(set.names()).toEqual(['page', 'title']);
    expect(set.execute('page', { Name: 'x' })).toBe('<T:x>');
    expect(set.execute('title', 'y')).toBe('T:y');
  });

  it('reports parse errors with Go wording, line and byte column, and adds nothing of the bad text', () => {
    const set = new TemplateSet().parse('ok', 'fine');
    const error = errorOf(() => set.parse('bad', 'line one\n  {{ nosuch . }}'));
    expect(error.message).toBe('template: bad:2: function "nosuch" not defined');
    expect(error.phase).toBe('parse');
    expect(error.templateName).toBe('bad');
    expect(error.line).toBe(2);
    expect(error.column).toBe(5);
    expect(error.code).toBe('ERR_TEMPLATE');
    expect(set.has('bad')).toBe(false);
    expect(set.execute('ok', null)).toBe('fine');
  });

  it('reports execution errors with name, line, column and the failing node', () => {
    const set = new TemplateSet().parse('t', 'héllo\n  {{ index .L 3 }}');
    const error = errorOf(() => set.execute('t', { L: [1] }));
    expect(error.message).toBe(
      'template: t:2:5: executing "t" at <index .L 3>: error calling index: index out of range: 3',
    );
    expect([error.phase, error.line, error.column]).toEqual(['exec', 2, 5]);
  });

  it('says when the template to execute does not exist', () => {
    expect(errorOf(() => new TemplateSet().execute('missing', {})).message).toBe(
      'template: missing: "missing" is an incomplete or empty template',
    );
  });

  it('calls custom functions with Go values: ints as bigint, floats as number', () => {
    const seen: unknown[] = [];
    const set = new TemplateSet({
      funcs: {
        record: (...args: unknown[]) => {
          seen.push(...args);
          return 'ok';
        },
      },
    }).parse('t', '{{ record 1 1.5 "s" true .X }}');
    expect(set.execute('t', { X: [1] })).toBe('ok');
    expect(seen).toEqual([1n, 1.5, 's', true, [1]]);
  });

  it('turns a throwing function into Go\'s "error calling" error, whatever was thrown', () => {
    const set = new TemplateSet({
      funcs: {
        fail: () => {
          throw new Error('boom');
        },
        failOdd: () => {
          throw 'not an error';
        },
      },
    });
    expect(errorOf(() => set.parse('a', '{{ fail }}').execute('a', null)).message).toBe(
      'template: a:1:3: executing "a" at <fail>: error calling fail: boom',
    );
    expect(errorOf(() => set.parse('b', '{{ failOdd }}').execute('b', null)).message).toContain(
      'error calling failOdd: not an error',
    );
  });

  it('checks arguments of functions declared with goFunc', () => {
    const set = new TemplateSet().addFuncs({ twice: goFunc(['string'], (s: string) => s + s) });
    expect(set.parse('a', '{{ twice "ab" }}').execute('a', null)).toBe('abab');
    expect(errorOf(() => set.parse('b', '{{ twice 1 }}').execute('b', null)).message).toBe(
      'template: b:1:9: executing "b" at <1>: expected string; found 1',
    );
    expect(errorOf(() => set.parse('c', '{{ twice }}').execute('c', null)).message).toBe(
      'template: c:1:3: executing "c" at <twice>: wrong number of args for twice: want 1 got 0',
    );
  });

  it('lets a later parse replace a template but never with an empty body', () => {
    const set = new TemplateSet().parse('a', '{{define "x"}}one{{end}}');
    set.parse('b', '{{define "x"}}   {{end}}');
    expect(set.execute('x', null)).toBe('one');
    set.parse('c', '{{define "x"}}two{{end}}');
    expect(set.execute('x', null)).toBe('two');
  });

  it('clone() copies templates so additions do not leak back', () => {
    const set = new TemplateSet().parse('a', 'A');
    const copy = set.clone().parse('b', 'B{{template "a"}}');
    expect(copy.execute('b', null)).toBe('BA');
    expect(set.has('b')).toBe(false);
  });

  it('honours missingKey', () => {
    const text = '[{{ .nope }}]';
    expect(new TemplateSet().parse('t', text).execute('t', {})).toBe('[<no value>]');
    expect(new TemplateSet({ missingKey: 'zero' }).parse('t', text).execute('t', {})).toBe(
      '[<no value>]',
    );
    expect(
      errorOf(() => new TemplateSet({ missingKey: 'error' }).parse('t', text).execute('t', {}))
        .message,
    ).toBe('template: t:1:4: executing "t" at <.nope>: map has no entry for key "nope"');
  });

  it('reads Maps and class instances with exported methods', () => {
    class Host {
      constructor(readonly name: string) {}
      Upper(suffix: string): string {
        return this.name.toUpperCase() + suffix;
      }
    }
    const set = new TemplateSet().parse('t', '{{ .m.k }} {{ .h.Upper "!" }}');
    expect(set.execute('t', { m: new Map([['k', 'v']]), h: new Host('db') })).toBe('v DB!');
  });
});

describe('call and methods', () => {
  it('calls function values with call, and reports Go errors for non-functions', () => {
    const set = new TemplateSet().parse('t', '{{ call .Add 2 3 }}|{{ call .Nil }}');
    const data = { Add: (a: bigint, b: bigint) => a + b, Nil: null };
    expect(() => set.execute('t', data)).toThrow('error calling call: call of nil');
    expect(new TemplateSet().parse('u', '{{ call .Add 2 3 }}').execute('u', data)).toBe('5');
    expect(() => new TemplateSet().parse('v', '{{ call .S }}').execute('v', { S: 's' })).toThrow(
      'error calling call: non-function of type string',
    );
  });
});
