/** The live scoring runs of the models: how long each took, and when one last failed. */
import { RollingWindow } from './rolling-window';
import type { WallMs } from '../../common/time';

export interface InferenceSummary {
  runs: number;
  perSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Failed runs in the window. */
  failures: number;
  lastFailure: { at: WallMs; error: string } | null;
}

export class InferenceRuns {
  private readonly window: RollingWindow;
  private last: { at: WallMs; error: string } | null = null;

  constructor(
    windowSeconds: number,
    private readonly now: () => WallMs,
  ) {
    this.window = new RollingWindow(windowSeconds, now);
  }

  ran(ms: number): void {
    this.window.record(ms, 'ok');
  }

  failed(ms: number, error: string): void {
    this.window.record(ms, 'error');
    this.last = { at: this.now(), error };
  }

  get lastFailure(): { at: WallMs; error: string } | null {
    return this.last;
  }

  summary(): InferenceSummary {
    const s = this.window.summary();
    return { runs: s.count, perSecond: s.perSecond, p50Ms: s.p50Ms, p99Ms: s.p99Ms, maxMs: s.maxMs, failures: s.errors, lastFailure: this.last };
  }
}
