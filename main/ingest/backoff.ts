/**
 * Reconnect delays: exponential with random jitter, so that when a broker comes back the consoles
 * of a plant do not all reconnect in the same instant and knock it over again.
 */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** Fraction either side of the nominal delay, e.g. 0.3 for ±30%. */
  jitter?: number;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    // 8 s at most: a control room must see data again within seconds of the broker's return, and a
    // few hundred consoles at one reconnect every ~8 s (jittered) is no storm for a plant broker.
    this.maxMs = options.maxMs ?? 8_000;
    this.jitter = options.jitter ?? 0.3;
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call doubles the nominal delay up to maxMs. */
  next(): number {
    const nominal = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.max(0, Math.round(nominal * (1 + this.jitter * (2 * this.random() - 1))));
  }

  reset(): void {
    this.attempt = 0;
  }
}
