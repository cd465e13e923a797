/**
 * A minimal PDF 1.4 writer for text documents (reports, purchase orders): A4 pages of Helvetica
 * lines, a cross-reference table and a trailer. Enough for a printable record without a PDF library.
 * Text outside Latin-1 is replaced, since the standard fonts carry no other glyphs.
 */

const PAGE_W = 595;
const PAGE_H = 842;
const MARGIN = 50;
const SIZE = 10;
const LEADING = 14;
const LINES_PER_PAGE = Math.floor((PAGE_H - 2 * MARGIN) / LEADING);
/** Helvetica at 10 pt fits roughly this many average characters across the text width. */
const WRAP = 95;

function latin1(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += code === 0x2212 || code === 0x2013 || code === 0x2014 ? '-' : code === 0x2265 ? '>=' : code === 0x2264 ? '<=' : code < 0x20 || code > 0xff || (code >= 0x7f && code < 0xa0) ? '?' : ch;
  }
  return out;
}

const escape = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);

function wrap(line: string): string[] {
  if (line.length <= WRAP) return [line];
  const out: string[] = [];
  let rest = line;
  while (rest.length > WRAP) {
    const cut = rest.lastIndexOf(' ', WRAP);
    const at = cut > WRAP / 2 ? cut : WRAP;
    out.push(rest.slice(0, at));
    rest = `  ${rest.slice(at).trimStart()}`;
  }
  out.push(rest);
  return out;
}

export interface PdfLine {
  text: string;
  bold?: boolean;
}

export function textPdf(title: string, lines: readonly (string | PdfLine)[]): Uint8Array {
  const all: PdfLine[] = [{ text: title, bold: true }, { text: '' }];
  for (const l of lines) {
    const line = typeof l === 'string' ? { text: l } : l;
    for (const part of wrap(latin1(line.text))) all.push({ text: part, bold: line.bold });
  }
  const pages: PdfLine[][] = [];
  for (let i = 0; i < all.length; i += LINES_PER_PAGE) pages.push(all.slice(i, i + LINES_PER_PAGE));

  // Objects: 1 catalog, 2 page tree, 3 and 4 fonts, then a page and its content stream per page.
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 5 + 2 * i);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  pages.forEach((page, i) => {
    const ops = page.map((l, j) => `BT /${l.bold ? 'F2' : 'F1'} ${SIZE} Tf ${MARGIN} ${PAGE_H - MARGIN - j * LEADING} Td (${escape(l.text)}) Tj ET`);
    ops.push(`BT /F1 8 Tf ${PAGE_W - MARGIN - 40} ${MARGIN / 2} Td (${i + 1} / ${pages.length}) Tj ET`);
    const stream = ops.join('\n');
    objects[pageIds[i]!] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`;
    objects[pageIds[i]! + 1] = `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`;
  });

  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(body, 'latin1');
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(body, 'latin1'));
}
