import { describe, expect, it } from 'vitest';
import { resolveWallboard } from './wallboards';

describe('resolveWallboard', () => {
  it('expands a built-in board with every area', () => {
    expect(resolveWallboard('plant', '', ['air', 'machining'])).toEqual({
      name: 'plant',
      pages: [{ view: 'overview' }, { view: 'area', area: 'air' }, { view: 'area', area: 'machining' }],
      rotateS: 30,
    });
  });

  it('takes pages and rotation from the address, ignoring what it cannot read, with a floor on rotation', () => {
    expect(resolveWallboard('north', 'pages=area:forming,bogus,machine:a/b:c&rotate=2', [])).toEqual({
      name: 'north',
      pages: [{ view: 'area', area: 'forming' }, { view: 'machine', machineId: 'a/b:c' }],
      rotateS: 5,
    });
    expect(resolveWallboard('overview', 'rotate=0', [])?.rotateS).toBe(0);
  });

  it('knows no board by an unknown name without pages', () => {
    expect(resolveWallboard('nowhere', '', ['a'])).toBeNull();
    expect(resolveWallboard('constructor', '', ['a'])).toBeNull();
  });
});
