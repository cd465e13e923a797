import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));
const { DisplayWindows, layoutUrl, parseLayouts, planDisplays } = await import('./displays');

const display = (id: number, x: number, primary = false) => ({ id, bounds: { x, y: 0, width: 1920, height: 1080 }, primary });

describe('planDisplays', () => {
  it('gives the primary the desk and other displays a wallboard, unless remembered otherwise', () => {
    const plan = planDisplays([display(1, 0, true), display(2, 1920), display(3, 3840)], { '3': { mode: 'wallboard', board: 'areas', rotateS: 20 } });
    expect(plan.map((p) => [p.display.id, p.layout.mode, p.layout.board])).toEqual([
      [1, 'desk', 'plant'],
      [2, 'wallboard', 'plant'],
      [3, 'wallboard', 'areas'],
    ]);
  });

  it('moves the desk to the primary display when the desk monitor is gone', () => {
    const plan = planDisplays([display(2, 0, true)], { '1': { mode: 'desk', board: 'plant' }, '2': { mode: 'wallboard', board: 'plant' } });
    expect(plan[0]!.layout.mode).toBe('desk');
  });
});

describe('layoutUrl and parseLayouts', () => {
  it('addresses a wallboard by hash route with its playlist', () => {
    expect(layoutUrl('app://fb', { mode: 'desk', board: 'plant' })).toBe('app://fb/index.html');
    expect(layoutUrl('app://fb', { mode: 'wallboard', board: 'north', pages: 'overview,area:air', rotateS: 15 })).toBe(
      'app://fb/index.html#/wallboard/north?pages=overview%2Carea%3Aair&rotate=15',
    );
  });

  it('ignores a damaged file with a warning', () => {
    const warn = vi.fn();
    expect(parseLayouts('{not json', warn)).toEqual({});
    expect(parseLayouts('{"1":{"mode":"sideways"}}', warn)).toEqual({});
    expect(warn).toHaveBeenCalledTimes(2);
    expect(parseLayouts('{"1":{"mode":"wallboard"}}', warn)).toEqual({ '1': { mode: 'wallboard', board: 'plant' } });
  });
});

describe('DisplayWindows', () => {
  function setup(initial: ReturnType<typeof display>[], file: string | null = null) {
    let displays = initial;
    const screen = Object.assign(new EventEmitter(), {
      getAllDisplays: () => displays,
      getPrimaryDisplay: () => displays.find((d) => d.primary) ?? displays[0]!,
    });
    const written: string[] = [];
    const windows: { url: string; bounds: unknown; closed: boolean; window: { setBounds: ReturnType<typeof vi.fn>; close: () => void; isDestroyed: () => boolean; once: () => void } }[] = [];
    const manager = new DisplayWindows({
      screen: screen as never,
      file: { read: () => file, write: (t) => written.push(t) },
      origin: 'app://fb',
      log: vi.fn(),
      open: (plan, url) => {
        const record = { url, bounds: plan.display.bounds, closed: false, window: { setBounds: vi.fn(), close: () => (record.closed = true), isDestroyed: () => record.closed, once: () => undefined } };
        windows.push(record);
        return record.window;
      },
    });
    return { manager, screen, windows, written, setDisplays: (d: ReturnType<typeof display>[]) => (displays = d) };
  }

  it('opens a window per display, remembers new displays, and follows monitors coming and going', () => {
    const { manager, screen, windows, written, setDisplays } = setup([display(1, 0, true), display(2, 1920)]);
    manager.start();
    expect(windows.map((w) => w.url)).toEqual(['app://fb/index.html', 'app://fb/index.html#/wallboard/plant']);
    expect(JSON.parse(written.at(-1)!)).toEqual({ '1': { mode: 'desk', board: 'plant' }, '2': { mode: 'wallboard', board: 'plant' } });

    setDisplays([display(1, 0, true)]);
    screen.emit('display-removed');
    expect(windows[1]!.closed).toBe(true);
    expect(windows[0]!.closed).toBe(false);

    setDisplays([display(1, 0, true), display(2, 1920)]);
    screen.emit('display-added');
    expect(windows).toHaveLength(3);
    expect(windows[2]!.url).toBe('app://fb/index.html#/wallboard/plant');
    manager.stop();
    expect(screen.listenerCount('display-added')).toBe(0);
  });

  it('hands the desk to the remaining display when the desk monitor is unplugged, and back', () => {
    const saved = JSON.stringify({ '1': { mode: 'desk' }, '2': { mode: 'wallboard', board: 'areas' } });
    const { manager, screen, windows, setDisplays } = setup([display(1, 0, true), display(2, 1920)], saved);
    manager.start();
    setDisplays([display(2, 0, true)]);
    screen.emit('display-removed');
    expect(windows[0]!.closed).toBe(true);
    expect(windows[1]!.closed).toBe(true);
    expect(windows[2]!.url).toBe('app://fb/index.html');

    setDisplays([display(1, 0, true), display(2, 1920)]);
    screen.emit('display-added');
    expect(windows.slice(3).map((w) => w.url)).toEqual(['app://fb/index.html', 'app://fb/index.html#/wallboard/areas']);
  });
});
