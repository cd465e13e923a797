/**
 * One window per display. The layout of each display (the full desk application, or a wallboard
 * with its pages and rotation) is remembered by display id in displays.json, so a monitor gets its
 * board back after a restart or after being unplugged and plugged in again. The planning is pure;
 * DisplayWindows is the thin part that talks to Electron's screen and windows.
 */
import type { Screen } from 'electron';
import { z } from 'zod';

export const DisplayLayoutSchema = z.object({
  /** desk: the full application in a normal window; wallboard: one board in kiosk full screen. */
  mode: z.enum(['desk', 'wallboard']),
  /** A wallboard name the renderer knows (overview, plant, areas) or any name when `pages` is given. */
  board: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).default('plant'),
  /** Playlist, e.g. "overview,area:machining,machine:CNC-01"; empty uses the board's own. */
  pages: z.string().max(2000).optional(),
  rotateS: z.number().min(0).max(3600).optional(),
});
export type DisplayLayout = z.infer<typeof DisplayLayoutSchema>;
const LayoutFileSchema = z.record(z.string(), DisplayLayoutSchema);

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface DisplayInfo {
  id: number;
  bounds: Bounds;
  primary: boolean;
}

export interface PlannedWindow {
  display: DisplayInfo;
  layout: DisplayLayout;
}

export const defaultLayout = (display: DisplayInfo): DisplayLayout => (display.primary ? { mode: 'desk', board: 'plant' } : { mode: 'wallboard', board: 'plant' });

/**
 * Every display gets its remembered layout, or the default for a new one. When no display left holds
 * the desk (its monitor was unplugged), the primary display shows the desk until it comes back, so an
 * operator is never left with wallboards only.
 */
export function planDisplays(displays: readonly DisplayInfo[], saved: Readonly<Record<string, DisplayLayout>>): PlannedWindow[] {
  const plan = displays.map((display) => ({ display, layout: saved[String(display.id)] ?? defaultLayout(display) }));
  if (plan.length > 0 && !plan.some((p) => p.layout.mode === 'desk')) {
    const primary = plan.find((p) => p.display.primary) ?? plan[0]!;
    primary.layout = { ...primary.layout, mode: 'desk' };
  }
  return plan;
}

/** The renderer address for a layout; a wallboard is a hash route so it also works from app://. */
export function layoutUrl(origin: string, layout: DisplayLayout): string {
  if (layout.mode === 'desk') return `${origin}/index.html`;
  const query = new URLSearchParams();
  if (layout.pages) query.set('pages', layout.pages);
  if (layout.rotateS !== undefined) query.set('rotate', String(layout.rotateS));
  const q = query.toString();
  return `${origin}/index.html#/wallboard/${encodeURIComponent(layout.board)}${q ? `?${q}` : ''}`;
}

/** Reads displays.json; a damaged file is reported and ignored rather than stopping the control room. */
export function parseLayouts(text: string | null, warn: (message: string) => void): Record<string, DisplayLayout> {
  if (text === null) return {};
  try {
    const parsed = LayoutFileSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    warn(`displays.json ignored: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  } catch (error) {
    warn(`displays.json ignored: ${(error as Error).message}`);
  }
  return {};
}

export interface LayoutFile {
  read(): string | null;
  write(text: string): void;
}

export interface WindowLike {
  setBounds(bounds: Bounds): void;
  close(): void;
  isDestroyed(): boolean;
  once(event: 'closed', listener: () => void): unknown;
}

export interface DisplayWindowsOptions {
  screen: Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay' | 'on' | 'removeListener'>;
  file: LayoutFile;
  origin: string;
  open(plan: PlannedWindow, url: string): WindowLike;
  log(message: string): void;
}

/** Keeps one window per connected display, following monitors as they are added and removed. */
export class DisplayWindows {
  private readonly windows = new Map<number, { window: WindowLike; url: string }>();
  private saved: Record<string, DisplayLayout>;

  constructor(private readonly opts: DisplayWindowsOptions) {
    this.saved = parseLayouts(opts.file.read(), opts.log);
  }

  start(): void {
    this.sync();
    this.opts.screen.on('display-added', this.sync);
    this.opts.screen.on('display-removed', this.sync);
    this.opts.screen.on('display-metrics-changed', this.sync);
  }

  stop(): void {
    this.opts.screen.removeListener('display-added', this.sync);
    this.opts.screen.removeListener('display-removed', this.sync);
    this.opts.screen.removeListener('display-metrics-changed', this.sync);
  }

  /** The desk window, for focusing on a second launch. */
  desk(): WindowLike | undefined {
    const primary = this.opts.screen.getPrimaryDisplay().id;
    return this.windows.get(primary)?.window ?? this.windows.values().next().value?.window;
  }

  readonly sync = (): void => {
    const primaryId = this.opts.screen.getPrimaryDisplay().id;
    const displays = this.opts.screen.getAllDisplays().map((d) => ({ id: d.id, bounds: d.bounds, primary: d.id === primaryId }));
    const plan = planDisplays(displays, this.saved);
    this.remember(plan);
    const wanted = new Set(plan.map((p) => p.display.id));
    for (const [id, entry] of this.windows) {
      if (wanted.has(id)) continue;
      this.windows.delete(id);
      if (!entry.window.isDestroyed()) entry.window.close();
    }
    for (const p of plan) {
      const url = layoutUrl(this.opts.origin, p.layout);
      const current = this.windows.get(p.display.id);
      if (current && !current.window.isDestroyed() && current.url === url) {
        current.window.setBounds(p.display.bounds);
        continue;
      }
      // The layout changed (e.g. this display took over the desk): a fresh window in the right mode.
      if (current && !current.window.isDestroyed()) current.window.close();
      const window = this.opts.open(p, url);
      const entry = { window, url };
      this.windows.set(p.display.id, entry);
      window.once('closed', () => {
        if (this.windows.get(p.display.id) === entry) this.windows.delete(p.display.id);
      });
    }
  };

  /** New displays are written with their default layout, so the file lists every monitor to edit. */
  private remember(plan: readonly PlannedWindow[]): void {
    let changed = false;
    for (const { display } of plan) {
      const key = String(display.id);
      if (this.saved[key]) continue;
      this.saved[key] = defaultLayout(display);
      changed = true;
    }
    if (!changed) return;
    try {
      this.opts.file.write(`${JSON.stringify(this.saved, null, 2)}\n`);
    } catch (error) {
      this.opts.log(`displays.json not saved: ${(error as Error).message}`);
    }
  }
}

/** Where a window for a plan goes: a desk window fills its display; a wallboard is kiosk full screen. */
export function windowPlacement({ display, layout }: PlannedWindow): Bounds & { kiosk: boolean; fullscreen: boolean } {
  const wallboard = layout.mode === 'wallboard';
  return { ...display.bounds, kiosk: wallboard, fullscreen: wallboard };
}
