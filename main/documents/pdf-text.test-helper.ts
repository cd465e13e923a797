/**
 * Reads back what a PDF of ours prints, for tests: each page's text lines (through the fonts'
 * ToUnicode maps, the way a PDF reader copies text), and for every glyph drawn, whether the embedded
 * font's outline is the one DejaVu Sans has for that character. Handles what pdf-lib writes
 * (hex-string Tj with Identity-H fonts), not PDF at large.
 */
import fontkit from '@pdf-lib/fontkit';
import type { PDFRawStream, PDFRef } from 'pdf-lib';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName } from 'pdf-lib';

interface FontInfo {
  toUnicode: Map<number, string>;
}

export interface ReadBack {
  pages: string[][];
  /** Glyphs whose embedded outline differs from the source font's outline for the character it maps to. */
  wrongGlyphs: string[];
  glyphsChecked: number;
  title: string | undefined;
}

const hexToString = (hex: string) => {
  const units: number[] = [];
  for (let i = 0; i < hex.length; i += 4) units.push(parseInt(hex.slice(i, i + 4), 16));
  return String.fromCharCode(...units);
};

function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(m[1]!, 16), hexToString(m[2]!));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])/g)) {
      const lo = parseInt(m[1]!, 16);
      const hi = parseInt(m[2]!, 16);
      if (m[3]!.startsWith('[')) {
        [...m[3]!.matchAll(/<([0-9a-fA-F]+)>/g)].forEach((d, i) => map.set(lo + i, hexToString(d[1]!)));
      } else {
        const start = hexToString(m[3]!.slice(1, -1));
        for (let code = lo; code <= hi; code++) map.set(code, start.slice(0, -1) + String.fromCharCode(start.charCodeAt(start.length - 1) + code - lo));
      }
    }
  }
  return map;
}

const streamText = (doc: PDFDocument, ref: unknown) => Buffer.from(decodePDFRawStream(doc.context.lookup(ref as PDFRef) as PDFRawStream).decode()).toString('latin1');
const streamBytes = (doc: PDFDocument, ref: unknown) => decodePDFRawStream(doc.context.lookup(ref as PDFRef) as PDFRawStream).decode();

export async function readBack(pdf: Uint8Array, sourceFonts: Record<string, Uint8Array>): Promise<ReadBack> {
  const doc = await PDFDocument.load(pdf);
  const sources = Object.fromEntries(Object.entries(sourceFonts).map(([name, bytes]) => [name, fontkit.create(Buffer.from(bytes))]));
  const fonts = new Map<string, FontInfo>();
  const wrongGlyphs: string[] = [];
  let glyphsChecked = 0;
  const pages: string[][] = [];
  for (const page of doc.getPages()) {
    const fontDict = page.node.Resources()!.lookup(PDFName.of('Font'), PDFDict);
    for (const [key, ref] of fontDict.entries()) {
      if (fonts.has(key.asString())) continue;
      const font = doc.context.lookup(ref, PDFDict);
      const toUnicode = parseToUnicode(streamText(doc, font.get(PDFName.of('ToUnicode'))));
      const descendant = font.lookup(PDFName.of('DescendantFonts'), PDFArray).lookup(0, PDFDict);
      const descriptor = descendant.lookup(PDFName.of('FontDescriptor'), PDFDict);
      const embedded = fontkit.create(Buffer.from(streamBytes(doc, descriptor.get(PDFName.of('FontFile2')))));
      // pdf-lib names the font after the file's PostScript name (DejaVuSans-Bold-<random>).
      const baseName = font.lookup(PDFName.of('BaseFont'), PDFName).asString().replace(/^\/(?:[A-Z]{6}\+)?/, '').replace(/-\d+$/, '');
      const source = sources[baseName];
      if (!source) throw new Error(`no source font given for ${baseName}`);
      fonts.set(key.asString(), { toUnicode });
      for (const [gid, text] of toUnicode) {
        glyphsChecked++;
        const expected = source.glyphForCodePoint(text.codePointAt(0)!).path.toSVG();
        if (embedded.getGlyph(gid).path.toSVG() !== expected) wrongGlyphs.push(`${baseName} glyph ${gid} (${text})`);
      }
    }
    const contents = page.node.Contents();
    const refs = contents instanceof PDFArray ? contents.asArray() : [page.node.get(PDFName.of('Contents'))];
    const ops = refs.map((r) => streamText(doc, r)).join('\n');
    const lines: string[] = [];
    let current: FontInfo | undefined;
    for (const m of ops.matchAll(/\/(\S+) [\d.]+ Tf|<([0-9A-Fa-f]*)> Tj/g)) {
      if (m[1] !== undefined) current = fonts.get(`/${m[1]}`);
      else {
        let text = '';
        for (let i = 0; i < m[2]!.length; i += 4) text += current!.toUnicode.get(parseInt(m[2]!.slice(i, i + 4), 16)) ?? '\u0000';
        lines.push(text);
      }
    }
    pages.push(lines);
  }
  return { pages, wrongGlyphs, glyphsChecked, title: doc.getTitle() };
}
