import { describe, expect, it } from 'vitest';
import { chooseTileLayout, fitFont, GAP_EM, TILE_SHAPES, tileBands, tilePlaces } from './tile-layout';

/** Grid boxes as the overview leaves them: desk HD (14 px font), wallboard HD (24 px) and wallboard 4K (48 px). */
const BOXES = [
  { name: 'desk 1920x1080', width: 1890, height: 900, basePx: 14 },
  { name: 'wallboard 1920x1080', width: 1890, height: 860, basePx: 24 },
  { name: 'wallboard 3840x2160', width: 3780, height: 1750, basePx: 48 },
];

const used = (l: ReturnType<typeof chooseTileLayout>, box: { width: number; height: number }) => {
  const gap = GAP_EM * l.fontPx;
  return { width: l.columns * l.widthEm * l.fontPx + (l.columns - 1) * gap, height: l.rows * l.rowPx + (l.rows - 1) * gap, within: box };
};

describe('chooseTileLayout', () => {
  for (const box of BOXES) {
    for (const machines of [24, 500]) {
      it(`fits ${machines} machines in 6 areas on ${box.name}`, () => {
        const cells = machines + 6;
        const layout = chooseTileLayout(cells, box.width, box.height, box.basePx);
        expect(layout.fits).toBe(true);
        expect(layout.columns * Math.floor((box.height + GAP_EM * layout.fontPx) / (layout.rowPx + GAP_EM * layout.fontPx))).toBeGreaterThanOrEqual(cells);
        const u = used(layout, box);
        expect(u.height).toBeLessThanOrEqual(box.height + 1e-6);
        expect(u.width).toBeLessThanOrEqual(box.width + 1e-6);
        expect(layout.fontPx).toBeLessThanOrEqual(box.basePx);
      });
    }
  }

  it('gives a small plant rich tiles (bars) at a readable font, and 500 machines smaller tiles', () => {
    const small = chooseTileLayout(30, 1890, 860, 24);
    expect(small.density).toBe('full');
    expect(small.metrics).toBeGreaterThanOrEqual(2);
    expect(small.fontPx).toBeGreaterThanOrEqual(24 * 0.7);
    const large = chooseTileLayout(506, 1890, 860, 24);
    expect(['mini', 'micro']).toContain(large.density);
    expect(large.metrics).toBe(0);
  });

  it('prefers the richest shape that fits: more room never gives fewer metrics', () => {
    const a = chooseTileLayout(30, 1890, 900, 14);
    const b = chooseTileLayout(30, 3780, 1900, 14);
    expect(b.metrics).toBeGreaterThanOrEqual(a.metrics);
    expect(a.metrics).toBe(TILE_SHAPES[0]!.metrics);
  });

  it('says when even the smallest tile cannot fit, and never goes below the smallest font', () => {
    const layout = chooseTileLayout(100_000, 800, 600, 14);
    expect(layout.fits).toBe(false);
    expect(layout.density).toBe('micro');
    expect(layout.fontPx).toBe(6);
  });

  it('copes with a box not measured yet', () => {
    expect(chooseTileLayout(10, 0, 0, 14).fits).toBe(false);
    expect(fitFont(TILE_SHAPES[0]!, 1, 50, 50, 14)).toBeNull();
    expect(fitFont(TILE_SHAPES[0]!, 1, 100, 100, 14)).toBe(6.5);
  });
});

describe('tilePlaces', () => {
  it('places the cells in reading order in equal columns with the gap between them, all inside the box', () => {
    for (const box of BOXES) {
      const cells = 506;
      const layout = chooseTileLayout(cells, box.width, box.height, box.basePx);
      const places = tilePlaces(cells, layout, box.width);
      const gap = GAP_EM * layout.fontPx;
      expect(places).toHaveLength(cells);
      expect(places[0]).toMatchObject({ left: 0, top: 0, height: layout.rowPx });
      const second = places[1]!;
      expect(second.left).toBeCloseTo(places[0]!.width + gap, 6);
      const below = places[layout.columns]!;
      expect(below).toMatchObject({ left: 0, top: layout.rowPx + gap });
      for (const p of places) {
        expect(p.left + p.width).toBeLessThanOrEqual(box.width + 1e-6);
        expect(p.top + p.height).toBeLessThanOrEqual(box.height + 1e-6);
        expect(p.width).toBeGreaterThanOrEqual(layout.widthEm * layout.fontPx - 1e-6);
      }
    }
  });
});

describe('tileBands', () => {
  it('groups whole rows into bands across the box, and places each cell inside its band where it was in the box', () => {
    const box = BOXES[0]!;
    const cells = 506;
    const layout = chooseTileLayout(cells, box.width, box.height, box.basePx);
    const places = tilePlaces(cells, layout, box.width);
    const bands = tileBands(places, layout.columns, box.width);
    expect(bands).toHaveLength(layout.rows);
    expect(bands.reduce((n, b) => n + b.count, 0)).toBe(cells);
    for (const band of bands) {
      expect(band.place).toMatchObject({ left: 0, width: box.width, height: layout.rowPx });
      band.places.forEach((p, i) => expect({ ...p, top: p.top + band.place.top }).toEqual(places[band.first + i]));
    }
    expect(tileBands(places, layout.columns, box.width, 2)).toHaveLength(Math.ceil(layout.rows / 2));
  });
});
