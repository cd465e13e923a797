import uPlot from 'uplot';
import { displayTimeZone } from '../app/plant-zone';
import { TrendBuffer } from './trend-buffer';
import { drawLevelLines } from './level-lines';

export interface TrendSeries {
  label: string;
  unit?: string;
}

/** A horizontal reference line, e.g. an alarm limit. */
export interface LimitLine {
  value: number;
  label: string;
}

export interface ViewRange {
  from: number;
  to: number;
}

export interface TrendChartOptions {
  target: HTMLElement;
  series: TrendSeries[];
  width: number;
  height: number;
  /** Span shown while following live data, ms. */
  windowMs: number;
  limits?: LimitLine[];
  utc?: boolean;
  /** Axis label size in CSS px, so that the wallboard scale reaches the axes too. */
  fontPx?: number;
  /** Live readings further apart than this break the line, ms. */
  gapMs?: number;
  now?: () => number;
  /** Coalesces redraws; one animation frame by default. */
  schedule?: (flush: () => void) => void;
  /** The user zoomed or panned to `range`, or went back to following live data (null). */
  onViewChange?: (range: ViewRange | null) => void;
}

// Low-saturation pens: strong colour is kept for alarms (ISA-101).
const PENS = ['#27496d', '#4d4d4d', '#6a5a3a', '#3f6353'];
const LIMIT_PEN = '#3a3a3a';
const ZOOM_STEP = 1.5;
const PAN_STEP = 0.25;
/**
 * Rows preallocated per second of live window: one reading a second (the simulator's and a typical
 * gateway's rate) with room for gap rows. Faster sensors make the buffer grow once.
 */
const ROWS_PER_WINDOW_SECOND = 1.25;
/** Beyond this a long window (hours, days) starts smaller and grows only as far as its data needs. */
const MAX_PREALLOCATED_ROWS = 8_192;

/**
 * One uPlot chart fed outside React: readings are buffered as they arrive and drawn at most once per
 * animation frame. While following it shows the last windowMs; any zoom or pan stops following until
 * the user goes back to live (double-click, Home or `l`).
 */
export class TrendChart {
  readonly plot: uPlot;
  private readonly buffer: TrendBuffer;
  private following = true;
  private windowMs: number;
  private pending = false;
  private destroyed = false;
  private readonly now: () => number;
  private readonly schedule: (flush: () => void) => void;
  private limits: LimitLine[];

  constructor(private readonly options: TrendChartOptions) {
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? ((flush) => requestAnimationFrame(() => flush()));
    this.windowMs = options.windowMs;
    this.limits = options.limits ?? [];
    const rows = Math.min(MAX_PREALLOCATED_ROWS, Math.ceil((options.windowMs / 1000) * ROWS_PER_WINDOW_SECOND));
    this.buffer = new TrendBuffer(options.series.length, options.gapMs ?? 15_000, rows);
    const end = this.now();
    this.plot = new uPlot(this.plotOptions(), this.buffer.data(), options.target);
    this.setX(end - this.windowMs, end);
    options.target.addEventListener('keydown', this.onKey);
    this.plot.over.addEventListener('wheel', this.onWheel, { passive: false });
    this.plot.over.addEventListener('dblclick', this.onDoubleClick);
  }

  get isFollowing(): boolean {
    return this.following;
  }

  /** Replaces the data with a history answer; live points newer than its end are kept. */
  setHistory(t: readonly number[], ys: readonly (readonly (number | null)[])[], stepMs: number): void {
    // Three missing steps make a gap: rollups have no bucket where nothing was recorded.
    this.buffer.replace(t, ys, Math.max(stepMs * 3, this.options.gapMs ?? 15_000));
    this.redraw();
  }

  /** One live reading; drawn with the next frame together with whatever else arrives until then. */
  push(ts: number, values: readonly (number | null)[]): void {
    // Trimmed here, not only when drawn: a hidden window gets no animation frames but keeps its readings.
    if (this.following) this.buffer.trimBefore(this.now() - this.windowMs);
    // Zoomed or panned, nothing is trimmed: a full buffer then drops live readings rather than grow
    // for as long as the view is left alone. Going back to live reloads them (onViewChange(null)).
    else if (this.buffer.full) return;
    if (!this.buffer.push(ts, values) || this.pending || this.destroyed) return;
    this.pending = true;
    this.schedule(() => {
      this.pending = false;
      if (!this.destroyed) this.redraw();
    });
  }

  setWindow(windowMs: number): void {
    this.windowMs = windowMs;
    this.follow();
  }

  setLimits(limits: LimitLine[]): void {
    this.limits = limits;
    this.plot.redraw(false, false);
  }

  follow(): void {
    const changed = !this.following;
    this.following = true;
    this.redraw();
    if (changed) this.options.onViewChange?.(null);
  }

