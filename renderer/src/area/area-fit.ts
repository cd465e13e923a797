/**
 * How a saved area layout meets the screen it is drawn on. A layout keeps its positions as
 * fractions of the free drawing together with the box size it was arranged with; where the boxes
 * take a larger or smaller share of the drawing (a 4K wall at wallboard type, a narrow desk screen),
 * the positions are scaled in box units, so the layout keeps its shape, and a box that still lies
 * over another is moved to the nearest free place. Pure: the screen measures and draws.
 */
import type { AreaBox, AreaLayout, AreaNode } from '../../../common/contract-area';
import { automaticLayout, boxGeometry, type BoxGeometry, type Resolved } from './area-layout';

export interface Drawing {
  width: number;
  height: number;
}
type Box = Pick<BoxGeometry, 'width' | 'height'>;

/** The box's width and height as shares of the drawing's. */
export const boxShare = (box: Box, drawing: Drawing): AreaBox => ({
  width: Math.min(1, box.width / Math.max(1, drawing.width)),
  height: Math.min(1, box.height / Math.max(1, drawing.height)),
});

/** Space kept below the drawing on the first screen, and the least height it is ever given, in ems of the screen's font. */
const ROOM_MARGIN_EM = 0.6;
const ROOM_MIN_EM = 10;

/**
 * The most height the drawing may take so that it ends on the first screen, without scrolling: what
 * the viewport leaves below the drawing's top (in the unscrolled page), less a margin. Where the
 * screen is too low for that to be of use, a least height of its own, and the page scrolls.
 */
export function drawingRoom(viewportHeight: number, drawingTop: number, screenFontPx: number): number {
  const em = Math.max(1, screenFontPx);
  return Math.max(ROOM_MIN_EM * em, viewportHeight - drawingTop - ROOM_MARGIN_EM * em);
}

/** The drawing's fixed 16:5 shape (area-graphic.css) at a desk size: what layouts saved before the box was recorded were arranged on. */
const LEGACY_DRAWING: Drawing = { width: 1600, height: 500 };

/**
 * The box a layout was arranged with. A layout saved before the box was recorded was arranged
 * when the box was the drawing's own share (the screen font did not enlarge it yet), so that box,
 * for the area's machine count, is the one its fractions are read with.
 */
export function designBox(layout: AreaLayout, count: number): AreaBox {
  return layout.box ?? boxShare(boxGeometry(count, LEGACY_DRAWING.width, LEGACY_DRAWING.height), LEGACY_DRAWING);
}

/** How many box lengths a box's near edge can travel across the drawing. */
const room = (share: number) => (share >= 1 ? 0 : (1 - share) / share);
const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

/**
 * Positions arranged with box `from` for a screen whose box is `to`. Measured in box lengths the
 * layout keeps its shape: on a roomier screen it spreads to the share of the drawing it had; where
 * the boxes are larger it keeps its spacing as far as the drawing holds it, and moves closer
 * together only as far as it must to stay inside. The same box gives the same positions.
 */
export function scalePositions(nodes: readonly AreaNode[], from: AreaBox, to: AreaBox): AreaNode[] {
  const was = { x: room(from.width), y: room(from.height) };
  const now = { x: room(to.width), y: room(to.height) };
  if (Math.abs(was.x - now.x) < 1e-9 && Math.abs(was.y - now.y) < 1e-9) return nodes.map((n) => ({ ...n }));
  const units = nodes.map((n) => ({ u: n.x * was.x, v: n.y * was.y }));
  const within = (have: number, need: number) => (need <= 0 ? Infinity : have / need);
  const fill = Math.min(within(now.x, was.x), within(now.y, was.y));
  const fit = Math.min(within(now.x, Math.max(0, ...units.map((p) => p.u))), within(now.y, Math.max(0, ...units.map((p) => p.v))));
  const k = Math.max(fill, Math.min(1, fit));
  const scale = Number.isFinite(k) ? k : 1;
  return nodes.map((n, i) => ({
    machineId: n.machineId,
    x: now.x > 0 ? clamp01((units[i]!.u * scale) / now.x) : 0,
    y: now.y > 0 ? clamp01((units[i]!.v * scale) / now.y) : 0,
  }));
}

/** Boxes closer than this (pixels) along both axes lie over one another. */
const TOUCH = 0.5;
/** Places looked at in one search for free places at most: a drawing too full to answer within it counts as full, so a frame never waits long. */
const SEARCH_BUDGET = 60_000;

