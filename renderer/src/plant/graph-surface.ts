import { createContext } from 'react';

/** A box on a surface, in CSS px from its top left corner. */
export interface GraphBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A 2D context on the page's canvas or on the offscreen canvas that drives it. */
export type GraphContext = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Draws in CSS px with (0, 0) at the box's corner; the box is cleared before. */
export type GraphPainter = (ctx: GraphContext, width: number, height: number) => void;

/** What a surface draws into: the canvas itself, or the offscreen canvas its pixels come from. */
export interface DrawingTarget {
  width: number;
  height: number;
  getContext(kind: '2d'): GraphContext | null;
}

const transferred = new WeakMap<HTMLCanvasElement, OffscreenCanvas>();

/**
 * The canvas's control handed to an offscreen canvas, where the browser can (once per element).
 * Chromium copies every on-page 2D canvas into the compositor at each commit, drawn or not; an
 * offscreen canvas sends a frame of its own only when it was drawn. Elsewhere (jsdom, an older
 * engine) the canvas is drawn directly.
 */
export function drawingTarget(canvas: HTMLCanvasElement): DrawingTarget {
  const done = transferred.get(canvas);
  if (done) return done;
  if (typeof canvas.transferControlToOffscreen !== 'function') return canvas;
  const offscreen = canvas.transferControlToOffscreen();
  transferred.set(canvas, offscreen);
  return offscreen;
}

/**
 * One canvas that many tiles draw their graphs into: the overview gives each row band one, so a
 * 500-tile page has some 25 canvases instead of a thousand (each canvas is a compositor layer), and
 * draws it offscreen (drawingTarget). It keeps what each tile drew last, so a resize redraws them all.
 */
export class GraphSurface {
  private readonly drawn = new Map<string, { box: GraphBox; paint: GraphPainter }>();
  private size = { width: 0, height: 0, ratio: 1 };

  constructor(private readonly canvas: () => HTMLCanvasElement | null) {}

  /** Sets the canvas to `width` x `height` CSS px at the device pixel ratio, and redraws every box. */
  resize(width: number, height: number, ratio: number): void {
    const canvas = this.canvas();
    if (!canvas) return;
    const target = drawingTarget(canvas);
    this.size = { width, height, ratio };
    target.width = Math.round(width * ratio);
    target.height = Math.round(height * ratio);
    for (const { box, paint } of this.drawn.values()) this.paint(box, paint);
  }

  /** Draws one graph at `box`, replacing what `key` drew before (elsewhere too). */
  set(key: string, box: GraphBox, paint: GraphPainter): void {
    const before = this.drawn.get(key);
    this.drawn.set(key, { box, paint });
    if (before && !sameBox(before.box, box)) this.vacate(before.box, key);
    this.paint(box, paint);
  }

  delete(key: string): void {
    const before = this.drawn.get(key);
    if (!before) return;
    this.drawn.delete(key);
    this.vacate(before.box, key);
  }

  /** Clears a box `key` left, and redraws the graphs it overlapped (a row that moved down leaves its old place to the row that moved in). */
  private vacate(box: GraphBox, key: string): void {
    this.clear(box);
    for (const [other, d] of this.drawn) if (other !== key && overlaps(d.box, box)) this.paint(d.box, d.paint);
  }

  private context(): GraphContext | null {
    const canvas = this.canvas();
    return canvas && this.size.width > 0 ? drawingTarget(canvas).getContext('2d') : null;
  }

  private clear(box: GraphBox): void {
    const ctx = this.context();
    if (!ctx) return;
    ctx.setTransform(this.size.ratio, 0, 0, this.size.ratio, 0, 0);
    ctx.clearRect(box.x, box.y, box.width, box.height);
  }

  private paint(box: GraphBox, paint: GraphPainter): void {
    const ctx = this.context();
    if (!ctx) return;
    const r = this.size.ratio;
    ctx.setTransform(r, 0, 0, r, box.x * r, box.y * r);
    ctx.clearRect(0, 0, box.width, box.height);
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, 0, box.width, box.height);
    ctx.clip();
    paint(ctx, box.width, box.height);
    ctx.restore();
  }
}

const overlaps = (a: GraphBox, b: GraphBox) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const sameBox = (a: GraphBox, b: GraphBox) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

/** The surface the tiles of one band draw into; without one a tile draws into a canvas of its own per metric. */
export const GraphSurfaceContext = createContext<GraphSurface | null>(null);
