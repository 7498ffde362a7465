// `rule_files` (and `templates`) globs the way Prometheus and Alertmanager expand them: relative to
// the configuration file's directory, Go's filepath.Glob syntax (`*`, `?`, `[...]` within one path
// segment, `\` escapes, no `**`). A glob matching nothing is not an error, as in Go.
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

const META = /[*?[\\]/;

/** Whether `pattern` has glob syntax; a path without any names one file. */
export function hasGlobMeta(pattern: string): boolean {
  return META.test(pattern);
}

/**
 * The files `globs` match, resolved against `baseDirectory` (absolute paths stay as they are),
 * sorted and without duplicates.
 */
export function expandFileGlobs(globs: readonly string[], baseDirectory: string): string[] {
  const base = resolve(baseDirectory);
  const files = new Set<string>();
  for (const glob of globs) {
    const absolute = isAbsolute(glob) ? glob : join(base, glob);
    // As Go: a path without glob syntax matches itself only if it exists.
    for (const file of expand(absolute)) if (existsSync(file)) files.add(file);
  }
  return [...files].sort();
}

function expand(pattern: string): string[] {
  const segments = pattern.split(sep);
  let paths = [segments[0] === '' ? sep : segments[0]!];
  for (const segment of segments.slice(1)) {
    if (segment === '') continue;
    if (!META.test(segment)) {
      paths = paths.map((path) => join(path, segment));
      continue;
    }
    const regex = segmentRegex(segment);
    paths = paths.flatMap((directory) => {
      try {
        return readdirSync(directory)
          .filter((name) => regex.test(name))
          .map((name) => join(directory, name));
      } catch {
        return [];
      }
    });
  }
  return paths;
}

// Go's filepath.Match for one segment: `*` and `?` never match the separator.
function segmentRegex(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '\\' && i + 1 < segment.length) source += escape(segment[++i]!);
    else if (char === '[') {
      // Same class syntax as a JS regex (`^` negates, `a-z` ranges) but for a leading `]`.
      const end = segment.indexOf(']', i + (segment[i + 1] === '^' ? 3 : 2));
      if (end < 0) return /(?!)/;
      source += `[${segment.slice(i + 1, end).replace(/^(\^?)\]/, '$1\\]')}]`;
      i = end;
    } else source += escape(char);
  }
  return new RegExp(`^${source}$`, 'u');
}

function escape(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
