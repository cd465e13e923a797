import { describe, expect, it } from 'vitest';
import { drawingTarget, GraphSurface } from './graph-surface';

/** A canvas whose 2D context records the calls that matter here. */
function fakeCanvas() {
  const calls: string[] = [];
  const ctx = {
    setTransform: (...a: number[]) => calls.push(`transform ${a.join(',')}`),
    clearRect: (...a: number[]) => calls.push(`clear ${a.join(',')}`),
    save: () => {},
    restore: () => {},
    beginPath: () => {},
    rect: () => {},
    clip: () => {},
  };
  const canvas = { width: 0, height: 0, getContext: () => ctx } as unknown as HTMLCanvasElement;
  return { canvas, calls };
}

describe('GraphSurface', () => {
  it('keeps what each graph drew: a resize redraws them all at the new pixel ratio', () => {
    const { canvas, calls } = fakeCanvas();
    const surface = new GraphSurface(() => canvas);
    const painted: string[] = [];
    // before the band has sized its canvas nothing is drawn, but the graph is kept
    surface.set('a', { x: 10, y: 5, width: 100, height: 16 }, (_ctx, w, h) => painted.push(`a ${w}x${h}`));
    expect(painted).toEqual([]);
    surface.resize(400, 80, 2);
    expect([canvas.width, canvas.height]).toEqual([800, 160]);
    expect(painted).toEqual(['a 100x16']);
    expect(calls).toContain('transform 2,0,0,2,20,10');
    surface.set('b', { x: 200, y: 5, width: 100, height: 16 }, () => painted.push('b'));
    surface.resize(400, 80, 1);
    expect(painted).toEqual(['a 100x16', 'b', 'a 100x16', 'b']);
  });

  it('clears a graph that moved or left', () => {
    const { canvas, calls } = fakeCanvas();
    const surface = new GraphSurface(() => canvas);
    surface.resize(400, 80, 1);
    surface.set('a', { x: 10, y: 5, width: 100, height: 16 }, () => {});
    calls.length = 0;
    surface.set('a', { x: 10, y: 40, width: 100, height: 16 }, () => {});
    expect(calls.slice(0, 2)).toEqual(['transform 1,0,0,1,0,0', 'clear 10,5,100,16']);
    calls.length = 0;
    surface.delete('a');
    expect(calls).toEqual(['transform 1,0,0,1,0,0', 'clear 10,40,100,16']);
    calls.length = 0;
    surface.resize(400, 80, 1);
    expect(calls).toEqual([]);
  });

  it('redraws a graph whose place another one left: a metric that arrives first pushes the others down a row', () => {
    const { canvas } = fakeCanvas();
    const surface = new GraphSurface(() => canvas);
    surface.resize(400, 80, 1);
    const painted: string[] = [];
    surface.set('pressure', { x: 10, y: 20, width: 100, height: 16 }, () => painted.push('pressure row 1'));
    // power sorts first: it draws at row 1, then pressure moves to row 2 and clears row 1 behind it
    surface.set('power', { x: 10, y: 21, width: 100, height: 16 }, () => painted.push('power'));
    surface.set('pressure', { x: 10, y: 50, width: 100, height: 16 }, () => painted.push('pressure row 2'));
    expect(painted).toEqual(['pressure row 1', 'power', 'power', 'pressure row 2']);
  });

  it('draws into the offscreen canvas the page canvas hands its control to, handed over once', () => {
    const offscreen = fakeCanvas();
    let transfers = 0;
    const element = fakeCanvas();
    const canvas = Object.assign(element.canvas, {
      transferControlToOffscreen: () => {
        transfers += 1;
        return offscreen.canvas;
      },
    });
    const surface = new GraphSurface(() => canvas);
    surface.resize(400, 80, 2);
    const painted: string[] = [];
    surface.set('a', { x: 10, y: 5, width: 100, height: 16 }, () => painted.push('a'));
    surface.resize(300, 80, 1);
    expect(transfers).toBe(1);
    expect([offscreen.canvas.width, offscreen.canvas.height]).toEqual([300, 80]);
    // the page's canvas keeps its own size; setting it after the hand-over would throw in a browser
    expect([canvas.width, canvas.height]).toEqual([0, 0]);
    expect(element.calls).toEqual([]);
    expect(offscreen.calls).toContain('transform 1,0,0,1,10,5');
    expect(painted).toEqual(['a', 'a']);
    expect(drawingTarget(canvas)).toBe(offscreen.canvas);
  });
});
