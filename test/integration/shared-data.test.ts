import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hasSharedData, SHARED_DATA } from './shared-data';

afterEach(() => vi.restoreAllMocks());

describe('hasSharedData', () => {
  it('skips with one line naming the missing data set folder', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(hasSharedData(join(SHARED_DATA, 'no-such-set/data/valve1/1.csv'), {})).toBe(false);
    expect(warn.mock.calls).toEqual([['skipped: ../shared/data/no-such-set not found']]);
  });

  it('fails instead when FB_REQUIRE_DATA=1 (CI)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(() => hasSharedData(join(SHARED_DATA, 'no-such-set/x.csv'), { FB_REQUIRE_DATA: '1' })).toThrow(/^\.\.\/shared\/data\/no-such-set not found, and FB_REQUIRE_DATA=1/);
    expect(warn).not.toHaveBeenCalled();
  });

  it('is quiet when the data is there', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(hasSharedData(import.meta.filename, { FB_REQUIRE_DATA: '1' })).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });
});
