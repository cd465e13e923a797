/**
 * Text documents (reports, purchase orders) as PDF through pdf-lib: A4 pages of lines in DejaVu
 * Sans (DejaVu Sans Mono for columns), embedded as subsets, so accented and non-Latin names (Greek,
 * Cyrillic, Armenian, Georgian and the Latin extensions) print as written. A character the font has
 * no glyph for (CJK, for one) prints as U+FFFD, a visible mark, and is counted in `missingGlyphs`,
 * so a report never drops a name silently. Right-to-left text is drawn in stored order.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 50;
const SIZE = 10;
const TITLE_SIZE = 13;
const LEADING = 14;
const FOOTER_SIZE = 8;
const TEXT_W = PAGE_W - 2 * MARGIN;
const REPLACEMENT = '\uFFFD';

export interface PdfLine {
  text: string;
  bold?: boolean;
  /** Fixed width (DejaVu Sans Mono), for columns laid out with spaces. */
  mono?: boolean;
}

export interface PdfOptions {
  /** Creation time written into the document's metadata; default now. */
  created?: Date;
  /** Document subject (metadata). */
  subject?: string;
}

export interface PdfFonts {
  regular: Uint8Array;
  bold: Uint8Array;
  mono: Uint8Array;
}

let cached: PdfFonts | null = null;

/** DejaVu Sans from the dejavu-fonts-ttf package, read once. */
export function dejaVuFonts(): PdfFonts {
  if (cached) return cached;
  const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  cached = { regular: readFileSync(join(dir, 'DejaVuSans.ttf')), bold: readFileSync(join(dir, 'DejaVuSans-Bold.ttf')), mono: readFileSync(join(dir, 'DejaVuSansMono.ttf')) };
  return cached;
}

const characterSets = new WeakMap<PDFFont, Set<number>>();

/** Control characters become spaces (tabs two), and characters the font lacks U+FFFD. */
function printable(text: string, font: PDFFont, missing: { count: number }): string {
  let supported = characterSets.get(font);
  if (!supported) characterSets.set(font, (supported = new Set(font.getCharacterSet())));
  let out = '';
  for (const ch of text.replace(/\t/g, '  ')) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += ' ';
    else if (supported.has(code)) out += ch;
    else {
      missing.count++;
      out += REPLACEMENT;
    }
  }
  return out;
}

/** Breaks a line at spaces to fit the text width; a word longer than the width is cut. Continuations are indented. */
function wrap(text: string, font: PDFFont, size: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= TEXT_W;
  if (fits(text)) return [text];
  const out: string[] = [];
  let rest = text;
  while (!fits(rest)) {
    const chars = Array.from(rest);
    // Longest prefix that fits, by binary search on code points.
    let lo = 1;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(chars.slice(0, mid).join(''))) lo = mid;
      else hi = mid - 1;
    }
    const prefix = chars.slice(0, lo).join('');
    const space = prefix.lastIndexOf(' ');
    const cut = space > prefix.length / 2 ? space : prefix.length;
    out.push(rest.slice(0, cut));
    rest = `  ${rest.slice(cut).trimStart()}`;
  }
  out.push(rest);
  return out;
}

export interface PdfResult {
  bytes: Uint8Array;
  pages: number;
  /** Characters printed as U+FFFD because the font has no glyph for them. */
  missingGlyphs: number;
}

export async function renderTextPdf(title: string, lines: readonly (string | PdfLine)[], options: PdfOptions = {}): Promise<PdfResult> {
  const files = dejaVuFonts();
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(files.regular, { subset: true });
  const bold = await doc.embedFont(files.bold, { subset: true });
  // Embedded only when used: an unused font would still carry its tables into the file.
  let mono: PDFFont | null = null;
  const missing = { count: 0 };
  const safeTitle = printable(title, bold, missing);
  doc.setTitle(safeTitle);
  doc.setCreator('FactoryBrain');
  doc.setProducer('FactoryBrain (pdf-lib)');
  if (options.subject) doc.setSubject(options.subject);
  const created = options.created ?? new Date();
  doc.setCreationDate(created);
  doc.setModificationDate(created);

  const laid: { text: string; font: PDFFont; size: number }[] = [];
  for (const part of wrap(safeTitle, bold, TITLE_SIZE)) laid.push({ text: part, font: bold, size: TITLE_SIZE });
  laid.push({ text: '', font: regular, size: SIZE });
  for (const l of lines) {
    const line = typeof l === 'string' ? { text: l } : l;
    const font = line.mono ? (mono ??= await doc.embedFont(files.mono, { subset: true })) : line.bold ? bold : regular;
    for (const part of wrap(printable(line.text, font, missing), font, SIZE)) laid.push({ text: part, font, size: SIZE });
  }

  const perPage = Math.floor((PAGE_H - 2 * MARGIN) / LEADING);
  const pages: PDFPage[] = [];
  for (let i = 0; i < laid.length; i += perPage) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    pages.push(page);
    laid.slice(i, i + perPage).forEach((l, j) => {
      if (l.text.trim() !== '') page.drawText(l.text, { x: MARGIN, y: PAGE_H - MARGIN - l.size - j * LEADING, size: l.size, font: l.font });
    });
  }
  pages.forEach((page, i) => {
    const label = `${i + 1} / ${pages.length}`;
    page.drawText(label, { x: PAGE_W - MARGIN - regular.widthOfTextAtSize(label, FOOTER_SIZE), y: MARGIN / 2, size: FOOTER_SIZE, font: regular });
  });
  return { bytes: await doc.save(), pages: pages.length, missingGlyphs: missing.count };
}

export async function textPdf(title: string, lines: readonly (string | PdfLine)[], options: PdfOptions = {}): Promise<Uint8Array> {
  return (await renderTextPdf(title, lines, options)).bytes;
}
