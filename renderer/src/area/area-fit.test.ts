import { describe, expect, it } from 'vitest';
import { AreaLayoutSchema, type AreaLayout, type AreaNode } from '../../../common/contract-area';
import { boxShare, designBox, drawingRoom, fitToScreen, placeFree, rebase, scalePositions, separate, type Drawing } from './area-fit';
import { boxGap, boxGeometry, resolveLayout, toPixels, type BoxGeometry } from './area-layout';

/** Pairs of boxes drawn over one another (more than half a pixel both ways), as the e2e test counts them. */
function overlaps(nodes: readonly AreaNode[], drawing: Drawing, box: Pick<BoxGeometry, 'width' | 'height'>): string[] {
  const at = nodes.map((n) => ({ id: n.machineId, ...toPixels(n, drawing, box as BoxGeometry) }));
  const out: string[] = [];
  for (let i = 0; i < at.length; i++)
    for (let j = i + 1; j < at.length; j++) {
      const a = at[i]!;
      const b = at[j]!;
      if (Math.abs(a.left - b.left) < box.width - 0.5 && Math.abs(a.top - b.top) < box.height - 0.5) out.push(`${a.id}/${b.id}`);
    }
  return out;
}

/** Top-left in box lengths, the unit a layout keeps its shape in. */
const inBoxes = (n: AreaNode, drawing: Drawing, box: Pick<BoxGeometry, 'width' | 'height'>) => ({
  u: (n.x * (drawing.width - box.width)) / box.width,
  v: (n.y * (drawing.height - box.height)) / box.height,
});

// The drawing (16:5) at a 1920×1080 desk and on a 3840×2160 wall at wallboard type (screen font 48 px), as Chromium lays them out.
const desk = { width: 1886, height: 589 };
const wall = { width: 3723, height: 1163 };
const deskBox = boxGeometry(3, desk.width, desk.height, 14);
const wallBox = boxGeometry(3, wall.width, wall.height, 48);

// What the e2e engineer saves at the desk: C-02 and C-03 in the middle row, C-01 dragged near the bottom-right corner.
const arranged: AreaLayout = {
  nodes: [
    { machineId: 'C-01', x: 0.9634, y: 0.9177 },
    { machineId: 'C-02', x: 0.5, y: 0.5 },
    { machineId: 'C-03', x: 1, y: 0.5 },
  ],
  links: [{ from: 'C-01', to: 'C-02' }],
  box: boxShare(deskBox, desk),
};

