/**
 * The README's "Layout" section names every folder of the repository, so a newcomer can find each
 * one; a folder added without a line there fails here. Build outputs, dependencies and local data
 * are not part of the layout.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', 'out', 'dist', 'test-results', 'coverage', '__pycache__']);

function folders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !SKIP.has(d.name) && (!d.name.startsWith('.') || d.name === '.ci'))
    .flatMap((d) => {
      const path = join(dir, d.name);
      return [relative(ROOT, path), ...folders(path)];
    });
}

function layoutBlock(readme: string): string {
  const section = readme.slice(readme.indexOf('## Layout'));
  const m = /```\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README.md has no code block under "## Layout"');
  return m[1]!;
}

describe('README layout', () => {
  it('lists every folder of the repository, and only folders that exist', () => {
    const listed = layoutBlock(readFileSync(join(ROOT, 'README.md'), 'utf8'))
      .split('\n')
      .map((l) => /^(\S+)\/\s/.exec(l)?.[1])
      .filter((f): f is string => f !== undefined);
    const existing = folders(ROOT);
    expect(existing.filter((f) => !listed.includes(f)).sort(), 'folders missing from README.md "Layout"').toEqual([]);
    expect(listed.filter((f) => !existing.includes(f)).sort(), 'folders in README.md "Layout" that do not exist').toEqual([]);
  });
});
