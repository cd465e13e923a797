/** What one wallboard page shows. */
export type WallboardPage = { view: 'overview' } | { view: 'area'; area: string } | { view: 'machine'; machineId: string };

export interface Wallboard {
  name: string;
  pages: WallboardPage[];
  /** Seconds per page; 0 keeps the first page. */
  rotateS: number;
}

/**
 * The wallboards this build knows by name. `areas` stands for "every area, in order", resolved
 * against the machines the host reports. Any board can be given in the address instead:
 * /wallboard/<name>?pages=overview,area:machining,machine:CNC-01&rotate=20 (see README).
 */
const BUILT_IN: Record<string, { pages: (WallboardPage | 'areas')[]; rotateS: number }> = {
  overview: { pages: [{ view: 'overview' }], rotateS: 0 },
  plant: { pages: [{ view: 'overview' }, 'areas'], rotateS: 30 },
  areas: { pages: ['areas'], rotateS: 30 },
};

export const WALLBOARD_NAMES = Object.keys(BUILT_IN);
const MIN_ROTATE_S = 5;

/** Resolves a board from its name and the address's query; null when neither names a board. */
export function resolveWallboard(name: string, query: string, areas: readonly string[]): Wallboard | null {
  const params = new URLSearchParams(query);
  const pagesParam = params.get('pages');
  const builtIn = Object.hasOwn(BUILT_IN, name) ? BUILT_IN[name] : undefined;
  const spec = pagesParam !== null ? parsePages(pagesParam) : builtIn?.pages;
  if (!spec) return null;
  const pages = spec.flatMap((page) => (page === 'areas' ? areas.map((area): WallboardPage => ({ view: 'area', area })) : [page]));
  if (pages.length === 0) pages.push({ view: 'overview' });
  const rotateParam = Number(params.get('rotate'));
  const rotateS = params.has('rotate') && Number.isFinite(rotateParam) && rotateParam >= 0 ? rotateParam : (builtIn?.rotateS ?? 30);
  return { name, pages, rotateS: rotateS === 0 ? 0 : Math.max(MIN_ROTATE_S, rotateS) };
}

function parsePages(text: string): (WallboardPage | 'areas')[] {
  return text
    .split(',')
    .map((item): WallboardPage | 'areas' | null => {
      const at = item.indexOf(':');
      const kind = at < 0 ? item : item.slice(0, at);
      const arg = at < 0 ? '' : item.slice(at + 1);
      if (kind === 'overview') return { view: 'overview' };
      if (kind === 'areas') return 'areas';
      if (kind === 'area' && arg) return { view: 'area', area: arg };
      if (kind === 'machine' && arg) return { view: 'machine', machineId: arg };
      return null;
    })
    .filter((page): page is WallboardPage | 'areas' => page !== null);
}

export const pageLabel = (page: WallboardPage): string =>
  page.view === 'overview' ? 'Plant overview' : page.view === 'area' ? `Area ${page.area}` : `Machine ${page.machineId}`;
