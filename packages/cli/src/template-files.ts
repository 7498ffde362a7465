// Expands `templates:` globs the way Alertmanager does: relative to the configuration file's
// directory, with Go's filepath.Glob syntax (the server's `expandFileGlobs`).
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { expandFileGlobs, hasGlobMeta } from '@phoenix-alerting/server';

/**
 * The files the globs match, sorted and without duplicates. A glob matching nothing is fine, but
 * a plain path to a missing file is kept, so that reading it reports "cannot read".
 */
export function expandTemplateGlobs(globs: readonly string[], configFile: string): string[] {
  const base = configFile === '-' ? process.cwd() : dirname(resolve(configFile));
  const files = new Set(expandFileGlobs(globs, base));
  for (const glob of globs) {
    const file = isAbsolute(glob) ? glob : join(base, glob);
    if (!hasGlobMeta(glob) && !existsSync(file)) files.add(file);
  }
  return [...files].sort();
}