interface Point {
  left: number;
  top: number;
}

/** Placed boxes by their top-left pixel, bucketed by box size so a look-up checks the neighbours only. */
function placedBoxes(box: Box) {
  const cells = new Map<number, Point[]>();
  const key = (cx: number, cy: number) => cx * 1_000_003 + cy;
  const cellOf = (p: Point) => [Math.floor(p.left / box.width), Math.floor(p.top / box.height)] as const;
  return {
    add(p: Point) {
      const [cx, cy] = cellOf(p);
      const list = cells.get(key(cx, cy));
      if (list) list.push(p);
      else cells.set(key(cx, cy), [p]);
    },
    /** Placed boxes nearer than a box plus `clearance` along both axes (with `first`, the first found only). */
    near(p: Point, clearance: number, first = false): Point[] {
      const [cx, cy] = cellOf(p);
      const rx = 1 + Math.ceil(clearance / box.width);
      const ry = 1 + Math.ceil(clearance / box.height);
      const out: Point[] = [];
      for (let x = cx - rx; x <= cx + rx; x++)
        for (let y = cy - ry; y <= cy + ry; y++)
          for (const q of cells.get(key(x, y)) ?? [])
            if (Math.abs(q.left - p.left) < box.width + clearance - TOUCH && Math.abs(q.top - p.top) < box.height + clearance - TOUCH) {
              out.push(q);
              if (first) return out;
            }
      return out;
    },
  };
}
type Placed = ReturnType<typeof placedBoxes>;

/**
 * The free place for a box nearest to `from`, at least `clearance` pixels from every placed box:
 * beside one of its neighbours, or on a lattice a quarter box fine, searched outwards ring by ring.
 * Null when the drawing has none.
 */
