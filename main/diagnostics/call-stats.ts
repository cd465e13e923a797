/**
 * Contract calls per name over a rolling window: how many, how fast, how many failed. The router
 * reports every call it answers (see RouterDeps.observe); the names come from the contract, so the
 * table stays bounded.
 */
import type { CallStatsRow } from '../../common/contract-diagnostics';
import { RollingWindow, type Outcome } from './rolling-window';
import type { WallMs } from '../../common/time';

/** An error the application made: the call reached its handler and failed inside. Everything else non-ok is the caller's. */
export const outcomeOf = (code: 'ok' | string): Outcome => (code === 'ok' ? 'ok' : code === 'internal' ? 'error' : 'refused');

export class CallStats {
  private readonly windows = new Map<string, RollingWindow>();

  constructor(
    readonly windowSeconds: number,
    private readonly now: () => WallMs,
  ) {}

  /** `code` is 'ok' or the error code the caller got. */
  record(name: string, ms: number, code: string): void {
    let w = this.windows.get(name);
    if (!w) this.windows.set(name, (w = new RollingWindow(this.windowSeconds, this.now)));
    w.record(ms, outcomeOf(code));
  }

  /** Calls seen in the window, busiest first. */
  rows(): CallStatsRow[] {
    const rows: CallStatsRow[] = [];
    for (const [name, w] of this.windows) {
      const s = w.summary();
      if (s.count > 0) rows.push({ name, ...s });
    }
    return rows.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  }
}