describe('a saved area layout on a screen with other boxes', () => {
  it('draws the same positions where the box is the one it was arranged with', () => {
    expect(scalePositions(arranged.nodes, arranged.box!, boxShare(deskBox, desk))).toEqual(arranged.nodes);
    expect(rebase(arranged, 3, desk, deskBox)).toBe(arranged);
  });

  it('keeps a desk layout\'s shape on a 4K wall whose boxes grew with the wallboard type: no box over another', () => {
    // The boxes take a larger share of the wall's drawing than of the desk's.
    expect(wallBox.width / wall.width).toBeGreaterThan((deskBox.width / desk.width) * 1.3);
    // Drawn at its desk fractions, C-01 would lie over C-03's bottom edge (the defect).
    expect(overlaps(arranged.nodes, wall, wallBox)).toEqual(['C-01/C-03']);

    const scaled = scalePositions(arranged.nodes, arranged.box!, boxShare(wallBox, wall));
    expect(overlaps(scaled, wall, wallBox)).toEqual([]);
    // The same shape in box lengths, only smaller: every offset from C-02 scaled by one factor.
    const before = arranged.nodes.map((n) => inBoxes(n, desk, deskBox));
    const after = scaled.map((n) => inBoxes(n, wall, wallBox));
    const k = (after[2]!.u - after[1]!.u) / (before[2]!.u - before[1]!.u);
    expect(k).toBeGreaterThan(0.4);
    expect(k).toBeLessThan(1);
    expect((after[0]!.u - after[1]!.u) / (before[0]!.u - before[1]!.u)).toBeCloseTo(k, 6);
    expect((after[0]!.v - after[1]!.v) / (before[0]!.v - before[1]!.v)).toBeCloseTo(k, 6);
    // As large as the drawing allows: the rightmost box still touches the right edge.
    expect(scaled[2]!.x).toBeCloseTo(1, 9);

    const fitted = fitToScreen(resolveLayout(['C-01', 'C-02', 'C-03'], arranged, 3.2), arranged, ['C-01', 'C-02', 'C-03'], wall, wallBox, boxGap(wallBox));
    expect(fitted).toEqual({ nodes: scaled, crowded: false });
  });

  it('spreads a layout arranged with large boxes to the share of the drawing it had where the boxes are smaller', () => {
    const nodes = [
      { machineId: 'A', x: 0, y: 0 },
      { machineId: 'B', x: 1, y: 1 },
    ];
    const scaled = scalePositions(nodes, { width: 0.2, height: 0.3 }, { width: 0.1, height: 0.15 });
    // Four box widths across and 7/3 down before; nine and 17/3 now: 2.25 times the box lengths, the width's limit.
    expect(scaled[0]).toEqual({ machineId: 'A', x: 0, y: 0 });
    expect(scaled[1]!.x).toBeCloseTo(1, 9);
    expect(scaled[1]!.y).toBeCloseTo(((7 / 3) * 2.25) / (17 / 3), 9);
  });

  it('accepts a layout with the box it was arranged with, and one saved before without it; never a box of nothing or larger than the drawing', () => {
    expect(AreaLayoutSchema.safeParse(arranged).success).toBe(true);
    expect(AreaLayoutSchema.safeParse({ nodes: arranged.nodes, links: arranged.links }).success).toBe(true);
    for (const box of [{ width: 0, height: 0.2 }, { width: 0.2, height: 1.5 }, { width: 0.2 }, { width: 0.2, height: 0.2, depth: 1 }])
      expect(AreaLayoutSchema.safeParse({ ...arranged, box }).success, JSON.stringify(box)).toBe(false);
  });

  it('reads a layout saved before the box was recorded with the box of that time, the drawing\'s own share (migration on read)', () => {
    const legacy: AreaLayout = { nodes: arranged.nodes, links: arranged.links };
    const then = boxGeometry(3, 1600, 500);
    expect(designBox(legacy, 3)).toEqual({ width: then.width / 1600, height: then.height / 500 });
    expect(designBox(arranged, 3)).toBe(arranged.box);
    // At the desk (where the screen font is below the drawing's share) it is drawn where it always was.
    const atDesk = boxGeometry(3, desk.width, desk.height);
    const deskNodes = fitToScreen(resolveLayout(['C-01', 'C-02', 'C-03'], legacy, 3.2), legacy, ['C-01', 'C-02', 'C-03'], desk, atDesk, boxGap(atDesk)).nodes;
    deskNodes.forEach((n, i) => {
      expect(n.x).toBeCloseTo(legacy.nodes[i]!.x, 2);
      expect(n.y).toBeCloseTo(legacy.nodes[i]!.y, 2);
    });
    // On the wall it is scaled like a new one, with no box over another.
    const onWall = fitToScreen(resolveLayout(['C-01', 'C-02', 'C-03'], legacy, 3.2), legacy, ['C-01', 'C-02', 'C-03'], wall, wallBox, boxGap(wallBox));
    expect(onWall.crowded).toBe(false);
    expect(overlaps(onWall.nodes, wall, wallBox)).toEqual([]);
    // Editing it carries it over to this screen's box, which is what a save then records.
    const draft = rebase(legacy, 3, wall, wallBox);
    expect(draft.box).toEqual(boxShare(wallBox, wall));
    expect(draft.nodes).toEqual(onWall.nodes);
  });
});

