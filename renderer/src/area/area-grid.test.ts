import { describe, expect, it } from 'vitest';
import { autoGrid, boxGap, boxGeometry, denseGrid, gridFor, MINI_HEIGHT_EM, MINI_WIDTH_EM } from './area-grid';
import { automaticLayout, toPixels } from './area-layout';

// The drawing (16:5) at a 1920×1080 desk and on a 3840×2160 wall at wallboard type (screen font 48 px), as Chromium lays them out.
const desk = { width: 1886, height: 589, screenFontPx: 14 };
const wall = { width: 3723, height: 1163, screenFontPx: 48 };
const tiny = { width: 160, height: 50, screenFontPx: 14 };

const ids = (count: number) => Array.from({ length: count }, (_, i) => `M${i + 1}`);

/** The automatic arrangement as the screen draws it: every box's pixel rectangle. */
function drawn(count: number, drawing: { width: number; height: number; screenFontPx: number }) {
  const box = boxGeometry(count, drawing.width, drawing.height, drawing.screenFontPx);
  const layout = automaticLayout(ids(count), drawing.width / drawing.height);
  return { box, rects: layout.nodes.map((n) => ({ id: n.machineId, ...toPixels(n, drawing, box), width: box.width, height: box.height })) };
}

/** Pairs of boxes over one another by more than half a pixel both ways (as the e2e test measures), and boxes outside the drawing. */
function problems(count: number, drawing: { width: number; height: number; screenFontPx: number }) {
  const { rects } = drawn(count, drawing);
  const over: string[] = [];
  // Sorted by left, only neighbours within a box width are compared.
  const byLeft = [...rects].sort((a, b) => a.left - b.left);
  for (let i = 0; i < byLeft.length; i++)
    for (let j = i + 1; j < byLeft.length && byLeft[j]!.left < byLeft[i]!.left + byLeft[i]!.width - 0.5; j++) {
      const a = byLeft[i]!;
      const b = byLeft[j]!;
      if (a.top < b.top + b.height - 0.5 && b.top < a.top + a.height - 0.5) over.push(`${a.id}/${b.id}`);
    }
  const outside = rects.filter((r) => r.left < 0 || r.top < 0 || r.left + r.width > drawing.width + 1e-6 || r.top + r.height > drawing.height + 1e-6).map((r) => r.id);
  return { over, outside, count: rects.length };
}

describe('automatic area grid', () => {
  it.each([
    ['desk 1920×1080', desk],
    ['wall 3840×2160', wall],
    ['a tiny drawing', tiny],
  ])('never draws a box over another nor outside the drawing, for 1 to 500 machines, on %s', (_, drawing) => {
    for (const count of [1, 2, 7, 24, 100, 150, 163, 200, 333, 500]) {
      const p = problems(count, drawing);
      expect(p.count, `${count} machines`).toBe(count);
      expect(p.over, `${count} machines`).toEqual([]);
      expect(p.outside, `${count} machines`).toEqual([]);
    }
  });

  it('keeps values for 24 machines and brief boxes for 100; 500 get one-line boxes still readable at the desk and on the wall', () => {
    expect(boxGeometry(24, desk.width, desk.height, 14).density).toBe('detail');
    expect(boxGeometry(24, wall.width, wall.height, 48).density).toBe('detail');
    expect(boxGeometry(100, desk.width, desk.height, 14).density).toBe('brief');
    const deskMany = boxGeometry(500, desk.width, desk.height, 14);
    expect(deskMany).toMatchObject({ density: 'mini', detail: false });
    // About 12 px at the desk: a short machine name (CNC-001) reads in full.
    expect(deskMany.fontPx).toBeGreaterThan(11);
    expect(deskMany.width).toBeGreaterThanOrEqual(Math.floor(deskMany.fontPx * MINI_WIDTH_EM));
    expect(deskMany.height).toBeGreaterThanOrEqual(Math.floor(deskMany.fontPx * MINI_HEIGHT_EM));
    // Twice the drawing, about twice the box.
    const wallMany = boxGeometry(500, wall.width, wall.height, 48);
    expect(wallMany.density).toBe('mini');
    expect(wallMany.fontPx / deskMany.fontPx).toBeCloseTo(wall.height / desk.height, 1);
    expect(boxGap(wallMany)).toBeLessThan(boxGap(boxGeometry(100, wall.width, wall.height, 48)));
  });

  it('takes the dense grid only where brief boxes at the drawing\'s share would lie over one another, and then never a font above that share', () => {
    const aspect = desk.width / desk.height;
    expect(autoGrid(100, aspect)).toEqual({ ...gridFor(100, aspect), dense: false });
    expect(autoGrid(500, aspect).dense).toBe(true);
    // The old grid for 500 (32 × 16) leaves cells smaller than a brief box: that is what overlapped.
    expect(gridFor(500, aspect)).toEqual({ columns: 32, rows: 16 });
    const dense = denseGrid(500, aspect);
    expect(dense.columns * dense.rows).toBeGreaterThanOrEqual(500);
    expect((dense.columns - 1) * dense.rows).toBeLessThan(500);
    // Just past the switch the one-line boxes would be larger than the brief ones before it: they keep the share.
    const first = Array.from({ length: 500 }, (_, i) => i + 1).find((n) => autoGrid(n, aspect).dense)!;
    expect(first).toBeGreaterThan(100);
    expect(boxGeometry(first, desk.width, desk.height, 14).fontPx).toBeCloseTo(desk.width / 130, 9);
    // Before the drawing is measured: no dense grid, nothing to divide by zero.
    expect(autoGrid(500, 0).dense).toBe(false);
    expect(boxGeometry(500, 0, 0)).toMatchObject({ width: 0, height: 0 });
  });

  it('fills the drawing row by row in machine order, the last row no emptier than it must be', () => {
    const layout = automaticLayout(ids(500), desk.width / desk.height);
    const { columns, rows } = autoGrid(500, desk.width / desk.height);
    expect(new Set(layout.nodes.map((n) => n.y)).size).toBe(rows);
    expect(layout.nodes.filter((n) => n.y === 0)).toHaveLength(columns);
    expect(layout.nodes[columns]).toMatchObject({ machineId: `M${columns + 1}`, x: 0 });
    expect(layout.nodes.at(-1)!.y).toBe(1);
  });
});
