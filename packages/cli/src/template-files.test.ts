import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandTemplateGlobs } from './template-files.js';

const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const config = `${fixtures}phoenix.yml`;
const template = `${fixtures}templates/default.tmpl`;

describe('expandTemplateGlobs', () => {
  it('resolves globs relative to the config file, with Go’s filepath.Match syntax', () => {
    for (const glob of ['templates/*.tmpl', 'templates/defa?lt.tmpl', 'templates/[a-e]efault.*']) {
      expect(expandTemplateGlobs([glob], config)).toEqual([template]);
    }
    expect(expandTemplateGlobs(['templates/[^d]*'], config)).toEqual([]);
    expect(expandTemplateGlobs([`${fixtures}t*/*.tmpl`], '/elsewhere/am.yml')).toEqual([template]);
  });

  it('matches nothing, without failing, for missing directories and lists files once', () => {
    expect(
      expandTemplateGlobs(['nowhere/*.tmpl', 'templates/*', 'templates/*.tmpl'], config),
    ).toEqual([template]);
  });
});

describe('expandTemplateGlobs with a plain path', () => {
  it('keeps a missing file, so that reading it fails by name', () => {
    expect(expandTemplateGlobs(['templates/default.tmpl', 'missing.tmpl'], config)).toEqual([
      `${fixtures}missing.tmpl`,
      template,
    ]);
  });
});
