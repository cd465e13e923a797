import type { MonoMs } from '../../../common/time';

type Listener = () => void;

/** Where the tiles' change notices come from (LiveTelemetry: one notice per machine per frame at most). */
export interface TileSource {
  subscribe(machineId: string, listener: Listener): () => void;
}

export interface TilePacerOptions {
  /** Runs `draw` in the next animation frame (requestAnimationFrame). */
  frame: (draw: () => void) => void;
  now: () => MonoMs;
  /** Script time per frame for redrawing tiles; a tile started is finished, so a frame may go one tile over. */
  budgetMs: number;
  /** Renders what the listeners asked for before the budget is read again (react-dom's flushSync in the app). */
  render: (notify: () => void) => void;
  /**
   * When given, a frame also draws no more tiles than changed in that much time at the last second's
   * rate, times this factor (at least one): readings that arrive in batches are drawn over the frames
   * up to the next batch rather than in the first few after it. The factor above 1 lets the drawing
   * catch up with a backlog; `budgetMs` still caps each frame.
   */
  headroom?: number;
}

/** How long the rate of change notices is counted over. */
const RATE_WINDOW_MS = 1000;
/** The longest gap between two frames that a frame's share is counted for. */
const MAX_FRAME_GAP_MS = 50;
/** A backlog is drawn within about this long whatever the rate says (a burst with no rate counted yet, at start). */
const CATCH_UP_MS = 500;

/**
 * Spreads the overview's tile redraws over animation frames. With hundreds of machines reporting
 * at 1 Hz, every frame would otherwise redraw every tile that changed since the last one and take
 * far longer than a frame. Each frame redraws waiting tiles until `budgetMs` is spent, or with
 * `headroom` until it drew its share of the rate of change (in screen order when given one, else
 * longest waiting first); a tile that changes again while it waits keeps its place and is drawn
 * once, with its latest values, so under load the values lag instead of the screen freezing.
 */
export class TilePacer implements TileSource {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly detach = new Map<string, () => void>();
  /** Machines waiting for a redraw, longest waiting first (a Set keeps insertion order). */
  private readonly waiting = new Set<string>();
  private framePending = false;
  private stopped = false;
  /** Screen order of the machines; a frame draws neighbours, sweeping on from where the last frame stopped. */
  private order: readonly string[] = [];
  private rank = new Map<string, number>();
  private cursor = 0;
  /** Change notices in the current rate window, and the rate (per ms) over the window before. */
  private notices = 0;
  private windowStart = Number.NEGATIVE_INFINITY;
  private lastRate = 0;
  /** When the last frame drew, or when a change found nothing waiting: a frame's share counts from here. */
  private lastDraw = 0;

  constructor(
    private readonly source: TileSource,
    private readonly options: TilePacerOptions,
  ) {}

  subscribe(machineId: string, listener: Listener): () => void {
    let set = this.listeners.get(machineId);
    if (!set) {
      this.listeners.set(machineId, (set = new Set()));
      this.detach.set(
        machineId,
        this.source.subscribe(machineId, () => this.changed(machineId)),
      );
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size > 0) return;
      this.listeners.delete(machineId);
      this.detach.get(machineId)?.();
      this.detach.delete(machineId);
      this.waiting.delete(machineId);
    };
  }

  /**
   * The machines in the order they are drawn on screen. Each frame then redraws tiles that sit side by
   * side (one band, MachineGrid), and the sweep reaches every waiting tile within one pass.
   */
  setOrder(machineIds: readonly string[]): void {
    this.order = [...machineIds];
    this.rank = new Map(machineIds.map((id, i) => [id, i]));
  }

  /** Queues a redraw of these machines' tiles, as a change from the source does (a new condition summary, say). */
  touch(machineIds: Iterable<string>): void {
    for (const machineId of machineIds) if (this.listeners.has(machineId)) this.changed(machineId);
  }

  /** Machines whose change is not drawn yet. */
  get backlog(): number {
    return this.waiting.size;
  }

  stop(): void {
    this.stopped = true;
    this.waiting.clear();
  }

  private changed(machineId: string): void {
    if (this.stopped) return;
    if (this.options.headroom !== undefined) this.count(this.waiting.size === 0);
    if (this.waiting.has(machineId)) return;
    this.waiting.add(machineId);
    this.request();
  }

  /** Counts a change notice (one that waits again too: it is what the screen must keep up with). */
  private count(idle: boolean): void {
    const now = this.options.now();
    if (idle) this.lastDraw = now;
    const since = now - this.windowStart;
    if (since >= RATE_WINDOW_MS) {
      // the window closes at the first notice after it, so its own length is what its notices took
      this.lastRate = Number.isFinite(since) ? this.notices / since : 0;
      this.notices = 0;
      this.windowStart = now;
    }
    this.notices += 1;
  }

  /**
   * Tiles this frame may draw, from the time since the last one; unbounded without `headroom`. The
   * rate is the last window's, or the current one's count over a whole window where that is more (a
   * rise in the rate, the first window).
   */
  private share(now: MonoMs): number {
    const headroom = this.options.headroom;
    if (headroom === undefined) return Infinity;
    const rate = Math.max(this.lastRate, this.notices / RATE_WINDOW_MS);
    const gap = Math.min(Math.max(0, now - this.lastDraw), MAX_FRAME_GAP_MS);
    this.lastDraw = now;
    return Math.max(1, Math.ceil(rate * gap * headroom), Math.ceil((this.waiting.size * gap) / CATCH_UP_MS));
  }

  private request(): void {
    if (this.framePending || this.stopped) return;
    this.framePending = true;
    this.options.frame(() => this.draw());
  }

  /**
   * The waiting machines from the cursor on in screen order, wrapping round, then those without a
   * place, longest waiting first. It walks the screen order rather than sorting what waits: with
   * hundreds of tiles behind, a sort each frame ate much of the frame's budget before a tile was drawn.
   */
  private draw(): void {
    this.framePending = false;
    if (this.stopped) return;
    const start = this.options.now();
    const share = this.share(start);
    let drawn = 0;
    const spent = () => ++drawn >= share || this.options.now() - start >= this.options.budgetMs;
    const n = this.order.length;
    const from = n > 0 ? this.cursor % n : 0;
    let done = false;
    for (let i = 0; i < n && !done && this.waiting.size > 0; i++) {
      const at = (from + i) % n;
      const machineId = this.order[at]!;
      if (!this.waiting.has(machineId)) continue;
      this.redraw(machineId);
      this.cursor = at + 1;
      done = spent();
    }
    if (!done && this.waiting.size > 0) {
      for (const machineId of [...this.waiting]) {
        if (this.rank.has(machineId)) continue;
        this.redraw(machineId);
        if (spent()) break;
      }
    }
    if (this.waiting.size > 0) this.request();
  }

  private redraw(machineId: string): void {
    this.waiting.delete(machineId);
    const set = this.listeners.get(machineId);
    if (set) this.options.render(() => set.forEach((listener) => listener()));
  }
}
