import { describe, expect, it } from 'vitest';
import { fitSms, isGsm7, smsLength, toGsmLookalikes } from './sms-text.js';

describe('smsLength', () => {
  it.each([
    ['', 'GSM-7', 0, 0],
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['a'.repeat(306), 'GSM-7', 306, 2],
    ['a'.repeat(307), 'GSM-7', 307, 3],
    // The extension table takes two septets: 80 euro signs fill one message.
    ['€'.repeat(80), 'GSM-7', 160, 1],
    ['€'.repeat(81), 'GSM-7', 162, 2],
    ['Ünïcødé? no: GSM has é, ü, Ñ, ß, Δ', 'UCS-2', 34, 1],
    ['ж'.repeat(70), 'UCS-2', 70, 1],
    ['ж'.repeat(71), 'UCS-2', 71, 2],
    ['ж'.repeat(134), 'UCS-2', 134, 2],
    ['ж'.repeat(135), 'UCS-2', 135, 3],
    // An emoji is a surrogate pair: two UTF-16 units.
    ['😀'.repeat(35), 'UCS-2', 70, 1],
    ['😀'.repeat(36), 'UCS-2', 72, 2],
  ] as const)('%j is %s, %i units, %i segments', (text, encoding, units, segments) => {
    expect(smsLength(text)).toEqual({ encoding, units, segments });
  });

  it('never splits an escape pair or a surrogate pair between segments', () => {
    // 306 septets fill two segments of 153 exactly, unless `€` would straddle their boundary.
    expect(smsLength(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments).toBe(3);
    expect(smsLength(`${'a'.repeat(151)}€${'a'.repeat(153)}`).segments).toBe(2);
    // 134 units fill two segments of 67 exactly, unless an emoji would straddle the boundary.
    expect(smsLength('😀'.repeat(67)).segments).toBe(3);
    expect(smsLength(`x${'😀'.repeat(66)}x`).segments).toBe(2);
  });

  it('knows the GSM-7 alphabet', () => {
    expect(
      isGsm7('@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&\'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà^{}\\[~]|€'),
    ).toBe(true);
    for (const char of ['`', 'á', 'ç', '’', '…', '😀', 'ж', '\t']) expect(isGsm7(char)).toBe(false);
  });
});

describe('toGsmLookalikes', () => {
  it('replaces typographic punctuation so the text stays GSM-7', () => {
    const text = toGsmLookalikes('It’s “down” – again… ');
    expect(text).toBe('It\'s "down" - again... ');
    expect(isGsm7(text)).toBe(true);
  });
});

describe('fitSms', () => {
  const link = 'https://phoenix.example.com/incidents/42';
  const footer = 'Reply ACK 42 or RESOLVE 42';

  it('leaves a message that fits alone', () => {
    expect(fitSms({ body: 'short', link, footer }, 1)).toEqual({
      text: `short\n${link}\n${footer}`,
      truncated: false,
      encoding: 'GSM-7',
      units: 73,
      segments: 1,
    });
  });

  it('cuts a GSM-7 body with "..." and keeps the link and footer whole', () => {
    const body = 'Disk on db-1 is 97% full and growing. '.repeat(10);
    const fitted = fitSms({ body, link, footer }, 1);
    expect(fitted).toMatchObject({ truncated: true, encoding: 'GSM-7', segments: 1 });
    // Cut after a space, which is trimmed: one septet short of the limit.
    expect(fitted.units).toBe(159);
    expect(fitted.text.endsWith(`...\n${link}\n${footer}`)).toBe(true);
    expect(fitted.text.startsWith('Disk on db-1 is 97% full')).toBe(true);
  });

  it('fills max_segments of 153 septets each', () => {
    const fitted = fitSms({ body: 'x'.repeat(1000), link }, 3);
    expect(fitted).toMatchObject({ truncated: true, segments: 3, units: 3 * 153 });
    expect(fitted.text).toBe(`${'x'.repeat(3 * 153 - 3 - 1 - link.length)}...\n${link}`);
  });

  it('cuts a UCS-2 body (emoji) at a character boundary with "…"', () => {
    const body = `🔥 Пожар ${'🔥'.repeat(100)}`;
    const fitted = fitSms({ body, link, footer }, 2);
    expect(fitted).toMatchObject({ truncated: true, encoding: 'UCS-2', segments: 2 });
    expect(fitted.units).toBeLessThanOrEqual(134);
    expect(fitted.text.endsWith(`…\n${link}\n${footer}`)).toBe(true);
    // No lone surrogate is left behind by the cut.
    expect(fitted.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('drops a link too long to fit, then keeps the footer', () => {
    const long = `https://phoenix.example.com/${'a'.repeat(200)}`;
    const fitted = fitSms({ body: 'Database down', link: long, footer }, 1);
    expect(fitted.text).toBe(`Database down\n${footer}`);
    expect(fitted.truncated).toBe(true);
  });

  it('cuts everything as a last resort', () => {
    const fitted = fitSms({ body: 'b', footer: 'f'.repeat(400) }, 1);
    expect(fitted).toMatchObject({ truncated: true, segments: 1, units: 160 });
    expect(fitted.text.endsWith('...')).toBe(true);
  });
});
