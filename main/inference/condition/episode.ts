/**
 * An anomaly is an episode: it raises once the score has stayed above 1 for raiseMs, and clears once
 * it has stayed below `release` for clearMs. Time is event time, so a replay gives the same episodes.
 */
export class Episode {
  active = false;
  since: number | null = null;
  peak = 0;
  private aboveSince: number | null = null;
  private belowSince: number | null = null;

  constructor(
    private readonly raiseMs: number,
    private readonly clearMs: number,
    private readonly release: number,
  ) {}

  /** Returns 'raised' or 'cleared' when the episode changes with this score. */
  update(score: number, ts: number): 'raised' | 'cleared' | null {
    if (!this.active) {
      if (score > 1) {
        this.aboveSince ??= ts;
        if (ts - this.aboveSince >= this.raiseMs) {
          this.active = true;
          this.since = this.aboveSince;
          this.peak = score;
          this.belowSince = null;
          return 'raised';
        }
      } else {
        this.aboveSince = null;
      }
      return null;
    }
    this.peak = Math.max(this.peak, score);
    if (score < this.release) {
      this.belowSince ??= ts;
      if (ts - this.belowSince >= this.clearMs) {
        this.active = false;
        this.since = null;
        this.aboveSince = null;
        return 'cleared';
      }
    } else {
      this.belowSince = null;
    }
    return null;
  }

  /** Ends an open episode without a verdict (taught as normal, or the machine learns again). */
  end(): void {
    this.active = false;
    this.since = null;
    this.pause();
  }

  /** A gap in judgement (machine off, settling) neither raises nor clears; pending timers start again. */
  pause(): void {
    this.aboveSince = null;
    this.belowSince = null;
  }
}
