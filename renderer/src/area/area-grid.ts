/**
 * The automatic arrangement's grid and machine box, from a handful of machines to 500 in one area.
 * Few machines get boxes with their key values; more get brief boxes (name, worst alarm, a state
 * that is not normal); past what brief boxes fit without one over another, the grid is chosen for
 * one-line boxes ("mini") and their font shrinks as far as the count forces it, so the whole area
 * stays inside the drawing's fixed shape and no box ever lies over another. Sizes are shares of
 * the drawing, so the choice of grid depends on the drawing's shape only. Pure.
 */

/** How much a box shows: values; name and state; one line with the name (the full name is on hover and focus). */
export type BoxDensity = 'detail' | 'brief' | 'mini';

export interface BoxGeometry {
  /** Size of one machine box in pixels. */
  width: number;
  height: number;
  /** The font size inside the boxes in pixels: the graphic scales as a whole, like a drawing. */
  fontPx: number;
  /** Whether the box has room for key values, or shows name, state and alarm only. */
  detail: boolean;
  density: BoxDensity;
}

/** Boxes are about this much wider than high. */
const BOX_ASPECT = 1.6;

/** The drawing's width in units of its font: about 130 characters across at the desk. */
const WIDTH_IN_FONT = 130;
/** Box height with its values, and the gap between boxes, in ems of the box font. */
const DETAIL_EM = 6;
const GAP_EM = 1.2;
/** A box narrower than this many ems cuts its name and values short. */
const READABLE_WIDTH_EM = 11;
/** The smallest brief box, in ems: narrower or lower, boxes of the grid below would lie over one another. */
const BRIEF_WIDTH_EM = 6;
const BRIEF_HEIGHT_EM = 2.6;
/** A one-line box in ems (about eight characters of a name, like the overview's micro tile), and the gap the dense grid keeps. */
export const MINI_WIDTH_EM = 6.4;
export const MINI_HEIGHT_EM = 1.8;
export const MINI_GAP_EM = 0.35;
/** A wider or higher box than this many ems adds nothing but space. */
const MAX_WIDTH_EM = 17;
const MAX_HEIGHT_EM = 7.2;

/** Rows and columns for `count` boxes in a drawing `aspect` times as wide as high; a short line stays in one row. */
export function gridFor(count: number, aspect: number): { columns: number; rows: number } {
  if (count <= 0) return { columns: 1, rows: 1 };
  if (count <= Math.floor(aspect * 2)) return { columns: count, rows: 1 };
  const rows = Math.ceil(count / Math.max(1, Math.min(count, Math.ceil(Math.sqrt((count * aspect) / BOX_ASPECT)))));
  // As few columns as those rows need, so the last row is not left nearly empty.
  return { columns: Math.ceil(count / rows), rows };
}

/**
 * The columns and rows at which `count` one-line boxes are largest in a drawing `aspect` times as
 * wide as high, and that largest font as a share of the drawing's height.
 */
export function denseGrid(count: number, aspect: number): { columns: number; rows: number; fontShare: number } {
  const n = Math.max(1, count);
  const width = Math.max(0, aspect);
  let best = { columns: n, rows: 1, fontShare: -1 };
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    // Skip column counts that leave the same rows as one column fewer: the fewer columns are wider.
    if (columns > 1 && Math.ceil(n / (columns - 1)) === rows) continue;
    const fontShare = Math.min(width / (columns * MINI_WIDTH_EM + (columns - 1) * MINI_GAP_EM), 1 / (rows * MINI_HEIGHT_EM + (rows - 1) * MINI_GAP_EM));
    if (fontShare > best.fontShare) best = { columns: Math.ceil(n / rows), rows, fontShare };
  }
  return best;
}

/**
 * Whether brief boxes at the drawing's share of font fit the grid gridFor gives: the grid leaves
 * each column and row at least a brief box and a gap. Depends on the count and the drawing's shape only.
 */
const briefFits = (columns: number, rows: number, aspect: number) =>
  columns * (BRIEF_WIDTH_EM + GAP_EM) <= WIDTH_IN_FONT + 1e-9 && rows * (BRIEF_HEIGHT_EM + GAP_EM) * aspect <= WIDTH_IN_FONT + 1e-9;

/** The automatic arrangement's columns and rows, and whether it is the dense grid of one-line boxes. */
export function autoGrid(count: number, aspect: number): { columns: number; rows: number; dense: boolean } {
  const grid = gridFor(count, aspect);
  if (!(aspect > 0) || briefFits(grid.columns, grid.rows, aspect)) return { ...grid, dense: false };
  const { columns, rows } = denseGrid(count, aspect);
  return { columns, rows, dense: true };
}

/**
 * The machine box size for `count` machines in a drawing of `width` × `height` pixels. Box and font
 * are shares of the drawing; the automatic grid never overlaps. `screenFontPx` is the screen's own
 * font (the wallboard scale raises it): the box text grows to it, like the overview tiles, as far as
 * boxes with their values still fit the automatic grid, and never falls below the drawing's share.
 * A box that grows so takes a larger share of the drawing than the one a layout was arranged with:
 * area-fit.ts scales the layout with it. Too many machines for brief boxes at the drawing's share:
 * one-line boxes, as large as the dense grid lets them be and never above that share.
 */
export function boxGeometry(count: number, width: number, height: number, screenFontPx = 0): BoxGeometry {
  const aspect = width / Math.max(1, height);
  const { columns, rows, dense } = autoGrid(count, aspect);
  const share = width / WIDTH_IN_FONT;
  if (dense) {
    const fontPx = Math.min(share, denseGrid(count, aspect).fontShare * height);
    const gap = fontPx * MINI_GAP_EM;
    // Each box no larger than its cell less the gap: columns × box + the gaps between them fit the drawing.
    const w = Math.min(fontPx * MAX_WIDTH_EM, (width - (columns - 1) * gap) / columns);
    const h = Math.min(fontPx * BRIEF_HEIGHT_EM, (height - (rows - 1) * gap) / rows);
    return { width: Math.max(0, Math.floor(w)), height: Math.max(0, Math.floor(h)), fontPx, detail: false, density: 'mini' };
  }
  const fitting = Math.min(screenFontPx, width / columns / (READABLE_WIDTH_EM + GAP_EM), height / rows / (DETAIL_EM + GAP_EM));
  const fontPx = Math.max(share, fitting);
  const gap = fontPx * GAP_EM;
  const w = Math.min(fontPx * MAX_WIDTH_EM, Math.max(fontPx * BRIEF_WIDTH_EM, width / columns - gap));
  const h = Math.min(fontPx * MAX_HEIGHT_EM, Math.max(fontPx * BRIEF_HEIGHT_EM, height / rows - gap));
  const detail = h >= fontPx * DETAIL_EM;
  return { width: Math.floor(w), height: Math.floor(h), fontPx, detail, density: detail ? 'detail' : 'brief' };
}

/** The space the automatic grid leaves between boxes, and a box moved off another keeps from its neighbours. */
export const boxGap = (box: BoxGeometry) => box.fontPx * (box.density === 'mini' ? MINI_GAP_EM : GAP_EM);