function nearestFree(from: Point, placed: Placed, box: Box, bounds: Point, clearance: number, budget: { left: number }): Point | null {
  const inside = (p: Point) => p.left >= -1e-6 && p.top >= -1e-6 && p.left <= bounds.left + 1e-6 && p.top <= bounds.top + 1e-6;
  const clampTo = (p: Point) => ({ left: Math.min(bounds.left, Math.max(0, p.left)), top: Math.min(bounds.top, Math.max(0, p.top)) });
  let best: Point | null = null;
  let bestDistance = Infinity;
  const consider = (p: Point) => {
    if (!inside(p)) return;
    budget.left--;
    const d = Math.hypot(p.left - from.left, p.top - from.top);
    if (d < bestDistance && placed.near(p, clearance, true).length === 0) {
      best = p;
      bestDistance = d;
    }
  };
  consider(clampTo(from));
  const dx = box.width + clearance;
  const dy = box.height + clearance;
  for (const q of placed.near(from, Math.max(box.width, box.height) * 2)) {
    for (const [sx, sy] of [[-1, 0], [1, 0], [0, -1], [0, 1], [-1, -1], [-1, 1], [1, -1], [1, 1]] as const) {
      consider({ left: q.left + sx * dx, top: q.top + sy * dy });
      if (sy === 0) consider({ left: q.left + sx * dx, top: from.top });
      if (sx === 0) consider({ left: from.left, top: q.top + sy * dy });
    }
  }
  const step = Math.max(1, Math.min(box.width, box.height) / 4);
  const rings = Math.ceil(Math.max(bounds.left, bounds.top) / step) + 1;
  for (let r = 1; r <= rings && r * step < bestDistance && budget.left > 0; r++) {
    for (let i = -r; i <= r; i++)
      for (const j of Math.abs(i) === r ? range(-r, r) : [-r, r]) consider({ left: from.left + i * step, top: from.top + j * step });
  }
  return budget.left > 0 ? best : null;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Moves every box that lies over another to the nearest free place in the drawing, `gap` pixels
 * clear of its neighbours where there is room (touching where there is not). A box over no other
 * never moves; of boxes over one another, the one earlier in the list keeps its place. Null when
 * some box finds no free place, or the boxes together are larger than the drawing.
 */
export function separate(nodes: readonly AreaNode[], drawing: Drawing, box: Box, gap: number): AreaNode[] | null {
  if (nodes.length * box.width * box.height > drawing.width * drawing.height) return null;
  const bounds = { left: Math.max(0, drawing.width - box.width), top: Math.max(0, drawing.height - box.height) };
  const budget = { left: SEARCH_BUDGET };
  const at = nodes.map((n) => ({ left: n.x * bounds.left, top: n.y * bounds.top }));
  const all = placedBoxes(box);
  at.forEach((p) => all.add(p));
  // A box over no other keeps its place whatever the order; the others are placed after them.
  const alone = at.map((p) => all.near(p, 0).length === 1);
  const placed = placedBoxes(box);
  at.forEach((p, i) => alone[i] && placed.add(p));
  const out = nodes.map((n) => ({ ...n }));
  for (let i = 0; i < nodes.length; i++) {
    if (alone[i]) continue;
    const p = at[i]!;
    const to = placed.near(p, 0).length === 0 ? p : (nearestFree(p, placed, box, bounds, gap, budget) ?? nearestFree(p, placed, box, bounds, 0, budget));
    if (!to || budget.left <= 0) return null;
    placed.add(to);
    if (to !== p) out[i] = { machineId: nodes[i]!.machineId, x: bounds.left > 0 ? clamp01(to.left / bounds.left) : 0, y: bounds.top > 0 ? clamp01(to.top / bounds.top) : 0 };
  }
  return out;
}

/**
 * Puts the box of `machineId` (just dropped or moved by key) on the nearest free place when it
 * lies over another; the other boxes stay. Unchanged when it is free, or when no place is.
 */
export function placeFree(layout: AreaLayout, machineId: string, drawing: Drawing, box: Box, gap: number): AreaLayout {
  const bounds = { left: Math.max(0, drawing.width - box.width), top: Math.max(0, drawing.height - box.height) };
  const node = layout.nodes.find((n) => n.machineId === machineId);
  if (!node || bounds.left + bounds.top <= 0) return layout;
  const others = placedBoxes(box);
  for (const n of layout.nodes) if (n.machineId !== machineId) others.add({ left: n.x * bounds.left, top: n.y * bounds.top });
  const p = { left: node.x * bounds.left, top: node.y * bounds.top };
  if (others.near(p, 0).length === 0) return layout;
  const budget = { left: SEARCH_BUDGET };
  const to = nearestFree(p, others, box, bounds, gap, budget) ?? nearestFree(p, others, box, bounds, 0, budget);
  if (!to) return layout;
  const moved = { machineId, x: bounds.left > 0 ? clamp01(to.left / bounds.left) : 0, y: bounds.top > 0 ? clamp01(to.top / bounds.top) : 0 };
  return { ...layout, nodes: layout.nodes.map((n) => (n.machineId === machineId ? moved : n)) };
}

/**
 * A layout being arranged, carried over to the box this screen has now (positions scaled as a
 * saved layout's are), so a drag or a key moves it in this screen's fractions. The same layout when
 * it already is.
 */
export function rebase(layout: AreaLayout, count: number, drawing: Drawing, box: Box): AreaLayout {
  const to = boxShare(box, drawing);
  const from = designBox(layout, count);
  if (layout.box && from.width === to.width && from.height === to.height) return layout;
  return { ...layout, nodes: scalePositions(layout.nodes, from, to), box: to };
}

export interface Fitted {
  nodes: AreaNode[];
  /** The saved layout has no place for every box on this screen, so the automatic arrangement is drawn. */
  crowded: boolean;
}

/**
 * The resolved saved layout as this screen draws it: the engineer's boxes scaled from the box they
 * were arranged with to this screen's, machines the layout does not place yet along the bottom, and
 * no box over another. Without a saved layout (or before the drawing is measured) the resolved
 * positions as they are.
 */
export function fitToScreen(resolved: Resolved, saved: AreaLayout | null, machineIds: readonly string[], drawing: Drawing, box: Box, gap: number): Fitted {
  if (!saved || drawing.width <= 0 || drawing.height <= 0) return { nodes: resolved.nodes, crowded: false };
  const added = new Set(resolved.added);
  const scaled = scalePositions(
    resolved.nodes.filter((n) => !added.has(n.machineId)),
    designBox(saved, machineIds.length),
    boxShare(box, drawing),
  );
  const apart = separate([...scaled, ...resolved.nodes.filter((n) => added.has(n.machineId))], drawing, box, gap);
  return apart ? { nodes: apart, crowded: false } : { nodes: automaticLayout(machineIds, drawing.width / drawing.height).nodes, crowded: true };
}
