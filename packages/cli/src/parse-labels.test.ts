import { describe, expect, it } from 'vitest';
import { parseLabelArguments } from './parse-labels.js';

describe('parseLabelArguments', () => {
  it('reads name=value and amtool’s quoted matcher syntax', () => {
    expect({
      ...parseLabelArguments(['severity=critical', 'team="db, storage"', 'msg="say \\"hi\\""']),
    }).toEqual({ severity: 'critical', team: 'db, storage', msg: 'say "hi"' });
  });

  it('keeps empty values and lets a later argument win', () => {
    expect({ ...parseLabelArguments(['a=', 'b=1', 'b=2', 'c=""']) }).toEqual({
      a: '',
      b: '2',
      c: '',
    });
  });

  it('treats __proto__ as an ordinary label name', () => {
    const labels = parseLabelArguments(['__proto__=x']);
    expect(Object.hasOwn(labels, '__proto__')).toBe(true);
    expect(labels['__proto__']).toBe('x');
  });

  it('rejects other operators with amtool’s message', () => {
    expect(() => parseLabelArguments(['severity=~"crit.*"'])).toThrow(
      'Failed to parse labels: labels must be specified as key=value pairs',
    );
    expect(() => parseLabelArguments(['team!=db'])).toThrow(
      'Failed to parse labels: labels must be specified as key=value pairs',
    );
  });

  it('rejects what is not a matcher with Alertmanager’s parser message', () => {
    expect(() => parseLabelArguments(['severity'])).toThrow(
      'Failed to parse labels: bad matcher format: severity',
    );
    expect(() => parseLabelArguments(['e=f"g'])).toThrow(
      'Failed to parse labels: matcher value contains unescaped double quote: f"g',
    );
  });
});
