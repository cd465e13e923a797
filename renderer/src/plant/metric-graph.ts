/**
 * A tile's moving parts for one metric, drawn into one canvas: the analog bar (scale, normal band,
 * alarm limits as ticks, pointer) on the left and the last minute's sparkline on the right. A canvas
 * that redraws leaves the page's paint and layers as they are; marks that moved as boxes made the
 * browser sort every layer of a 500-tile page again with each reading.
 * `graphPlan` is the pure geometry (in CSS px), `drawGraph` the only part that touches a canvas.
 */
import type { GraphContext } from './graph-surface';
import type { BarGeometry } from './key-metrics';

/** Share of the width the bar takes; the sparkline takes the rest after the gap (3 : 2, as the tiles drew them). */
const BAR_SHARE = 3 / 5;
/** Gap between bar and sparkline, and the bar's height, in parts of the graph's height (0.4em and 0.55em of 0.8em). */
const GAP_OF_HEIGHT = 0.5;
const BAR_OF_HEIGHT = 0.6875;

export type PointerLook = 'normal' | 'abnormal' | 'clipped' | 'faded';

export interface GraphPlan {
  /** The bar's box; its border is drawn inside it. */
  bar: { x: number; y: number; width: number; height: number };
  /** The normal band inside the bar, when known. */
  normal: { x: number; width: number } | null;
  /** Limit ticks: x of their centre and their width (LL and HH are heavier). */
  limits: { level: 'LL' | 'L' | 'H' | 'HH'; x: number; width: number }[];
  /** The pointer: x of its centre and its width, full height of the graph; null without a value. */
  pointer: { x: number; width: number; look: PointerLook } | null;
  /** The sparkline's points, scaled to its own span; empty with fewer than two values. */
  spark: { x: number; y: number }[];
}

/** Where everything lies in a graph `width` x `height` CSS px, for one metric's bar and its recent values. */
export function graphPlan(geometry: BarGeometry, quality: string, recent: readonly number[], width: number, height: number): GraphPlan {
  const gap = height * GAP_OF_HEIGHT;
  const barWidth = Math.max(0, (width - gap) * BAR_SHARE);
  const barHeight = height * BAR_OF_HEIGHT;
  const bar = { x: 0, y: (height - barHeight) / 2, width: barWidth, height: barHeight };
  // marks lie along the inside of the bar's 1 px border
  const inner = Math.max(0, barWidth - 2);
  const along = (f: number) => 1 + f * inner;
  const em = height / 0.8;
  const off = quality !== 'good';
  const abnormal = geometry.zone === 'abnormal' || geometry.zone === 'alarm';
  const pointer =
    geometry.pointer === null
      ? null
      : {
          x: along(geometry.pointer),
          width: (abnormal ? 0.45 : 0.3) * em,
          look: (off ? 'faded' : geometry.clipped ? 'clipped' : abnormal ? 'abnormal' : 'normal') as PointerLook,
        };
  const sparkX = barWidth + gap;
  const sparkWidth = Math.max(0, width - sparkX);
  return {
    bar,
    normal: geometry.normal ? { x: along(geometry.normal.from), width: (geometry.normal.to - geometry.normal.from) * inner } : null,
    limits: geometry.limits.map((l) => ({ level: l.level, x: along(l.at), width: l.level === 'LL' || l.level === 'HH' ? 3 : 2 })),
    pointer,
    spark: sparkPoints(recent, sparkX, sparkWidth, height),
  };
}

/** The last minute of one metric, scaled to its own span: shape and direction, not the value. */
function sparkPoints(values: readonly number[], x: number, width: number, height: number): { x: number; y: number }[] {
  if (values.length < 2 || width <= 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min || 1;
  const step = width / (values.length - 1);
  // a 5 % margin top and bottom keeps the 1.5 px line inside the canvas
  const top = height * 0.05;
  const usable = height * 0.9;
  return values.map((v, i) => ({ x: x + i * step, y: top + usable - ((v - min) / span) * usable }));
}

/** The screen's greys (and the pen), read from its CSS custom properties so a theme change reaches the canvas. */
export interface GraphPalette {
  surface: string;
  raised: string;
  line: string;
  text: string;
  muted: string;
  faded: string;
  normal: string;
  pen: string;
}

let cached: { theme: string | undefined; palette: GraphPalette } | null = null;

/** The current theme's palette (read once per theme). */
export function graphPalette(): GraphPalette {
  const root = document.documentElement;
  const theme = root.dataset.theme;
  if (cached && cached.theme === theme) return cached.palette;
  const style = getComputedStyle(root);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const palette: GraphPalette = {
    surface: v('--surface', '#d9d9d9'),
    raised: v('--surface-raised', '#e3e3e3'),
    line: v('--line', '#9a9a9a'),
    text: v('--text', '#141414'),
    muted: v('--text-muted', '#4a4a4a'),
    faded: v('--text-faded', '#767676'),
    normal: v('--bar-normal', '#b0b0b0'),
    pen: v('--pen', '#27496d'),
  };
  cached = { theme, palette };
  return palette;
}

/** Draws a plan on a canvas context whose transform maps CSS px (the caller scales for the device pixel ratio). */
export function drawGraph(ctx: GraphContext, plan: GraphPlan, width: number, height: number, p: GraphPalette): void {
  ctx.clearRect(0, 0, width, height);
  const { bar } = plan;
  if (bar.width > 2) {
    ctx.fillStyle = p.line;
    ctx.fillRect(bar.x, bar.y, bar.width, bar.height);
    ctx.fillStyle = p.raised;
    ctx.fillRect(bar.x + 1, bar.y + 1, bar.width - 2, bar.height - 2);
    if (plan.normal) {
      ctx.fillStyle = p.normal;
      ctx.fillRect(plan.normal.x, bar.y + 1, plan.normal.width, bar.height - 2);
    }
    const tickOver = (height - bar.height) / 4;
    for (const l of plan.limits) {
      ctx.fillStyle = l.width > 2 ? p.text : p.muted;
      ctx.fillRect(l.x - l.width / 2, bar.y - tickOver, l.width, bar.height + 2 * tickOver);
    }
    const pointer = plan.pointer;
    if (pointer) {
      const x = pointer.x - pointer.width / 2;
      if (pointer.look === 'abnormal') {
        // a ring of the tile's surface sets the heavier pointer apart from the marks under it
        ctx.fillStyle = p.surface;
        ctx.fillRect(x - 2, 0, pointer.width + 4, height);
      }
      ctx.fillStyle = pointer.look === 'faded' ? p.faded : p.text;
      if (pointer.look === 'clipped') {
        // beyond the scale: striped, the value lies past the end it sits on
        for (let y = 0; y < height; y += 4) ctx.fillRect(x, y, pointer.width, Math.min(2, height - y));
      } else ctx.fillRect(x, 0, pointer.width, height);
    }
  }
  if (plan.spark.length > 1) {
    ctx.strokeStyle = p.pen;
    ctx.lineWidth = 1.5;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(plan.spark[0]!.x, plan.spark[0]!.y);
    for (let i = 1; i < plan.spark.length; i++) ctx.lineTo(plan.spark[i]!.x, plan.spark[i]!.y);
    ctx.stroke();
  }
}