  /** Shows [from, to] and stops following; every user zoom and pan ends here. */
  zoomTo(from: number, to: number): void {
    this.following = false;
    this.setX(from, to);
    this.options.onViewChange?.({ from: Math.round(from), to: Math.round(to) });
  }

  resize(width: number, height: number): void {
    this.plot.setSize({ width, height });
  }

  destroy(): void {
    this.destroyed = true;
    this.options.target.removeEventListener('keydown', this.onKey);
    this.plot.destroy();
  }

  private redraw(): void {
    const now = this.now();
    if (this.following) this.buffer.trimBefore(now - this.windowMs);
    this.plot.setData(this.buffer.data(), false);
    // Where the data ends, in the DOM: browser tests and a look in DevTools can tell a live chart from a frozen one.
    this.options.target.dataset['lastTs'] = String(this.buffer.last ?? '');
    if (this.following) this.setX(now - this.windowMs, now);
    else {
      const { min, max } = this.plot.scales['x'] ?? {};
      if (min !== undefined && max !== undefined) this.setX(min, max);
    }
  }

  private setX(min: number, max: number): void {
    this.plot.setScale('x', { min, max });
  }

  /** A drag across the plot: zoom to the dragged span and clear the selection box. */
  private selected(u: uPlot): void {
    const { left, width } = u.select;
    if (width < 2) return;
    const from = u.posToVal(left, 'x');
    const to = u.posToVal(left + width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.zoomTo(from, to);
  }

  private readonly onKey = (event: KeyboardEvent) => {
    const { min, max } = this.plot.scales['x'] ?? {};
    if (min === undefined || max === undefined) return;
    const span = max - min;
    const mid = (min + max) / 2;
    let next: [number, number] | null = null;
    if (event.key === 'ArrowLeft') next = [min - span * PAN_STEP, max - span * PAN_STEP];
    else if (event.key === 'ArrowRight') next = [min + span * PAN_STEP, max + span * PAN_STEP];
    else if (event.key === '+' || event.key === '=') next = [mid - span / ZOOM_STEP / 2, mid + span / ZOOM_STEP / 2];
    else if (event.key === '-') next = [mid - (span * ZOOM_STEP) / 2, mid + (span * ZOOM_STEP) / 2];
    else if (event.key === 'Home' || event.key === 'l') {
      event.preventDefault();
      this.follow();
      return;
    }
    if (!next) return;
    event.preventDefault();
    this.zoomTo(next[0], next[1]);
  };

  private readonly onWheel = (event: WheelEvent) => {
    const { min, max } = this.plot.scales['x'] ?? {};
    if (min === undefined || max === undefined) return;
    event.preventDefault();
    const rect = this.plot.over.getBoundingClientRect();
    const at = this.plot.posToVal(event.clientX - rect.left, 'x');
    const factor = event.deltaY < 0 ? 1 / ZOOM_STEP : ZOOM_STEP;
    this.zoomTo(at - (at - min) * factor, at + (max - at) * factor);
  };

  private readonly onDoubleClick = () => this.follow();

  private plotOptions(): uPlot.Options {
    const { series, width, height, utc } = this.options;
    const shown = displayTimeZone(utc ?? false);
    // The browser's own zone needs no conversion, which costs a date formatting per axis tick.
    const zone = shown === Intl.DateTimeFormat().resolvedOptions().timeZone ? undefined : shown;
    const font = `${this.options.fontPx ?? 12}px system-ui, sans-serif`;
    return {
      width,
      height,
      ms: 1,
      tzDate: zone ? (ts) => uPlot.tzDate(new Date(ts), zone) : (ts) => new Date(ts),
      scales: { x: { time: true } },
      legend: { live: true },
      // uPlot's own drag-zoom is off: the selection is turned into zoomTo, so every zoom goes one way.
      cursor: { drag: { x: true, y: false, setScale: false }, points: { size: 7 } },
      axes: [
        { font, stroke: 'currentColor', grid: { stroke: 'rgba(0,0,0,0.12)', width: 1 }, ticks: { stroke: 'rgba(0,0,0,0.25)', width: 1 }, size: (this.options.fontPx ?? 12) * 4 },
        { font, stroke: 'currentColor', grid: { stroke: 'rgba(0,0,0,0.12)', width: 1 }, ticks: { stroke: 'rgba(0,0,0,0.25)', width: 1 }, size: (this.options.fontPx ?? 12) * 6.5 },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.unit ? `${s.label} (${s.unit})` : s.label,
          stroke: PENS[i % PENS.length],
          width: 1.5,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : v.toFixed(2)),
        })),
      ],
      hooks: {
        setSelect: [(u) => this.selected(u)],
        draw: [(u) => this.drawLimits(u)],
      },
    };
  }

  private drawLimits(u: uPlot): void {
    if (this.limits.length === 0) return;
    drawLevelLines(u, this.limits, { pen: LIMIT_PEN, fontPx: 11, alignLeft: false });
  }
}
