/**
 * Imperfect delivery that is no fault of the machine: single readings lost on the network, a reading
 * that arrives without one of its metrics, and short outages of a few seconds. A monitoring system
 * must ride through these without calling them faults, so they never appear in the fault truth.
 */
import { Rng, deriveSeed } from './random';

export interface MissingDataOptions {
  /** Fraction of readings lost; default 0.005. */
  lostRate?: number;
  /** Fraction of readings that arrive with one metric absent; default 0.001. */
  absentMetricRate?: number;
  /** Short outages per machine per day; default 1. */
  gapsPerDay?: number;
  /** Length of a short outage, ms, [min, max]; default 2-10 s. */
  gapMs?: readonly [number, number];
}

const DAY = 86_400_000;

export const MISSING_DATA_DEFAULTS: Required<MissingDataOptions> = { lostRate: 0.005, absentMetricRate: 0.001, gapsPerDay: 1, gapMs: [2_000, 10_000] };

/** One machine's delivery losses. Outages are drawn in event time, so they fall at the same instants whatever the step size. */
export class MissingData {
  private readonly options: Required<MissingDataOptions>;
  private readonly readingRng: Rng;
  private readonly gapRng: Rng;
  private gap: { start: number; end: number } | null = null;

  constructor(seed: number, machineId: string, options: MissingDataOptions = {}) {
    this.options = { ...MISSING_DATA_DEFAULTS, ...options };
    this.readingRng = new Rng(deriveSeed(seed, `${machineId}/missing`));
    this.gapRng = new Rng(deriveSeed(seed, `${machineId}/gaps`));
  }

  /** The reading as delivered at `ts`: null when lost, or `metrics` less one metric; may edit `metrics`. */
  deliver(ts: number, metrics: Record<string, number>): Record<string, number> | null {
    if (this.inGap(ts)) return null;
    const lost = this.readingRng.next() < this.options.lostRate;
    const absent = this.readingRng.next() < this.options.absentMetricRate;
    if (lost) return null;
    if (absent) {
      const names = Object.keys(metrics);
      if (names.length > 1) delete metrics[this.readingRng.pick(names)];
    }
    return metrics;
  }

  private inGap(ts: number): boolean {
    const rate = this.options.gapsPerDay / DAY;
    if (!(rate > 0)) return false;
    if (!this.gap) this.gap = this.drawGap(ts);
    while (ts >= this.gap.end) this.gap = this.drawGap(this.gap.end);
    return ts >= this.gap.start;
  }

  private drawGap(after: number): { start: number; end: number } {
    const start = after + Math.round(this.gapRng.exponential(this.options.gapsPerDay / DAY));
    const [min, max] = this.options.gapMs;
    return { start, end: start + Math.round(this.gapRng.range(min, max)) };
  }
}
