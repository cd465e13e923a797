/**
 * Spikes on a machine's power, or on its load signal where it reports no power. The normal model
 * regresses every other sensor on the load, so the load itself is judged by nobody: where power is the
 * load (a molder reports no speed or flow), an electrical surge's spikes read as load changes; where it
 * is not, a sparse train of spikes averages out under power's own thresholds. A surge is a train of
 * isolated spikes; a load step, a start or a stop holds its new level. Each reading is compared with
 * the median of the few readings around it: a step or a ramp leaves the middle reading at the median,
 * a lone spike does not.
 * The largest rise learned per load band sets that band's threshold, and an episode score counts the
 * spikes in a recent window, so one inrush spike at a start is not a surge either.
 */
import { BANDS } from './normal-model';

/** Readings in the centred window; its middle reading is judged once the readings after it are in. */
export const SPIKE_SPAN = 5;
const MID = SPIKE_SPAN >> 1;
/** A gap longer than this breaks the window: readings either side of it are not neighbours. */
export const SPIKE_GAP_MS = 60_000;
/** Spikes remembered for the count; more than any score needs. */
const RECENT_SPIKES = 16;
/** Rows a band needs before its own largest rise stands for it; fewer borrow the machine's largest. */
export const SPIKE_BAND_ROWS = 60;

export class LoadSpikes {
  private readonly ring = new Float64Array(SPIKE_SPAN);
  private readonly scratch = new Float64Array(SPIKE_SPAN);
  private filled = 0;
  private head = 0;
  private lastTs = Number.NEGATIVE_INFINITY;
  /** Per load band (0 idle .. 3 high), the largest rise seen while learning and validating, and the rows behind it. */
  readonly learned = new Float64Array(BANDS);
  readonly learnedRows = new Float64Array(BANDS);
  private readonly times = new Float64Array(RECENT_SPIKES).fill(Number.NEGATIVE_INFINITY);
  private next = 0;
  /** The window's median after the last push (NaN until the window is full): the watched signal without its spikes. */
  median = Number.NaN;

  /**
   * Takes a reading of the load and returns how far the window's middle reading rises above the
   * window's median, as a share of `top`. The window keeps raw values, since the top grows while a
   * machine learns. NaN until the window is full, or for a value that is not finite (not kept).
   */
  push(value: number, ts: number, top: number): number {
    this.median = Number.NaN;
    if (!Number.isFinite(value)) return Number.NaN;
    if (ts - this.lastTs > SPIKE_GAP_MS) this.filled = 0;
    this.lastTs = ts;
    this.ring[this.head] = value;
    this.head = this.head + 1 === SPIKE_SPAN ? 0 : this.head + 1;
    if (this.filled < SPIKE_SPAN) this.filled++;
    if (this.filled < SPIKE_SPAN) return Number.NaN;
    const s = this.scratch;
    const r = this.ring;
    // Copied and insertion-sorted in one pass: five values, no allocation.
    for (let i = 0; i < SPIKE_SPAN; i++) {
      const v = r[i]!;
      let j = i - 1;
      while (j >= 0 && s[j]! > v) {
        s[j + 1] = s[j]!;
        j--;
      }
      s[j + 1] = v;
    }
    // The oldest reading sits at head; the middle one MID after it.
    const middle = this.ring[(this.head + MID) % SPIKE_SPAN]!;
    this.median = s[MID]!;
    return top > 0 ? Math.max(0, middle - s[MID]!) / top : Number.NaN;
  }

  /** A row of normal operation: its rise widens its band's spread. */
  learn(band: number, jump: number): void {
    if (band < 0 || band >= BANDS || !Number.isFinite(jump)) return;
    this.learnedRows[band]!++;
    if (jump > this.learned[band]!) this.learned[band] = jump;
  }

  /** Counts a spike at ts when `spike`, and returns the spikes within windowMs up to ts. */
  count(ts: number, spike: boolean, windowMs: number): number {
    if (spike) {
      this.times[this.next] = ts;
      this.next = (this.next + 1) % RECENT_SPIKES;
    }
    let n = 0;
    for (let i = 0; i < RECENT_SPIKES; i++) if (ts - this.times[i]! < windowMs) n++;
    return n;
  }

  /** Spikes counted so far are forgotten: an operator said they were normal operation. */
  forgetRecent(): void {
    this.times.fill(Number.NEGATIVE_INFINITY);
  }

  /** The top grew: the rises learned so far are `c` times their share of it now. */
  rescale(c: number): void {
    for (let band = 0; band < BANDS; band++) this.learned[band]! *= c;
  }

  /** Learning starts again: what was learned no longer holds. */
  resetLearned(): void {
    this.learned.fill(0);
    this.learnedRows.fill(0);
  }
}

/**
 * Per load band, the rise that counts as a spike: `margin` times the largest rise learned in that band
 * and at least `floor`. A band learned on fewer than SPIKE_BAND_ROWS rows takes the largest rise of the
 * bands that have them; null where no band has (never judged).
 */
export function spikeThresholds(learned: Float64Array, rows: Float64Array, margin: number, floor: number): (number | null)[] {
  let widest = Number.NaN;
  for (let b = 0; b < learned.length; b++) if (rows[b]! >= SPIKE_BAND_ROWS) widest = Number.isNaN(widest) ? learned[b]! : Math.max(widest, learned[b]!);
  const out: (number | null)[] = [];
  for (let b = 0; b < learned.length; b++) {
    const spread = rows[b]! >= SPIKE_BAND_ROWS ? learned[b]! : widest;
    out.push(Number.isNaN(spread) ? null : Math.max(floor, margin * spread));
  }
  return out;
}

/**
 * Thresholds widened so that none of the rows an operator taught as normal counts as a spike: each
 * band at least `margin` times the largest rise taught in it. A band never judged stays unjudged.
 */
export function widenSpikeThresholds(thresholds: readonly (number | null)[] | undefined, rows: readonly { band: number; jump: number }[], margin: number): (number | null)[] | undefined {
  if (!thresholds) return undefined;
  const out = [...thresholds];
  for (const { band, jump } of rows) {
    const t = out[band];
    if (t === undefined || t === null || !Number.isFinite(jump)) continue;
    out[band] = Math.max(t, margin * jump);
  }
  return out;
}
