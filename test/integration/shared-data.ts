/**
 * The public data sets (SKAB, C-MAPSS, AI4I 2020) live beside the repository in ../shared/data, which a
 * fresh clone does not have. A test that reads one skips without it, saying so in one line; CI always
 * has them and sets FB_REQUIRE_DATA=1 (.ci/run), and then a missing data set fails the test file
 * instead of skipping it quietly.
 */
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const REPO = join(import.meta.dirname, '../..');
export const SHARED_DATA = join(REPO, '../shared/data');

/**
 * True when `path` (a file or folder under ../shared/data) exists, for `it.skipIf(!hasSharedData(p))`.
 * Called at collection time. When it is missing, prints `skipped: <folder> not found`, the folder
 * being the first missing one from the data set's own (`../shared/data/skab`) down; with
 * FB_REQUIRE_DATA=1 it throws instead, which fails the test file.
 */
export function hasSharedData(path: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (existsSync(path)) return true;
  const missing = relative(REPO, firstMissing(path)) || path;
  if (env.FB_REQUIRE_DATA === '1') throw new Error(`${missing} not found, and FB_REQUIRE_DATA=1 does not allow skipping the tests that read it`);
  console.warn(`skipped: ${missing} not found`);
  return false;
}

function firstMissing(path: string): string {
  const inside = relative(SHARED_DATA, path);
  if (inside === '' || inside.startsWith('..')) return path;
  let at = SHARED_DATA;
  for (const part of inside.split(sep)) {
    at = join(at, part);
    if (!existsSync(at)) return at;
  }
  return path;
}
