/**
 * The geometry of a Level 2 area graphic. Positions are fractions of the free drawing (0..1 of the
 * width and height left once a machine box is taken off), so a box never leaves the drawing; a
 * saved layout is drawn on a screen with another box size by area-fit.ts. Pure: the screen does the
 * pointer work and the saving.
 */
import type { AreaLayout, AreaLink, AreaNode } from '../../../common/contract-area';
import { autoGrid, type BoxGeometry } from './area-grid';

export { boxGap, boxGeometry, gridFor, type BoxDensity, type BoxGeometry } from './area-grid';

const byNumber = new Intl.Collator('en', { numeric: true });

export interface Resolved {
  nodes: AreaNode[];
  links: AreaLink[];
  /** Machines the saved layout places that the console no longer knows in this area; left out of the drawing. */
  missing: string[];
  /** Machines of the area the saved layout does not place yet; put in the free row below it. */
  added: string[];
}

const at = (i: number, n: number) => (n <= 1 ? 0.5 : i / (n - 1));

/**
 * Without an engineer's layout: the machines in flow order (id order, which is the order the line
 * was commissioned in), left to right and row by row, with no connections drawn, since none is known.
 */
export function automaticLayout(machineIds: readonly string[], aspect: number): AreaLayout {
  const ids = [...machineIds].sort(byNumber.compare);
  const { columns, rows } = autoGrid(ids.length, aspect);
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
