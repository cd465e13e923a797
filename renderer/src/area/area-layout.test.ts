import { describe, expect, it } from 'vitest';
import { automaticLayout, boxGeometry, gridFor, linkPath, moveNode, resolveLayout, toFractions, toggleLink, toPixels } from './area-layout';

describe('area layout geometry', () => {
  it('keeps a short line in one row and wraps a long one to fill a wide drawing', () => {
    expect(gridFor(4, 3.6)).toEqual({ columns: 4, rows: 1 });
    expect(gridFor(24, 3.6)).toEqual({ columns: 8, rows: 3 });
    expect(gridFor(6, 3.6)).toEqual({ columns: 6, rows: 1 });
    expect(gridFor(125, 3.6)).toEqual({ columns: 16, rows: 8 });
    expect(gridFor(0, 3.6)).toEqual({ columns: 1, rows: 1 });
  });

  it('arranges automatically in machine number order (M2 before M10), row by row, with no connections', () => {
    const auto = automaticLayout(['M10', 'M2', 'M1', 'M3', 'M4'], 1);
    expect(auto.nodes.map((n) => n.machineId)).toEqual(['M1', 'M2', 'M3', 'M4', 'M10']);
    expect(gridFor(5, 1)).toEqual({ columns: 2, rows: 3 });
    expect(auto.nodes.map((n) => [n.x, n.y])).toEqual([
      [0, 0],
      [1, 0],
      [0, 0.5],
      [1, 0.5],
      [0, 1],
    ]);
    expect(auto.links).toEqual([]);
  });

  it('resolves a saved layout against the machines there are now: gone ones out with their connections, new ones along the bottom', () => {
    const saved = {
      nodes: [
        { machineId: 'A', x: 0.1, y: 0.2 },
        { machineId: 'GONE', x: 0.5, y: 0.5 },
        { machineId: 'B', x: 0.9, y: 0.2 },
      ],
      links: [
        { from: 'A', to: 'B' },
        { from: 'B', to: 'GONE' },
      ],
    };
    const r = resolveLayout(['B', 'A', 'N2', 'N1'], saved, 3);
    expect(r.missing).toEqual(['GONE']);
    expect(r.added).toEqual(['N1', 'N2']);
    expect(r.nodes).toEqual([
      { machineId: 'A', x: 0.1, y: 0.2 },
      { machineId: 'B', x: 0.9, y: 0.2 },
      { machineId: 'N1', x: 0, y: 1 },
      { machineId: 'N2', x: 1, y: 1 },
    ]);
    expect(r.links).toEqual([{ from: 'A', to: 'B' }]);
    expect(resolveLayout(['A'], null, 3)).toEqual({ nodes: [{ machineId: 'A', x: 0.5, y: 0.5 }], links: [], missing: [], added: [] });
  });

  it('moves within the drawing only, and toggles a connection (never to itself)', () => {
    const l = { nodes: [{ machineId: 'A', x: 0, y: 0 }, { machineId: 'B', x: 1, y: 1 }], links: [] };
    expect(moveNode(l, 'A', 1.4, -2).nodes[0]).toEqual({ machineId: 'A', x: 1, y: 0 });
    expect(moveNode(l, 'A', Number.NaN, 0.3).nodes[0]).toEqual({ machineId: 'A', x: 0, y: 0.3 });
    const linked = toggleLink(l, 'A', 'B');
    expect(linked.links).toEqual([{ from: 'A', to: 'B' }]);
    expect(toggleLink(linked, 'A', 'B').links).toEqual([]);
    expect(toggleLink(l, 'A', 'A')).toBe(l);
  });

  it('sizes boxes to the drawing and the count: full boxes with values for a few machines, brief ones for many', () => {
    const few = boxGeometry(4, 1880, 588);
    expect(few).toMatchObject({ width: 245, height: 104, detail: true });
    // Twice the drawing (4K), twice everything: a layout reads the same on the wall as at the desk.
    const wall = boxGeometry(4, 3760, 1176);
    expect(wall).toMatchObject({ width: 491, height: 208, detail: true });
    expect(wall.fontPx).toBeCloseTo(2 * few.fontPx, 9);
    const many = boxGeometry(125, 1880, 588);
    expect(many.detail).toBe(false);
    // The automatic grid never overlaps: columns × box width fits the drawing.
    const { columns, rows } = gridFor(125, 1880 / 588);
    expect(columns * many.width).toBeLessThanOrEqual(1880);
    expect(rows * many.height).toBeLessThanOrEqual(588);
  });

  it('grows the box text to the wallboard font where boxes with values still fit, and keeps the drawing\'s share otherwise', () => {
    // 3840x2160 wallboard: the screen font is 48 px, the drawing's share only 3760 / 130 ≈ 29 px.
    const wall = boxGeometry(6, 3760, 1176, 48);
    expect(wall.fontPx).toBe(48);
    expect(wall).toMatchObject({ detail: true });
    const { columns, rows } = gridFor(6, 3760 / 1176);
    expect(columns * (wall.width + 1.2 * 48)).toBeLessThanOrEqual(3760 + 1.2 * 48);
    expect(rows * wall.height).toBeLessThanOrEqual(1176);
    // A desk font below the drawing's share changes nothing.
    expect(boxGeometry(4, 1880, 588, 14)).toEqual(boxGeometry(4, 1880, 588));
    // Many machines: the font grows only as far as boxes with values fit, then stays at the share.
    const some = boxGeometry(24, 3760, 1176, 48);
    expect(some.fontPx).toBeGreaterThan(3760 / 130);
    expect(some.fontPx).toBeLessThan(48);
    expect(some.detail).toBe(true);
    const g = gridFor(24, 3760 / 1176);
    expect(g.columns * some.width).toBeLessThanOrEqual(3760);
    expect(g.rows * some.height).toBeLessThanOrEqual(1176);
    expect(boxGeometry(150, 3760, 1176, 48)).toEqual(boxGeometry(150, 3760, 1176));
  });

  it('converts between fractions and pixels both ways, and draws a connection from edge to edge', () => {
    const box = { width: 200, height: 100, fontPx: 14, detail: true, density: 'detail' as const };
    const drawing = { width: 1200, height: 500 };
    expect(toPixels({ x: 0.5, y: 1 }, drawing, box)).toEqual({ left: 500, top: 400 });
    expect(toFractions(500, 400, drawing, box)).toEqual({ x: 0.5, y: 1 });
    expect(toFractions(-50, 9_999, drawing, box)).toEqual({ x: 0, y: 1 });
    // Side by side: from the right edge of the first to the left edge of the second.
    expect(linkPath({ left: 0, top: 0 }, { left: 400, top: 0 }, box)).toEqual({ x1: 200, y1: 50, x2: 400, y2: 50 });
    // One above the other: bottom edge to top edge.
    expect(linkPath({ left: 0, top: 0 }, { left: 0, top: 300 }, box)).toEqual({ x1: 100, y1: 100, x2: 100, y2: 300 });
  });
});
