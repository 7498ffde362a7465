// re2js follows today's RE2, which accepts more than Go 1.19's regexp/syntax, the one Alertmanager
// 0.25 is built with. Three differences change whether a pattern compiles:
//
// - `(?<name>x)` groups: Go has only `(?P<name>x)` (the other form came in Go 1.22);
// - a group name used twice, which Go allows and re2js refuses;
// - `\p{…}` classes: Go knows the categories and scripts of Unicode 13 only, re2js also newer
//   scripts (`Kawi`, `Vithkuqi`, …), binary properties (`Emoji`, `White_Space`, …) and `LC`, `Cn`,
//   `Ascii`, `Assigned`.
//
// `forRe2js` rewrites a pattern so that re2js fails exactly where Go fails: the first construct Go
// refuses is replaced by one re2js refuses at the same place with the same kind of error, and
// repeated names get unique ones. re2js still reports an earlier error first, as Go would, and
// `restore` turns the fragment quoted in its message back into the original text.
//
// Still different: which characters the Unicode classes and `(?i)` cover (re2js has newer tables).
import { RE2JS } from 're2js';

// Go 1.19's unicode.Categories and unicode.Scripts (Unicode 13.0.0), and `Any`.
const goUnicodeClasses = new Set(
  (
    'Any C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm ' +
    'So Z Zl Zp Zs Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum ' +
    'Bassa_Vah Batak Bengali Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid ' +
    'Canadian_Aboriginal Carian ' +
    'Caucasian_Albanian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cyrillic ' +
    'Deseret Devanagari Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic ' +
    'Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi Han Hangul ' +
    'Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic Inherited ' +
    'Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kayah_Li ' +
    'Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A ' +
    'Linear_B Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen ' +
    'Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs ' +
    'Miao Modi Mongolian Mro Multani Myanmar Nabataean Nandinagari New_Tai_Lue Newa Nko Nushu ' +
    'Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian Old_Permic ' +
    'Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Oriya Osage Osmanya Pahawh_Hmong ' +
    'Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra ' +
    'Sharada Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese ' +
    'Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangut Telugu ' +
    'Thaana Thai Tibetan Tifinagh Tirhuta Ugaritic Vai Wancho Warang_Citi Yezidi Yi ' +
    'Zanabazar_Square'
  ).split(' '),
);

const namedGroup = /\(\?P<([A-Za-z0-9_]+)>/y;

/** A pattern for re2js, and how to show re2js' error messages as Go would for the original. */
interface Re2jsPattern {
  source: string;
  restore: (message: string) => string;
}

/** Rewrites `pattern` (as compiled, e.g. `^(?:…)$`) for re2js; see the top of this file. */
function forRe2js(pattern: string): Re2jsPattern {
  const replacements: [rewritten: string, original: string][] = [];
  const restore = (message: string): string => {
    let restored = message;
    for (const [rewritten, original] of replacements) {
      restored = restored.split(rewritten).join(original);
    }
    return restored;
  };
  // Stop at the first construct Go refuses, made into one re2js refuses the same way.
  const refuse = (done: string, original: string, rewritten: string, rest: number) => {
    replacements.push([rewritten, original]);
    return { source: done + rewritten + pattern.slice(rest), restore };
  };

  const names = new Set(Array.from(pattern.matchAll(/\(\?P<([A-Za-z0-9_]+)>/g), (m) => m[1]!));
  const seen = new Set<string>();
  let source = '';
  let inClass = false;
  let classStart = false; // `]` right after `[` or `[^` is a literal
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next === 'Q' && !inClass) {
        // Literal text up to `\E` or the end.
        const end = pattern.indexOf('\\E', i + 2);
        const stop = end < 0 ? pattern.length : end + 2;
        source += pattern.slice(i, stop);
        i = stop;
        continue;
      }
      const braced = (next === 'p' || next === 'P') && pattern[i + 2] === '{';
      const close = braced ? pattern.indexOf('}', i) : -1;
      if (close >= 0) {
        const sequence = pattern.slice(i, close + 1);
        const name = pattern.slice(i + 3, close).replace(/^\^/, '');
        if (!goUnicodeClasses.has(name)) {
          // re2js knows no class whose name starts with `~`: "invalid character class range".
          return refuse(source, sequence, `\\${next}{~${sequence.slice(3)}`, close + 1);
        }
        source += sequence;
        i = close + 1;
      } else {
        source += pattern.slice(i, i + 2);
        i += 2;
      }
      classStart = false;
      continue;
    }
    if (inClass) {
      const posix = pattern.startsWith('[:', i) ? pattern.indexOf(':]', i + 2) : -1;
      const stop = posix >= 0 ? posix + 2 : i + 1;
      if (char === ']' && !classStart) inClass = false;
      classStart = false;
      source += pattern.slice(i, stop);
      i = stop;
      continue;
    }
    if (char === '[') {
      inClass = true;
      classStart = true;
      const stop = pattern[i + 1] === '^' ? i + 2 : i + 1;
      source += pattern.slice(i, stop);
      i = stop;
      continue;
    }
    if (pattern.startsWith('(?<', i)) {
      // Go: "invalid or unsupported Perl syntax: `(?<`"; re2js says the same of `(?~`.
      return refuse(source, '(?<', '(?~', i + 3);
    }
    namedGroup.lastIndex = i;
    const group = namedGroup.exec(pattern);
    if (group) {
      const name = group[1]!;
      let unique = name;
      if (seen.has(name)) {
        for (let n = 2; names.has(unique); n++) unique = `${name}_${n}`;
        names.add(unique);
        replacements.push([`(?P<${unique}>`, group[0]]);
      }
      seen.add(name);
      source += `(?P<${unique}>`;
      i += group[0].length;
      continue;
    }
    source += char;
    i++;
  }
  return { source, restore };
}

/**
 * Compiles `pattern` as Go 1.19's `regexp.Compile` (Alertmanager 0.25's) does: the same syntax,
 * and on failure an `Error` with Go's message, e.g.
 * ``error parsing regexp: invalid or unsupported Perl syntax: `(?<` ``. The pattern is taken as it
 * is; anchor it first (`^(?:…)$`) where Alertmanager does. Matching runs in linear time.
 */
export function compileGoRegexp(pattern: string): RE2JS {
  const rewritten = forRe2js(pattern);
  try {
    return RE2JS.compile(rewritten.source);
  } catch (error) {
    let message = rewritten.restore(error instanceof Error ? error.message : String(error));
    // Go quotes the whole expression; re2js nothing.
    if (message.endsWith('expression nests too deeply')) message += `: \`${pattern}\``;
    throw new Error(message, { cause: error });
  }
}
