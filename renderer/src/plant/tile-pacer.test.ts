import { describe, expect, it } from 'vitest';
import type { MonoMs } from '../../../common/time';
import { TilePacer, type TileSource } from './tile-pacer';

/** A source that notifies by hand, like LiveTelemetry's flush. */
function source() {
  const listeners = new Map<string, Set<() => void>>();
  const s: TileSource & { notify(id: string): void; subscribed(id: string): boolean } = {
    subscribe(id, listener) {
      const set = listeners.get(id) ?? new Set();
      listeners.set(id, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    notify: (id) => listeners.get(id)?.forEach((l) => l()),
    subscribed: (id) => (listeners.get(id)?.size ?? 0) > 0,
  };
  return s;
}

/** A pacer on a hand-driven clock that each tile's render moves on by `costMs`; `frame()` runs one at the next 16 ms tick. */
function setup(budgetMs: number, costMs: number, headroom?: number) {
  const src = source();
  const frames: (() => void)[] = [];
  let clock = 0;
  const drawn: string[] = [];
  const pacer = new TilePacer(src, {
    frame: (draw) => frames.push(draw),
    now: () => clock as MonoMs,
    budgetMs,
    ...(headroom === undefined ? {} : { headroom }),
    // each tile's render costs costMs of the frame's budget
    render: (notify) => {
      notify();
      clock += costMs;
    },
  });
  const nextFrame = () => frames.splice(0).forEach((draw) => draw());
  /** Frames every 16 ms: returns how many tiles this one drew. */
  const frame = () => {
    clock = (Math.floor(clock / 16) + 1) * 16;
    const before = drawn.length;
    nextFrame();
    return drawn.length - before;
  };
  return { src, pacer, frames, drawn, nextFrame, frame };
}

describe('TilePacer', () => {
  it('redraws as many waiting tiles per frame as the budget allows, longest waiting first, and the rest in later frames', () => {
    const { src, pacer, drawn, frames, nextFrame } = setup(4, 1);
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) pacer.subscribe(id, () => drawn.push(id));
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) src.notify(id);
    expect(drawn).toEqual([]);
    expect(frames).toHaveLength(1);
    nextFrame();
    expect(drawn).toEqual(['a', 'b', 'c', 'd']);
    expect(pacer.backlog).toBe(2);
    nextFrame();
    expect(drawn).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(pacer.backlog).toBe(0);
    expect(frames).toHaveLength(0);
  });

  it('draws a tile that changes again while it waits once, in its old place', () => {
    const { src, pacer, drawn, nextFrame } = setup(2, 1);
    for (const id of ['a', 'b', 'c']) pacer.subscribe(id, () => drawn.push(id));
    src.notify('a');
    src.notify('b');
    src.notify('c');
    src.notify('a');
    nextFrame();
    expect(drawn).toEqual(['a', 'b']);
    src.notify('a');
    nextFrame();
    expect(drawn).toEqual(['a', 'b', 'c', 'a']);
  });

  it('always draws at least one tile a frame, even one that costs more than the budget', () => {
    const { src, pacer, drawn, nextFrame } = setup(4, 10);
    for (const id of ['a', 'b']) pacer.subscribe(id, () => drawn.push(id));
    src.notify('a');
    src.notify('b');
    nextFrame();
    expect(drawn).toEqual(['a']);
    nextFrame();
    expect(drawn).toEqual(['a', 'b']);
  });

  it('lets go of its source when the last tile of a machine leaves, and draws nothing after stop', () => {
    const { src, pacer, drawn, frames, nextFrame } = setup(4, 1);
    const leave = pacer.subscribe('a', () => drawn.push('a'));
    pacer.subscribe('b', () => drawn.push('b'));
    src.notify('a');
    leave();
    expect(src.subscribed('a')).toBe(false);
    nextFrame();
    expect(drawn).toEqual([]);
    src.notify('b');
    pacer.stop();
    nextFrame();
    src.notify('b');
    expect(frames).toHaveLength(0);
    expect(drawn).toEqual([]);
  });
});

describe('TilePacer in screen order', () => {
  it('draws neighbours together, sweeping on from where the last frame stopped, and reaches every waiting tile', () => {
    const { src, pacer, drawn, nextFrame } = setup(2, 1);
    const ids = ['a', 'b', 'c', 'd', 'e'];
    pacer.setOrder(ids);
    for (const id of ids) pacer.subscribe(id, () => drawn.push(id));
    for (const id of ['e', 'c', 'a', 'd']) src.notify(id);
    nextFrame();
    expect(drawn).toEqual(['a', 'c']);
    src.notify('a');
    src.notify('b');
    nextFrame();
    // on from c: d, e, then round to a and b
    expect(drawn).toEqual(['a', 'c', 'd', 'e']);
    nextFrame();
    expect(drawn).toEqual(['a', 'c', 'd', 'e', 'a', 'b']);
  });
});

describe('TilePacer.touch', () => {
  it('queues a redraw of shown machines as a change from the source would, and ignores machines without a tile', () => {
    const { pacer, drawn, frames, nextFrame } = setup(1, 1);
    for (const id of ['a', 'b']) pacer.subscribe(id, () => drawn.push(id));
    pacer.touch(['b', 'x', 'a']);
    expect(pacer.backlog).toBe(2);
    nextFrame();
    nextFrame();
    expect(drawn).toEqual(['b', 'a']);
    expect(frames).toHaveLength(0);
  });
});

describe('TilePacer with headroom', () => {
  const paced = (headroom: number, costMs: number) => setup(4, costMs, headroom);

  it('draws a batch over the frames up to the next one, about as many tiles a frame as change a frame, not all it can in the first', () => {
    const { src, pacer, drawn, frame } = paced(1.25, 0.1);
    const ids = Array.from({ length: 500 }, (_, i) => `m${i}`);
    pacer.setOrder(ids);
    for (const id of ids) pacer.subscribe(id, () => drawn.push(id));
    // 500 machines at 1 Hz in 4 batches a second, a batch every 15 frames of 16 ms
    const perFrame: number[] = [];
    for (let second = 0; second < 3; second++) {
      for (let batch = 0; batch < 4; batch++) {
        for (const id of ids.slice(batch * 125, batch * 125 + 125)) src.notify(id);
        for (let f = 0; f < 15; f++) perFrame.push(frame());
        // from the second second on, when the rate is known, each batch is drawn before the next comes
        if (second > 0 && batch > 0) expect(pacer.backlog).toBe(0);
      }
    }
    const steady = perFrame.slice(75);
    // the 4 ms budget at 0.1 ms a tile would draw 40 tiles a frame; 500 tiles a second over 62.5 frames are 8 a frame
    expect(Math.max(...steady)).toBeLessThanOrEqual(13);
    expect(steady.filter((n) => n > 0).length).toBeGreaterThan((steady.length * 2) / 3);
  });

  it('still draws a lone change in the next frame, and keeps to the budget when its share would take longer', () => {
    const { src, pacer, drawn, frame } = paced(1.25, 1);
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) pacer.subscribe(id, () => drawn.push(id));
    src.notify('a');
    expect(frame()).toBe(1);
    for (let i = 0; i < 1000; i++) src.notify('b');
    for (const id of ['c', 'd', 'e', 'f']) src.notify(id);
    // a thousand notices in this second: its share is far above 5 tiles, the 4 ms budget holds it to 4
    expect(frame()).toBe(4);
    expect(frame()).toBe(1);
    expect(drawn).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});
