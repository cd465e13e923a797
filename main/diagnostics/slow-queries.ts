/** Database statements slower than a threshold: the newest few kept for the screen, all of them counted. */
import type { SlowQuery } from '../../common/contract-diagnostics';
import type { WallMs } from '../../common/time';

/** Long statements are cut here: the screen shows which one, not all of it. */
const SQL_CHARS = 300;

export class SlowQueryLog {
  private readonly entries: SlowQuery[] = [];
  private count = 0;

  constructor(
    readonly thresholdMs: number,
    private readonly now: () => WallMs,
    private readonly keep = 30,
  ) {}

  observe(connection: string, sql: string, ms: number): void {
    if (ms < this.thresholdMs) return;
    this.count++;
    const text = sql.replace(/\s+/g, ' ').trim();
    this.entries.push({ at: this.now(), ms, connection, sql: text.length > SQL_CHARS ? `${text.slice(0, SQL_CHARS)}…` : text });
    if (this.entries.length > this.keep) this.entries.shift();
  }

  get total(): number {
    return this.count;
  }

  /** Newest first. */
  latest(): SlowQuery[] {
    return [...this.entries].reverse();
  }
}
