import { describe, expect, it } from 'vitest';
import { expandEnv, substituteEnv } from './env.js';
import { errorOf } from './__fixtures__/error-of.js';

const env = { PAGERDUTY_SERVICE_KEY: 'abc123', REGION: 'eu-west-1', EMPTY: '', _X1: 'x' };

describe('substituteEnv', () => {
  it.each([
    ['${PAGERDUTY_SERVICE_KEY}', 'abc123'],
    ['key-${PAGERDUTY_SERVICE_KEY}-${REGION}', 'key-abc123-eu-west-1'],
    ['${REGION}${REGION}', 'eu-west-1eu-west-1'],
    ['${_X1}', 'x'],
    ['[${EMPTY}]', '[]'],
    ['no references', 'no references'],
  ])('substitutes %s', (value, expected) => {
    expect(substituteEnv(value, env)).toBe(expected);
  });

  it.each([
    '{{ $labels.alertname }} is {{ $value }}',
    'foo$',
    '^api-.*$',
    '$REGION',
    '$ {REGION}',
    '${not-a-name}',
    '${1ABC}',
    '${}',
    '${REGION',
    '{{ range $i, $e := .Alerts }}{{ end }}',
  ])('leaves %s untouched', (value) => {
    expect(substituteEnv(value, env)).toBe(value);
  });

  it('writes a literal ${ for $${', () => {
    expect(substituteEnv('$${REGION}', env)).toBe('${REGION}');
    expect(substituteEnv('cost: $${REGION} in ${REGION}', env)).toBe(
      'cost: ${REGION} in eu-west-1',
    );
    expect(substituteEnv('$$', env)).toBe('$$');
  });

  it('does not expand a substituted value again', () => {
    expect(substituteEnv('${A}', { A: '${B}', B: 'b' })).toBe('${B}');
  });

  it('throws ERR_ENV_MISSING naming the missing variable', () => {
    const error = errorOf(() => substituteEnv('key: ${PAGERDUTY_API_KEY}', env));
    expect(error.code).toBe('ERR_ENV_MISSING');
    expect(error.message).toBe('environment variable PAGERDUTY_API_KEY is not set');
  });

  it('names every missing variable once', () => {
    const error = errorOf(() => substituteEnv('${A}/${REGION}/${B}/${A}', env));
    expect(error.message).toBe('environment variables A, B are not set');
  });

  it('only reads the variables themselves, not inherited properties', () => {
    expect(errorOf(() => substituteEnv('${constructor}', {})).code).toBe('ERR_ENV_MISSING');
    expect(errorOf(() => substituteEnv('${toString}', {})).code).toBe('ERR_ENV_MISSING');
  });
});

describe('expandEnv', () => {
  it('reports missing variables instead of throwing and keeps their references', () => {
    expect(expandEnv('${A}-${REGION}-${B}', env)).toEqual({
      value: '${A}-eu-west-1-${B}',
      missing: ['A', 'B'],
    });
  });
});
