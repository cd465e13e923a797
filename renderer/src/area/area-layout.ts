/**
 * The geometry of a Level 2 area graphic. Positions are fractions of the free drawing (0..1 of the
 * width and height left once a machine box is taken off), so a box never leaves the drawing; a
 * saved layout is drawn on a screen with another box size by area-fit.ts. Pure: the screen does the
 * pointer work and the saving.
 */
import type { AreaLayout, AreaLink, AreaNode } from '../../../common/contract-area';

const byNumber = new Intl.Collator('en', { numeric: true });

export interface Resolved {
  nodes: AreaNode[];
  links: AreaLink[];
  /** Machines the saved layout places that the console no longer knows in this area; left out of the drawing. */
  missing: string[];
  /** Machines of the area the saved layout does not place yet; put in the free row below it. */
  added: string[];
}

/** Boxes are about this much wider than high. */
const BOX_ASPECT = 1.6;

/** Rows and columns for `count` boxes in a drawing `aspect` times as wide as high; a short line stays in one row. */
export function gridFor(count: number, aspect: number): { columns: number; rows: number } {
  if (count <= 0) return { columns: 1, rows: 1 };
  if (count <= Math.floor(aspect * 2)) return { columns: count, rows: 1 };
  const rows = Math.ceil(count / Math.max(1, Math.min(count, Math.ceil(Math.sqrt((count * aspect) / BOX_ASPECT)))));
  // As few columns as those rows need, so the last row is not left nearly empty.
  return { columns: Math.ceil(count / rows), rows };
}

const at = (i: number, n: number) => (n <= 1 ? 0.5 : i / (n - 1));

/**
 * Without an engineer's layout: the machines in flow order (id order, which is the order the line
 * was commissioned in), left to right and row by row, with no connections drawn, since none is known.
 */
export function automaticLayout(machineIds: readonly string[], aspect: number): AreaLayout {
  const ids = [...machineIds].sort(byNumber.compare);
  const { columns, rows } = gridFor(ids.length, aspect);
  return { nodes: ids.map((machineId, i) => ({ machineId, x: at(i % columns, columns), y: at(Math.floor(i / columns), rows) })), links: [] };
}

/**
 * The saved layout against the machines the area has now: machines that are gone are left out
 * (with their connections) and reported; machines the layout does not know yet are placed in a row
 * along the bottom, and reported, so nothing is hidden and nothing saved is lost until it is saved again.
 */
export function resolveLayout(machineIds: readonly string[], saved: AreaLayout | null, aspect: number): Resolved {
  if (saved === null) return { ...automaticLayout(machineIds, aspect), missing: [], added: [] };
  const present = new Set(machineIds);
  const nodes = saved.nodes.filter((n) => present.has(n.machineId));
  const missing = saved.nodes.filter((n) => !present.has(n.machineId)).map((n) => n.machineId);
  const placed = new Set(nodes.map((n) => n.machineId));
  const added = machineIds.filter((id) => !placed.has(id)).sort(byNumber.compare);
  added.forEach((machineId, i) => nodes.push({ machineId, x: added.length === 1 ? 0 : i / (added.length - 1), y: 1 }));
  const links = saved.links.filter((l) => placed.has(l.from) && placed.has(l.to));
  return { nodes, links, missing, added };
}

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

export function moveNode(layout: AreaLayout, machineId: string, x: number, y: number): AreaLayout {
  return { ...layout, nodes: layout.nodes.map((n) => (n.machineId === machineId ? { machineId, x: clamp01(x), y: clamp01(y) } : n)) };
}

/** Adds the connection from → to, or removes it when it is there; a machine never feeds itself. */
export function toggleLink(layout: AreaLayout, from: string, to: string): AreaLayout {
  if (from === to) return layout;
  const has = layout.links.some((l) => l.from === from && l.to === to);
  return { ...layout, links: has ? layout.links.filter((l) => !(l.from === from && l.to === to)) : [...layout.links, { from, to }] };
}

export interface BoxGeometry {
  /** Size of one machine box in pixels. */
  width: number;
  height: number;
  /** The font size inside the boxes in pixels: the graphic scales as a whole, like a drawing. */
  fontPx: number;
  /** Whether the box has room for key values, or shows name, state and alarm only. */
  detail: boolean;
}

/** The drawing's width in units of its font: about 130 characters across at the desk. */
const WIDTH_IN_FONT = 130;
/** Box height with its values, and the gap between boxes, in ems of the box font. */
const DETAIL_EM = 6;
const GAP_EM = 1.2;
/** A box narrower than this many ems cuts its name and values short. */
const READABLE_WIDTH_EM = 11;

/**
 * The machine box size for `count` machines in a drawing of `width` × `height` pixels. Box and font
 * are shares of the drawing; the automatic grid never overlaps. `screenFontPx` is the screen's own
 * font (the wallboard scale raises it): the box text grows to it, like the overview tiles, as far as
 * boxes with their values still fit the automatic grid, and never falls below the drawing's share.
 * A box that grows so takes a larger share of the drawing than the one a layout was arranged with:
 * area-fit.ts scales the layout with it.
 */
export function boxGeometry(count: number, width: number, height: number, screenFontPx = 0): BoxGeometry {
  const { columns, rows } = gridFor(count, width / Math.max(1, height));
  const share = width / WIDTH_IN_FONT;
  const fitting = Math.min(screenFontPx, width / columns / (READABLE_WIDTH_EM + GAP_EM), height / rows / (DETAIL_EM + GAP_EM));
  const fontPx = Math.max(share, fitting);
  const gap = fontPx * GAP_EM;
  const w = Math.min(fontPx * 17, Math.max(fontPx * 6, width / columns - gap));
  const h = Math.min(fontPx * 7.2, Math.max(fontPx * 2.6, height / rows - gap));
  return { width: Math.floor(w), height: Math.floor(h), fontPx, detail: h >= fontPx * DETAIL_EM };
}

/** The space the automatic grid leaves between boxes, and a box moved off another keeps from its neighbours. */
export const boxGap = (box: BoxGeometry) => box.fontPx * GAP_EM;

/** The top-left pixel of a box placed at fractions (x, y). */
export const toPixels = (node: Pick<AreaNode, 'x' | 'y'>, drawing: { width: number; height: number }, box: BoxGeometry) => ({
  left: node.x * Math.max(0, drawing.width - box.width),
  top: node.y * Math.max(0, drawing.height - box.height),
});

/** The fractions for a box whose top-left pixel is (left, top). */
export const toFractions = (left: number, top: number, drawing: { width: number; height: number }, box: BoxGeometry) => ({
  x: clamp01(left / Math.max(1, drawing.width - box.width)),
  y: clamp01(top / Math.max(1, drawing.height - box.height)),
});

/**
 * A connection drawn from the edge of one box to the edge of the next, not centre to centre, so
 * the arrow head sits where it can be seen.
 */
export function linkPath(from: { left: number; top: number }, to: { left: number; top: number }, box: BoxGeometry): { x1: number; y1: number; x2: number; y2: number } {
  const a = { x: from.left + box.width / 2, y: from.top + box.height / 2 };
  const b = { x: to.left + box.width / 2, y: to.top + box.height / 2 };
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  // How far along the centre line the box's edge lies.
  const edge = (sx: number, sy: number) => Math.min(sx === 0 ? Infinity : box.width / 2 / Math.abs(sx), sy === 0 ? Infinity : box.height / 2 / Math.abs(sy));
  const t = Math.min(0.5, edge(dx, dy));
  return { x1: a.x + dx * t, y1: a.y + dy * t, x2: b.x - dx * t, y2: b.y - dy * t };
}
