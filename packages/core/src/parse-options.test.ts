import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { parseConfigEntry, parseOptions } from './parse-options.js';

const schema = z.strictObject({
  intervalMs: z.number().positive().optional(),
  nested: z.object({ name: z.string() }).optional(),
});

describe('parseOptions', () => {
  it('returns the parsed options, treating undefined as no options', () => {
    expect(parseOptions(schema, { intervalMs: 5 }, 'thing options')).toEqual({ intervalMs: 5 });
    expect(parseOptions(schema, undefined, 'thing options')).toEqual({});
  });

  it('throws one ConfigError naming the plugin and every bad path, unknown options by name', () => {
    let error: unknown;
    try {
      parseOptions(schema, { intervalMs: -1, nested: { name: 3 }, bogus: true }, 'thing options');
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    const { issues, message } = error as ConfigError;
    expect(message).toMatch(/^invalid thing options:/);
    expect(issues.map((issue) => issue.path).sort()).toEqual(['', 'intervalMs', 'nested.name']);
    expect(issues.find((issue) => issue.path === '')?.message).toBe('unknown option "bogus"');
  });
});

describe('parseConfigEntry', () => {
  it('parses the input as given and names unknown keys as fields', () => {
    expect(parseConfigEntry(schema, { intervalMs: 5 }, 'thing config')).toEqual({ intervalMs: 5 });
    expect(() => parseConfigEntry(schema, undefined, 'thing config')).toThrow(ConfigError);
    let error: unknown;
    try {
      parseConfigEntry(schema, { bogus: 's3cret', other: 1 }, 'thing config');
    } catch (caught) {
      error = caught;
    }
    const { issues, message } = error as ConfigError;
    expect(message).toBe('invalid thing config:\n  - unknown field "bogus", "other"');
    expect(issues).toEqual([{ path: '', message: 'unknown field "bogus", "other"' }]);
  });
});