describe('boxes over one another', () => {
  const drawing = { width: 1000, height: 500 };
  const box = { width: 100, height: 50 };
  const px = (n: AreaNode) => toPixels(n, drawing, box as BoxGeometry);

  it('moves the later of two boxes on one place to the nearest free place, a gap clear; a box over none never moves', () => {
    const nodes = [
      { machineId: 'A', x: 0.5, y: 0.5 },
      { machineId: 'B', x: 0.5, y: 0.5 },
      { machineId: 'C', x: 0, y: 0 },
    ];
    const apart = separate(nodes, drawing, box, 10)!;
    expect(apart[0]).toEqual(nodes[0]);
    expect(apart[2]).toEqual(nodes[2]);
    // Nearest is straight above (a box height and the gap), not beside (a box width).
    expect(px(apart[1]!)).toEqual({ left: 450, top: 225 - 60 });
    expect(overlaps(apart, drawing, box)).toEqual([]);
    // Already apart: the same positions.
    expect(separate(apart, drawing, box, 10)).toEqual(apart);
  });

  it('keeps the box that overlaps nothing where it is even when it comes later, and stays inside the drawing', () => {
    const nodes = [
      { machineId: 'A', x: 0, y: 0 },
      { machineId: 'B', x: 0.02, y: 0 },
      { machineId: 'C', x: 1, y: 1 },
    ];
    const apart = separate(nodes, drawing, box, 10)!;
    expect(apart[0]).toEqual(nodes[0]);
    expect(apart[2]).toEqual(nodes[2]);
    const b = px(apart[1]!);
    expect(b.left).toBeGreaterThanOrEqual(0);
    expect(b.top).toBeGreaterThanOrEqual(0);
    expect(overlaps(apart, drawing, box)).toEqual([]);
  });

  it('fits a tight gap exactly one box wide when there is no room for the clearance', () => {
    // A row of boxes across a drawing one box high, one slot left free between them.
    const row = { width: 500, height: 50 };
    const nodes = [0, 100, 300, 400].map((left, i) => ({ machineId: `R${i}`, x: left / 400, y: 0 }));
    const apart = separate([...nodes, { machineId: 'X', x: 0, y: 0 }], row, box, 10)!;
    expect(toPixels(apart[4]!, row, box as BoxGeometry)).toEqual({ left: 200, top: 0 });
  });

  it('spreads two dozen boxes saved on one spot over the drawing, none over another', () => {
    const ids = Array.from({ length: 24 }, (_, i) => `M${i + 1}`);
    const desk24 = boxGeometry(24, desk.width, desk.height, 14);
    const apart = separate(ids.map((machineId) => ({ machineId, x: 0.5, y: 0.5 })), desk, desk24, boxGap(desk24))!;
    expect(apart).not.toBeNull();
    expect(overlaps(apart, desk, desk24)).toEqual([]);
    expect(apart[0]).toEqual({ machineId: 'M1', x: 0.5, y: 0.5 });
  });

  it('gives up (null) when the drawing has no free place left, and the screen then draws the automatic arrangement', () => {
    const small = { width: 200, height: 100 };
    const five = ['A', 'B', 'C', 'D', 'E'].map((machineId) => ({ machineId, x: 0, y: 0 }));
    expect(separate(five, small, box, 10)).toBeNull();
    const saved: AreaLayout = { nodes: five, links: [], box: { width: 0.5, height: 0.5 } };
    const ids = five.map((n) => n.machineId);
    const fitted = fitToScreen(resolveLayout(ids, saved, 2), saved, ids, small, { width: 40, height: 20 }, 0);
    // With smaller boxes there is room: the saved places, apart.
    expect(fitted.crowded).toBe(false);
    expect(overlaps(fitted.nodes, small, { width: 40, height: 20 })).toEqual([]);
    const crowded = fitToScreen(resolveLayout(ids, saved, 2), saved, ids, small, box, 0);
    expect(crowded.crowded).toBe(true);
    expect(crowded.nodes.map((n) => n.machineId)).toEqual(ids);
  });

  it('with 500 machines: a layout saved at the desk keeps its places on the wall, and one with no room left falls back to the dense automatic grid', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `M${i + 1}`);
    const desk500 = boxGeometry(500, desk.width, desk.height, 14);
    const wall500 = boxGeometry(500, wall.width, wall.height, 48);
    expect(desk500.density).toBe('mini');
    // The automatic arrangement saved as it is at the desk, one machine dragged into a free corner.
    const auto = resolveLayout(ids, null, desk.width / desk.height).nodes;
    const saved: AreaLayout = { nodes: auto.map((n) => (n.machineId === 'M1' ? { ...n, x: 1, y: 1 } : n)), links: [{ from: 'M2', to: 'M3' }], box: boxShare(desk500, desk) };
    const onWall = fitToScreen(resolveLayout(ids, saved, wall.width / wall.height), saved, ids, wall, wall500, boxGap(wall500));
    expect(onWall.crowded).toBe(false);
    expect(overlaps(onWall.nodes, wall, wall500)).toEqual([]);
    // Scaled with the wall's box, the dragged machine stays in the bottom-right corner.
    const m1 = onWall.nodes.find((n) => n.machineId === 'M1')!;
    expect(m1.x).toBeGreaterThan(0.98);
    expect(m1.y).toBeGreaterThan(0.98);
    // Every machine saved on one spot: more boxes than the search finds places for in one frame, so the automatic grid is drawn.
    const heap: AreaLayout = { nodes: ids.map((machineId) => ({ machineId, x: 0.5, y: 0.5 })), links: [], box: boxShare(desk500, desk) };
    const fallback = fitToScreen(resolveLayout(ids, heap, desk.width / desk.height), heap, ids, desk, desk500, boxGap(desk500));
    expect(fallback.crowded).toBe(true);
    expect(fallback.nodes).toEqual(auto);
    expect(overlaps(fallback.nodes, desk, desk500)).toEqual([]);
  });

  it('moves machines the layout does not place yet off one another along the bottom, never the engineer\'s boxes', () => {
    const saved: AreaLayout = { nodes: [{ machineId: 'A', x: 0, y: 1 }], links: [], box: boxShare(box, drawing) };
    const ids = ['A', ...Array.from({ length: 12 }, (_, i) => `N${i + 1}`)];
    const resolved = resolveLayout(ids, saved, 2);
    // Twelve along a 1000-pixel bottom edge with 100-pixel boxes: they would lie over one another.
    expect(overlaps(resolved.nodes, drawing, box).length).toBeGreaterThan(0);
    const fitted = fitToScreen(resolved, saved, ids, drawing, box, 10);
    expect(fitted.crowded).toBe(false);
    expect(fitted.nodes[0]).toEqual({ machineId: 'A', x: 0, y: 1 });
    expect(overlaps(fitted.nodes, drawing, box)).toEqual([]);
  });

  it('puts a box dropped on another on the nearest free place, and leaves a box dropped on a free place where it is', () => {
    const layout: AreaLayout = {
      nodes: [
        { machineId: 'A', x: 0.5, y: 0.5 },
        { machineId: 'B', x: 0.52, y: 0.5 },
      ],
      links: [],
    };
    const placed = placeFree(layout, 'B', drawing, box, 10);
    expect(placed.nodes[0]).toEqual(layout.nodes[0]);
    expect(overlaps(placed.nodes, drawing, box)).toEqual([]);
    // Moved off A by the shortest way: straight up, its left edge kept.
    expect(px(placed.nodes[1]!)).toEqual({ left: 0.52 * 900, top: 225 - 60 });
    expect(placeFree(placed, 'B', drawing, box, 10)).toBe(placed);
    expect(placeFree(layout, 'NOT-THERE', drawing, box, 10)).toBe(layout);
  });
});

describe('the room the drawing has on the first screen', () => {
  it('is what the viewport leaves below the drawing\'s top, less a margin, so the drawing ends on the first screen', () => {
    // A 4K wall at wallboard type: the drawing starts 1000 px down, the screen font is 48 px.
    expect(drawingRoom(2160, 1000, 48)).toBeCloseTo(2160 - 1000 - 0.6 * 48, 6);
    expect(drawingRoom(1080, 300, 14)).toBeCloseTo(1080 - 300 - 0.6 * 14, 6);
  });

  it('never falls below ten ems of the screen font, so a low window still draws a usable graphic (and scrolls)', () => {
    expect(drawingRoom(600, 590, 14)).toBe(140);
    expect(drawingRoom(2160, 2500, 48)).toBe(480);
    // A font not yet known counts as one pixel, not as nothing.
    expect(drawingRoom(500, 100, 0)).toBeCloseTo(500 - 100 - 0.6, 6);
  });
});
