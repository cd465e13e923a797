import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};

/**
 * Resolves a URL path inside the renderer build. Any path that is not a file (a client-side route
 * such as /wallboard/north) gets index.html; a path that escapes the folder gets nothing.
 */
export async function readStatic(root: string, urlPath: string): Promise<{ body: Buffer; type: string } | null> {
  root = resolve(root); // a relative or unnormalized root (--static-dir ./out/renderer) would otherwise refuse every path
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const candidate = normalize(join(root, decoded));
  if (candidate !== root && !candidate.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  // The build links its assets relatively (./assets/x.js, for Electron's app:// protocol), so a page
  // opened at a client route such as /wallboard/north asks for /wallboard/assets/x.js.
  const asset = /\/(assets\/[^/]+)$/.exec(candidate.split(sep).join('/'))?.[1];
  const assetFile = asset ? join(root, asset) : null;
  const file = (await isFile(candidate)) ? candidate : assetFile && (await isFile(assetFile)) ? assetFile : join(root, 'index.html');
  if (!(await isFile(file))) return null;
  return { body: await readFile(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
