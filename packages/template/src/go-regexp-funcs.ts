// Go's regexp.MatchString and (*Regexp).ReplaceAllString over core's Go-compatible RE2.
import { compileGoRegexp } from '@phoenix-alerting/core';

type Compiled = ReturnType<typeof compileGoRegexp>;

export function matchString(pattern: string, text: string): boolean {
  return compileGoRegexp(pattern).test(text);
}

/** Go's regexp.MustCompile: a bad pattern panics with Go's wording. */
export function mustCompile(pattern: string): Compiled {
  try {
    return compileGoRegexp(pattern);
  } catch (error) {
    throw new Error(`regexp: Compile(${JSON.stringify(pattern)}): ${(error as Error).message}`);
  }
}

/** ReplaceAllString: `$1`, `${1}`, `$name`, `${name}` and `$$` expand as Go's Regexp.Expand does. */
export function replaceAllString(re: Compiled, text: string, template: string): string {
  const names = (re as unknown as { namedGroups(): Record<string, number> }).namedGroups?.() ?? {};
  const matcher = re.matcher(text);
  let out = '';
  let last = 0;
  let previousEnd = -1;
  while (matcher.find()) {
    const start = matcher.start();
    const end = matcher.end();
    // Go ignores an empty match that abuts the previous match.
    if (start === end && start === previousEnd) continue;
    out +=
      text.slice(last, start) +
      expand(template, (ref) => {
        const index = /^\d+$/.test(ref) ? Number(ref) : names[ref];
        if (index === undefined || index > matcher.groupCount()) return '';
        return matcher.group(index) ?? '';
      });
    last = end;
    previousEnd = end;
  }
  return out + text.slice(last);
}

function expand(template: string, group: (ref: string) => string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    const next = template[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    let length = 0;
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close < 0 ? '' : template.slice(i + 2, close);
      if (close >= 0 && /^\w+$/.test(inner)) [name, length] = [inner, close - i + 1];
    } else {
      const m = /^\w+/.exec(template.slice(i + 1));
      if (m) [name, length] = [m[0], m[0].length + 1];
    }
    if (name === undefined) {
      out += c;
      continue;
    }
    out += group(name);
    i += length - 1;
  }
  return out;
}
