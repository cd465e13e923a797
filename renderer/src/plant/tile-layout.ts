/**
 * How densely the overview draws its tiles, so that the whole plant fits the screen without
 * scrolling, from a handful of machines on a desk to 500 on a wallboard. A tile's size is set in
 * ems of its own font; the layout picks the richest tile that still fits at a readable font, and
 * shrinks the font only as far as the machine count forces it.
 */

export type TileDensity = 'full' | 'compact' | 'mini' | 'micro';

export interface TileShape {
  density: TileDensity;
  /** Key metrics drawn as analog bars. */
  metrics: number;
  /** Tile width and height in ems of the tile font. */
  widthEm: number;
  heightEm: number;
}

/** Head line + condition line + padding; each metric row is a value line and a bar with its sparkline. */
const HEAD_EM = 3.3;
const METRIC_EM = 2.35;
const full = (metrics: number): TileShape => ({ density: 'full', metrics, widthEm: 15, heightEm: HEAD_EM + metrics * METRIC_EM });

/** Richest first. */
export const TILE_SHAPES: readonly TileShape[] = [
  full(4),
  full(3),
  full(2),
  { density: 'compact', metrics: 1, widthEm: 12, heightEm: HEAD_EM + METRIC_EM },
  { density: 'mini', metrics: 0, widthEm: 8.5, heightEm: 3.1 },
  { density: 'micro', metrics: 0, widthEm: 6.6, heightEm: 1.9 },
];

/** Gap between tiles, in ems of the tile font. */
export const GAP_EM = 0.3;
/** A richer tile is taken only while its font stays at least this share of the screen's own. */
export const READABLE_SHARE = 0.7;
/** Below this the text is unreadable at any distance; the layout never goes smaller. */
export const MIN_FONT_PX = 6;

export interface TileLayout extends TileShape {
  fontPx: number;
  columns: number;
  rows: number;
  /** Row height in px (the tile's height at fontPx). */
  rowPx: number;
  /** Whether every cell fits; false only past what MIN_FONT_PX allows. */
  fits: boolean;
}

const capacity = (shape: TileShape, fontPx: number, width: number, height: number) => {
  const gap = GAP_EM * fontPx;
  const columns = Math.floor((width + gap) / (shape.widthEm * fontPx + gap));
  const rows = Math.max(0, Math.floor((height + gap) / (shape.heightEm * fontPx + gap)));
  return { columns, rows };
};

/** The largest font (in half-pixel steps, at most `basePx`) at which `cells` tiles of this shape fit; null if none down to `minPx` does. */
export function fitFont(shape: TileShape, cells: number, width: number, height: number, basePx: number, minPx = MIN_FONT_PX): number | null {
  for (let f = Math.floor(basePx * 2) / 2; f >= minPx; f -= 0.5) {
    const { columns, rows } = capacity(shape, f, width, height);
    if (columns * rows >= cells) return f;
  }
  return null;
}

/**
 * Picks the tile shape and font for `cells` grid cells (machines plus one header cell per area) in a
 * `width` x `height` px box, where the screen's own font is `basePx`.
 */
export function chooseTileLayout(cells: number, width: number, height: number, basePx: number): TileLayout {
  const n = Math.max(1, cells);
  const micro = TILE_SHAPES[TILE_SHAPES.length - 1]!;
  const make = (shape: TileShape, fontPx: number, fits: boolean): TileLayout => {
    const columns = Math.max(1, capacity(shape, fontPx, width, height).columns);
    return { ...shape, fontPx, columns, rows: Math.ceil(n / columns), rowPx: shape.heightEm * fontPx, fits };
  };
  if (!(width > 0 && height > 0 && basePx > 0)) return make(micro, Math.max(MIN_FONT_PX, basePx || MIN_FONT_PX), false);
  for (const shape of TILE_SHAPES) {
    if (shape === micro) break;
    const f = fitFont(shape, n, width, height, basePx, Math.max(MIN_FONT_PX, basePx * READABLE_SHARE));
    if (f !== null) return make(shape, f, true);
  }
  const f = fitFont(micro, n, width, height, basePx);
  return f === null ? make(micro, MIN_FONT_PX, false) : make(micro, f, true);
}

/** Where one cell lies in the grid box, in px. */
export interface TilePlace {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The cells' boxes in reading order, as a grid of `layout.columns` equal columns across `width` would
 * place them. The overview places its tiles itself: an absolutely placed box of fixed size is its own
 * layout root in the browser, so a tile that redraws does not lay out the whole grid again.
 */
export function tilePlaces(cells: number, layout: TileLayout, width: number): TilePlace[] {
  const gap = GAP_EM * layout.fontPx;
  const columnPx = Math.max(0, (width - (layout.columns - 1) * gap) / layout.columns);
  return Array.from({ length: Math.max(0, cells) }, (_, i) => {
    const column = i % layout.columns;
    const row = Math.floor(i / layout.columns);
    return { left: column * (columnPx + gap), top: row * (layout.rowPx + gap), width: columnPx, height: layout.rowPx };
  });
}

/** A run of whole rows of cells, drawn as one layer (see MachineGrid). */
export interface TileBand {
  place: TilePlace;
  /** Index of its first cell, and how many cells it holds. */
  first: number;
  count: number;
  /** Its cells' places inside the band. */
  places: TilePlace[];
}

/** Groups the placed cells into bands of `rowsPerBand` rows across the whole `width`. */
export function tileBands(places: readonly TilePlace[], columns: number, width: number, rowsPerBand = 1): TileBand[] {
  const per = Math.max(1, columns * rowsPerBand);
  const bands: TileBand[] = [];
  for (let first = 0; first < places.length; first += per) {
    const cells = places.slice(first, first + per);
    const top = Math.min(...cells.map((p) => p.top));
    const bottom = Math.max(...cells.map((p) => p.top + p.height));
    bands.push({ place: { left: 0, top, width, height: bottom - top }, first, count: cells.length, places: cells.map((p) => ({ ...p, top: p.top - top })) });
  }
  return bands;
}
