// The part of html/template's contextual escaping that notification templates need. Go rewrites
// each action's pipeline at parse time to end with escapers chosen for its context; here the
// context is read at run time from the output written so far (HTML text, a quoted attribute, a
// URL attribute at its start, path or query) and the same escaper chain is applied, a final
// `html`/`urlquery` standing in for its equivalent as in Go's ensurePipelineContains. Not
// supported: <script>/<style> contexts, unquoted attributes (treated as quoted), and Go's parse-time
// rejection of ambiguous contexts.
import { htmlEscapeString, queryEscape } from './builtins.js';
import { GoStruct } from './values.js';

/** html/template's `template.HTML`: content that is printed unescaped in HTML mode. */
export class SafeHTML extends GoStruct {
  constructor(readonly text: string) {
    super();
  }
  goType(): string {
    return 'template.HTML';
  }
  goFields(): readonly string[] {
    return [];
  }
  String(): string {
    return this.text;
  }
}

const HTML_TABLE: Record<string, string> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  '&': '&amp;',
  "'": '&#39;',
  '+': '&#43;',
  '<': '&lt;',
  '>': '&gt;',
};

export function htmlTemplateEscape(text: string): string {
  return text.replace(/[\0"&'+<>]/g, (c) => HTML_TABLE[c]!);
}

function urlNormalize(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~!#$&*+,/:;=?@[\]%]/.test(c)) out += c;
    else out += `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function isSafeURL(text: string): boolean {
  const colon = text.indexOf(':');
  if (colon >= 0 && !text.slice(0, colon).includes('/')) {
    const scheme = text.slice(0, colon).toLowerCase();
    return scheme === 'http' || scheme === 'https' || scheme === 'mailto';
  }
  return true;
}

// An open quoted attribute at the end of the output: its name and the value written so far.
const OPEN_ATTR = /<[a-zA-Z][^<>]*?\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)|'([^']*))$/;
const URL_ATTRS = new Set([
  'href',
  'src',
  'action',
  'background',
  'cite',
  'codebase',
  'data',
  'formaction',
  'icon',
  'longdesc',
  'manifest',
  'poster',
  'profile',
  'usemap',
  'xmlns',
]);

function isURLAttr(name: string): boolean {
  const lower = name.toLowerCase().replace(/^(xlink|svg):/, '');
  return (
    URL_ATTRS.has(lower) || lower.includes('src') || lower.includes('uri') || lower.includes('url')
  );
}

/** html/template's urlEscaper: everything but unreserved characters is percent-encoded. */
function urlEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c)) out += c;
    else out += `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Where an action's output lands in the HTML written so far. */
export type HtmlContext =
  { kind: 'text' } | { kind: 'attr' } | { kind: 'url'; part: 'start' | 'path' | 'query' };

export function htmlContext(before: string): HtmlContext {
  const attr = OPEN_ATTR.exec(before.slice(-2000));
  if (!attr) return { kind: 'text' };
  if (!isURLAttr(attr[1]!)) return { kind: 'attr' };
  const soFar = attr[2] ?? attr[3] ?? '';
  return { kind: 'url', part: soFar === '' ? 'start' : /[?#]/.test(soFar) ? 'query' : 'path' };
}

/** html/template's escaping functions, and the two text/template builtins that can stand in for them. */
export type Escaper =
  | 'htmlescaper'
  | 'attrescaper'
  | 'urlfilter'
  | 'urlnormalizer'
  | 'urlescaper'
  | 'html'
  | 'urlquery';

const EQUIVALENT: Partial<Record<Escaper, 'html' | 'urlquery'>> = {
  htmlescaper: 'html',
  attrescaper: 'html',
  urlescaper: 'urlquery',
  urlnormalizer: 'urlquery',
};

/**
 * The escapers html/template appends to an action's pipeline in `context` (escape.go's
 * escapeAction), with a pipeline-final `html`/`urlquery` used in place of its equivalent
 * (ensurePipelineContains). `predefined` comes first when nothing it could replace is needed.
 */
export function escapersFor(context: HtmlContext, predefined?: 'html' | 'urlquery'): Escaper[] {
  let list: Escaper[];
  switch (context.kind) {
    case 'text':
      list = ['htmlescaper'];
      break;
    case 'attr':
      list = ['attrescaper'];
      break;
    case 'url':
      list = [
        ...(context.part === 'start' ? (['urlfilter'] as const) : []),
        context.part === 'query' ? 'urlescaper' : 'urlnormalizer',
        'attrescaper',
      ];
  }
  if (!predefined) return list;
  let replaced = false;
  list = list.map((escaper) => {
    if (EQUIVALENT[escaper] !== predefined) return escaper;
    replaced = true;
    return predefined;
  });
  return replaced ? list : [predefined, ...list];
}

/** html/template's stringify: content-typed values pass their text; nil prints nothing. */
function applyEscaper(escaper: Escaper, value: string | SafeHTML): string | SafeHTML {
  const text = value instanceof SafeHTML ? value.text : value;
  switch (escaper) {
    case 'htmlescaper':
      return value instanceof SafeHTML ? text : htmlTemplateEscape(text);
    case 'attrescaper':
      return value instanceof SafeHTML ? htmlNormEscape(stripTags(text)) : htmlTemplateEscape(text);
    case 'urlfilter':
      return isSafeURL(text) ? text : '#ZgotmplZ';
    case 'urlnormalizer':
      return urlNormalize(text);
    case 'urlescaper':
      return urlEscape(text);
    case 'html':
      return htmlEscapeString(text);
    case 'urlquery':
      return queryEscape(text);
  }
}

/** Runs `escapers` over an action's value (already formatted as fmt.Sprint would). */
export function escapeChain(value: string | SafeHTML, escapers: readonly Escaper[]): string {
  let current = value;
  for (const escaper of escapers) current = applyEscaper(escaper, current);
  return current instanceof SafeHTML ? current.text : current;
}

const HTML_NORM_TABLE: Record<string, string> = { ...HTML_TABLE };
delete HTML_NORM_TABLE['&'];

function htmlNormEscape(text: string): string {
  return text.replace(/[\0"'+<>]/g, (c) => HTML_NORM_TABLE[c]!);
}

// html/template's stripTags, simplified: drops tags, keeps text.
function stripTags(text: string): string {
  return text.replace(/<[^>]*>/g, '');
}

/**
 * Drops HTML comments from text written in HTML mode, across text and actions: `open` says
 * whether a comment is open when `text` starts; returns the text to keep and whether one is open after.
 */
export function stripComments(text: string, open: boolean): { kept: string; open: boolean } {
  let kept = '';
  let rest = text;
  for (;;) {
    if (open) {
      const end = rest.indexOf('-->');
      if (end < 0) return { kept, open: true };
      rest = rest.slice(end + 3);
      open = false;
    }
    const start = rest.indexOf('<!--');
    if (start < 0) return { kept: kept + rest, open: false };
    kept += rest.slice(0, start);
    rest = rest.slice(start + 4);
    open = true;
  }
}
