/**
 * Mean, variance and least-squares line of points (x, y) added one at a time, by Welford's update:
 * the sums are kept about the running means, so large offsets (epoch times, counters near 1e6) do
 * not cancel their low digits as raw sums of squares do, and no second pass over the points is
 * needed. Variances are population ones (divided by n). For the sliding window of the models'
 * features see main/inference/features/window-sums.ts, which must also forget its oldest sample.
 */
export class Moments {
  n = 0;
  meanX = 0;
  meanY = 0;
  /** Sum of squared deviations of x from its mean. */
  spreadX = 0;
  /** Sum of squared deviations of y from its mean. */
  spreadY = 0;
  /** Sum of the products of both deviations. */
  coSpread = 0;

  add(x: number, y: number): void {
    this.n++;
    const dx = x - this.meanX;
    this.meanX += dx / this.n;
    const dy = y - this.meanY;
    this.meanY += dy / this.n;
    const dyAfter = y - this.meanY;
    this.spreadX += dx * (x - this.meanX);
    this.spreadY += dy * dyAfter;
    this.coSpread += dx * dyAfter;
  }

  /** 0 while empty. */
  varianceX(): number {
    return this.n > 0 ? this.spreadX / this.n : 0;
  }

  /** 0 while empty. */
  varianceY(): number {
    return this.n > 0 ? this.spreadY / this.n : 0;
  }

  /** Least-squares slope of y on x; 0 unless x spreads by more than `minSpreadX` (a flat x leaves y's mean the whole model). */
  slope(minSpreadX = 0): number {
    return this.spreadX > minSpreadX ? this.coSpread / this.spreadX : 0;
  }

  /** The line's y at x. */
  at(x: number, minSpreadX = 0): number {
    return this.meanY + this.slope(minSpreadX) * (x - this.meanX);
  }

  /** The variance of y the line leaves unexplained; y's variance when x does not spread. */
  residualVariance(): number {
    if (this.n === 0) return 0;
    if (!(this.spreadX > 0)) return this.varianceY();
    return Math.max(0, this.spreadY - (this.coSpread * this.coSpread) / this.spreadX) / this.n;
  }
}
