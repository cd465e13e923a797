import { describe, expect, it } from 'vitest';
import { dejaVuFonts, renderTextPdf } from './pdf';
import { readBack } from './pdf-text.test-helper';

const fonts = () => ({ DejaVuSans: dejaVuFonts().regular, 'DejaVuSans-Bold': dejaVuFonts().bold, DejaVuSansMono: dejaVuFonts().mono });

describe('PDF reports (pdf-lib, DejaVu Sans embedded)', () => {
  const names = ['Jürgen Müller', 'Zoë Øvergård', 'Łukasz Żółć', 'Şükrü Çağlar', 'Nguyễn Thị Hương', 'Σωκράτης Παπαδόπουλος', 'Дмитрий Иванов', 'Հայկ', 'ნინო', 'François Côté', 'Ærøskøbing ß'];

  it('prints accented and non-Latin names as written, with the right glyph for every character', async () => {
    const result = await renderTextPdf('Prüfbericht für Schicht 2 — Ölpumpe', [{ text: 'Operators', bold: true }, ...names, 'Temperature 95 °C ≥ limit 90 °C, 5 % of 20 € — ok']);
    expect(result.missingGlyphs).toBe(0);
    const back = await readBack(result.bytes, fonts());
    expect(back.pages).toHaveLength(1);
    expect(back.pages[0]).toEqual(['Prüfbericht für Schicht 2 — Ölpumpe', 'Operators', ...names, 'Temperature 95 °C ≥ limit 90 °C, 5 % of 20 € — ok', '1 / 1']);
    expect(back.title).toBe('Prüfbericht für Schicht 2 — Ölpumpe');
    // The embedded subsets draw the outline DejaVu has for each character, so what prints is what reads back.
    expect(back.glyphsChecked).toBeGreaterThan(100);
    expect(back.wrongGlyphs).toEqual([]);
    // A subset, not the whole 700 KB font files.
    expect(result.bytes.length).toBeLessThan(100_000);
  });

  it('marks characters the font lacks with U+FFFD and counts them, instead of dropping them', async () => {
    const result = await renderTextPdf('Suppliers', ['東京精機 (Tokyo Seiki)', 'tab\there, bell\u0007']);
    expect(result.missingGlyphs).toBe(4);
    const back = await readBack(result.bytes, fonts());
    expect(back.pages[0]!.slice(1, 3)).toEqual(['\uFFFD\uFFFD\uFFFD\uFFFD (Tokyo Seiki)', 'tab  here, bell ']);
    expect(back.wrongGlyphs).toEqual([]);
  });

  it('wraps long lines at spaces by measured width and numbers every page', async () => {
    const long = `${'Überprüfung der Lagertemperatur '.repeat(8)}ende`;
    const lines = Array.from({ length: 120 }, (_, i) => `Line ${i + 1}: (parens) and \\ backslash`);
    const result = await renderTextPdf('Daily optimization report', [long, ...lines]);
    const back = await readBack(result.bytes, fonts());
    expect(result.pages).toBe(3);
    expect(back.pages.map((p) => p.at(-1))).toEqual(['1 / 3', '2 / 3', '3 / 3']);
    const all = back.pages.flatMap((p) => p.slice(0, -1));
    const wrapped = all.slice(1, all.indexOf('Line 1: (parens) and \\ backslash'));
    expect(wrapped.length).toBeGreaterThan(1);
    expect(wrapped.slice(1).every((l) => l.startsWith('  '))).toBe(true);
    expect(wrapped.map((l) => l.trim()).join(' ')).toBe(long.trim());
    expect(all).toContain('Line 120: (parens) and \\ backslash');
  });
});
