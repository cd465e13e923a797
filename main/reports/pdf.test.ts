import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textPdf } from './pdf';

/** Checks the structure a reader relies on: every xref offset lands on its object, and startxref on the xref. */
function checkXref(pdf: Uint8Array): number {
  const text = Buffer.from(pdf).toString('latin1');
  expect(text.startsWith('%PDF-1.4\n')).toBe(true);
  expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
  const startxref = Number(/startxref\n(\d+)\n%%EOF/.exec(text)![1]);
  expect(text.slice(startxref, startxref + 4)).toBe('xref');
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref))!;
  expect(Number(first)).toBe(0);
  const entries = text.slice(startxref).split('\n').slice(2, 2 + Number(count));
  entries.slice(1).forEach((e, i) => {
    expect(e).toMatch(/^\d{10} 00000 n $/);
    expect(text.slice(Number(e.slice(0, 10))).startsWith(`${i + 1} 0 obj`)).toBe(true);
  });
  const trailer = /trailer\n<< \/Size (\d+) \/Root 1 0 R >>/.exec(text);
  expect(Number(trailer![1])).toBe(Number(count));
  for (const m of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) expect(text.slice(m.index + m[0].length + Number(m[1]), m.index + m[0].length + Number(m[1]) + 10)).toBe('\nendstream');
  return Number(count);
}

const hasPdftotext = spawnSync('pdftotext', ['-v']).error === undefined;

describe('minimal PDF writer', () => {
  const lines = Array.from({ length: 130 }, (_, i) => `Line ${i + 1}: (parens) and \\ backslash, 5 % of 20 € ≥ 1 — ok`);
  const pdf = textPdf('Daily optimization report', ['Summary', { text: 'Bold heading', bold: true }, ...lines]);

  it('writes a valid xref table and trailer over several pages', () => {
    // catalog, pages, 2 fonts, and a page + content per page: 3 pages for 134 lines
    expect(checkXref(pdf)).toBe(1 + 4 + 2 * 3);
  });

  it.runIf(hasPdftotext)('reads back with poppler pdftotext', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-pdf-'));
    try {
      writeFileSync(join(dir, 'r.pdf'), pdf);
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toContain('Daily optimization report');
      expect(text).toContain('Line 130: (parens) and \\ backslash, 5 % of 20 ? >= 1 - ok');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
