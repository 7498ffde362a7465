// Expands `templates:` globs the way Alertmanager does: relative to the configuration file's
// directory, with Go's filepath.Glob syntax (`*`, `?`, `[...]` within one path segment, no `**`).
import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';

/** The files the globs match, sorted and without duplicates. A glob matching nothing is fine. */
export function expandTemplateGlobs(globs: readonly string[], configFile: string): string[] {
  const base = configFile === '-' ? process.cwd() : dirname(resolve(configFile));
  const files = new Set<string>();
  for (const glob of globs) {
    const absolute = isAbsolute(glob) ? glob : join(base, glob);
    for (const file of expand(absolute)) files.add(file);
  }
  return [...files].sort();
}

const META = /[*?[\\]/;

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
