import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from './load-config.js';
import { resolveYamlNumber, yamlBoolean, yamlInt, yamlNumber, yamlString } from './yaml-schemas.js';

describe('resolveYamlNumber', () => {
  // yaml.v2's resolve(): what a plain scalar is when it lands in a number field.
  it.each<[string, ReturnType<typeof resolveYamlNumber>]>([
    ['0', { kind: 'int', value: 0n }],
    ['-0', { kind: 'int', value: 0n }],
    ['+3', { kind: 'int', value: 3n }],
    ['42', { kind: 'int', value: 42n }],
    ['1_000', { kind: 'int', value: 1000n }],
    ['1__0', { kind: 'int', value: 10n }],
    ['0x10', { kind: 'int', value: 16n }],
    ['0X1f', { kind: 'int', value: 31n }],
    ['0x_10', { kind: 'int', value: 16n }],
    ['-0x10', { kind: 'int', value: -16n }],
    ['0o17', { kind: 'int', value: 15n }],
    ['017', { kind: 'int', value: 15n }],
    ['0500', { kind: 'int', value: 320n }],
    ['0b101', { kind: 'int', value: 5n }],
    ['-0b11', { kind: 'int', value: -3n }],
    ['9223372036854775807', { kind: 'int', value: 9223372036854775807n }],
    ['18446744073709551615', { kind: 'int', value: 18446744073709551615n }],
    // Past uint64 (or below int64): Go's ParseInt and ParseUint fail, ParseFloat does not.
    ['18446744073709551616', { kind: 'float', value: 2 ** 64 }],
    ['-9223372036854775809', { kind: 'float', value: -(2 ** 63) }],
    ['09', { kind: 'float', value: 9 }],
    ['1.5', { kind: 'float', value: 1.5 }],
    ['1.10', { kind: 'float', value: 1.1 }],
    ['1.', { kind: 'float', value: 1 }],
    ['1e3', { kind: 'float', value: 1000 }],
    ['-1.5E-1', { kind: 'float', value: -0.15 }],
    ['.5', { kind: 'float', value: 0.5 }],
    ['-.5', { kind: 'float', value: -0.5 }],
    ['.inf', { kind: 'float', value: Infinity }],
    ['-.Inf', { kind: 'float', value: -Infinity }],
    ['+.INF', { kind: 'float', value: Infinity }],
    ['.NaN', { kind: 'float', value: Number.NaN }],
    // Text: not numbers in yaml.v2.
    ['', undefined],
    ['_1', undefined],
    ['abc', undefined],
    ['0x', undefined],
    ['1e400', undefined],
    ['.e5', undefined],
    ['-', undefined],
    ['-.nan', undefined],
    ['0x1p3', undefined],
    ['2024-01-01', undefined],
    ['12:30', undefined],
    ['1 000', undefined],
    ['yes', undefined],
  ])('%j', (text, expected) => {
    expect(resolveYamlNumber(text)).toEqual(expected);
  });
});

describe('yamlBoolean', () => {
  const schema = yamlBoolean();

  it.each(['true', 'True', 'TRUE', 'yes', 'Yes', 'YES', 'y', 'Y', 'on', 'On', 'ON'])(
    'reads %j as true',
    (word) => {
      expect(schema.parse(word)).toBe(true);
    },
  );

  it.each(['false', 'False', 'FALSE', 'no', 'No', 'NO', 'n', 'N', 'off', 'Off', 'OFF'])(
    'reads %j as false',
    (word) => {
      expect(schema.parse(word)).toBe(false);
    },
  );

  it('takes booleans as they are, and null as false (Go’s zero value)', () => {
    expect(schema.parse(true)).toBe(true);
    expect(schema.parse(false)).toBe(false);
    expect(schema.parse(null)).toBe(false);
  });

  it.each<unknown>(['maybe', 'tRUE', 'yEs', '1', '0', '', 1, [], {}])('rejects %j', (value) => {
    expect(schema.safeParse(value).success).toBe(false);
  });

  it('says what it expected in a loaded file', () => {
    const config = z.object({ flag: yamlBoolean() });
    expect(() => parseConfig('flag: maybe', { schema: config, scalars: 'source' })).toThrow(
      'flag: expected a boolean, got "maybe" (line 1, column 7)',
    );
  });

  it('checks the result with the schema it is given', () => {
    const mustBeTrue = yamlBoolean(z.literal(true, { error: 'must be on' }));
    expect(mustBeTrue.parse('on')).toBe(true);
    expect(mustBeTrue.safeParse('off').error?.issues[0]?.message).toBe('must be on');
  });
});

describe('yamlInt', () => {
  const schema = yamlInt();

  it.each<[unknown, number]>([
    ['5', 5],
    ['0x10', 16],
    ['0500', 320],
    ['1_000', 1000],
    ['1e3', 1000],
    ['1.9', 1],
    ['-1.9', -1],
    ['-0.5', 0],
    ['+3', 3],
    [7, 7],
    [null, 0],
  ])('reads %j as %d', (value, expected) => {
    expect(schema.parse(value)).toBe(expected);
  });

  it.each<unknown>(['abc', '.inf', '.nan', '1e400', '', '2024-01-01', 1.5, true, '1e20'])(
    'rejects %j',
    (value) => {
      expect(schema.safeParse(value).success).toBe(false);
    },
  );

  it('checks bounds and messages with the schema it is given', () => {
    const count = yamlInt(z.number({ error: 'a count' }).int('a count').min(0, 'not negative'));
    expect(count.parse('0x10')).toBe(16);
    expect(count.safeParse('-1').error?.issues[0]?.message).toBe('not negative');
    expect(count.safeParse('many').error?.issues[0]?.message).toBe('a count');
  });
});

describe('yamlNumber', () => {
  const schema = yamlNumber();

  it.each<[unknown, number]>([
    ['1.10', 1.1],
    ['.5', 0.5],
    ['1e3', 1000],
    ['0x10', 16],
    ['1_000.5', 1000.5],
    [2.5, 2.5],
    [null, 0],
  ])('reads %j as %d', (value, expected) => {
    expect(schema.parse(value)).toBe(expected);
  });

  it.each<unknown>(['abc', '.inf', '.nan', 'yes'])('rejects %j', (value) => {
    expect(schema.safeParse(value).success).toBe(false);
  });
});

describe('yamlString', () => {
  const schema = yamlString();

  it('keeps text as it is', () => {
    for (const text of ['1.10', '0500', 'True', 'yes', '', '~']) {
      expect(schema.parse(text)).toBe(text);
    }
  });

  it('writes numbers and booleans from code or YAML 1.2 as text, and null as ""', () => {
    expect(schema.parse(500)).toBe('500');
    expect(schema.parse(1.5)).toBe('1.5');
    expect(schema.parse(true)).toBe('true');
    expect(schema.parse(null)).toBe('');
  });

  it.each<unknown>([[], {}, undefined])('rejects %j', (value) => {
    expect(schema.safeParse(value).success).toBe(false);
  });

  it('checks the result with the schema it is given', () => {
    expect(yamlString(z.string().min(2)).safeParse(5).success).toBe(false);
    expect(yamlString(z.string().min(2)).parse(50)).toBe('50');
  });
});
