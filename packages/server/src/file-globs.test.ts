import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandFileGlobs, hasGlobMeta } from './file-globs.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'phoenix-globs-'));
  mkdirSync(join(dir, 'rules', 'nested'), { recursive: true });
  for (const name of ['a.yml', 'b.yml', 'c.yaml', ']odd.yml', 'nested/d.yml'])
    writeFileSync(join(dir, 'rules', name), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('expandFileGlobs', () => {
  const rules = (...names: string[]) => names.map((name) => join(dir, 'rules', name));

  it('resolves globs against the base directory with Go’s filepath.Match syntax', () => {
    expect(expandFileGlobs(['rules/*.yml'], dir)).toEqual(rules(']odd.yml', 'a.yml', 'b.yml'));
    expect(expandFileGlobs(['rules/?.y*ml'], dir)).toEqual(rules('a.yml', 'b.yml', 'c.yaml'));
    expect(expandFileGlobs(['rules/[a-b].yml'], dir)).toEqual(rules('a.yml', 'b.yml'));
    expect(expandFileGlobs(['rules/[^a].yml'], dir)).toEqual(rules('b.yml'));
    expect(expandFileGlobs(['rules/[]]odd.yml'], dir)).toEqual(rules(']odd.yml'));
    expect(expandFileGlobs(['rules/\\]odd.yml'], dir)).toEqual(rules(']odd.yml'));
    expect(expandFileGlobs(['*/nested/*.yml'], dir)).toEqual(rules('nested/d.yml'));
    expect(expandFileGlobs([join(dir, 'rules', 'a.*')], '/elsewhere')).toEqual(rules('a.yml'));
  });

  it('has no `**`: `*` stays within one directory', () => {
    expect(expandFileGlobs(['rules/*'], dir)).not.toContain(join(dir, 'rules', 'nested', 'd.yml'));
    expect(expandFileGlobs(['**/d.yml'], dir)).toEqual([]);
  });

  it('matches nothing, without failing, for missing files and directories; lists files once', () => {
    expect(expandFileGlobs(['nowhere/*.yml', 'rules/missing.yml'], dir)).toEqual([]);
    expect(expandFileGlobs(['rules/a.yml', 'rules/[a].yml', 'rules/a.*'], dir)).toEqual(
      rules('a.yml'),
    );
  });

  it('tells globs from plain paths', () => {
    expect(['a/*.yml', 'a?.yml', '[ab].yml', 'a\\*'].map(hasGlobMeta)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(hasGlobMeta('rules/app.yml')).toBe(false);
  });
});
