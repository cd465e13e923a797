import { useSyncExternalStore } from 'react';

export interface Pen {
  machineId: string;
  sensor: string;
}

/** The screens, by level: overview (1), area (2), machine (3); the rest hang off the header. */
export type Route =
  | { view: 'overview' }
  | { view: 'area'; area: string }
  | { view: 'machine'; machineId: string }
  | { view: 'trends'; pens: Pen[] }
  | { view: 'settings' }
  | { view: 'connectors' }
  | { view: 'maintenance' | 'procurement' | 'energy' | 'analytics' }
  | { view: 'alarms' | 'alarm-history' | 'alarm-shelved' | 'alarm-suppressed' | 'alarm-kpis' }
  | { view: 'limits'; machineId: string }
  | { view: 'voice' | 'users' | 'shiftlog' | 'diagnostics' }
  | { view: 'wallboard'; name: string; query: string };

/** The alarm screens live under #/alarms/<page>; the summary is #/alarms itself. */
const ALARM_PAGES = { history: 'alarm-history', shelved: 'alarm-shelved', suppressed: 'alarm-suppressed', kpis: 'alarm-kpis' } as const;

type Place = Pick<Location, 'pathname' | 'hash' | 'search'>;

const WALLBOARD_PATH = /\/wallboard\/([^/?#]+)\/?$/;

/**
 * Routes live in the hash so that the same build works from the Electron app:// protocol and the
 * HTTP host without server rules; /wallboard/<name> is also accepted as a path because that is the
 * address a wallboard browser is pointed at.
 */
export function parseRoute(place: Place): Route {
  const byPath = WALLBOARD_PATH.exec(place.pathname);
  if (byPath) return { view: 'wallboard', name: safeDecode(byPath[1] ?? ''), query: place.search.replace(/^\?/, '') };
  const hash = place.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = hash.split('?', 2);
  const [head, ...rest] = path.split('/');
  const arg = safeDecode(rest.join('/'));
  switch (head) {
    case 'area':
      return arg ? { view: 'area', area: arg } : { view: 'overview' };
    case 'machine':
      return arg ? { view: 'machine', machineId: arg } : { view: 'overview' };
    case 'trends':
      return { view: 'trends', pens: parsePens(new URLSearchParams(query).get('pens') ?? '') };
    case 'settings':
      // the connectors screen is a settings page of its own: #/settings/connectors
      return arg === 'connectors' ? { view: 'connectors' } : { view: 'settings' };
    case 'maintenance':
    case 'procurement':
    case 'energy':
    case 'analytics':
      return { view: head };
    case 'alarms':
      return { view: Object.hasOwn(ALARM_PAGES, arg) ? ALARM_PAGES[arg as keyof typeof ALARM_PAGES] : 'alarms' };
    case 'limits':
      return arg ? { view: 'limits', machineId: arg } : { view: 'overview' };
    case 'voice':
    case 'users':
    case 'shiftlog':
    case 'diagnostics':
      return { view: head };
    case 'wallboard':
      return arg ? { view: 'wallboard', name: arg, query } : { view: 'overview' };
    default:
      return { view: 'overview' };
  }
}

export function routeHref(route: Route): string {
  switch (route.view) {
    case 'overview':
      return '#/';
    case 'area':
      return `#/area/${encodeURIComponent(route.area)}`;
    case 'machine':
      return `#/machine/${encodeURIComponent(route.machineId)}`;
    case 'trends':
      return `#/trends?pens=${encodeURIComponent(route.pens.map((p) => `${p.machineId}:${p.sensor}`).join(','))}`;
    case 'settings':
      return '#/settings';
    case 'connectors':
      return '#/settings/connectors';
    case 'maintenance':
    case 'procurement':
    case 'energy':
    case 'analytics':
      return `#/${route.view}`;
    case 'alarms':
      return '#/alarms';
    case 'alarm-history':
      return '#/alarms/history';
    case 'alarm-shelved':
      return '#/alarms/shelved';
    case 'alarm-suppressed':
      return '#/alarms/suppressed';
    case 'alarm-kpis':
      return '#/alarms/kpis';
    case 'limits':
      return `#/limits/${encodeURIComponent(route.machineId)}`;
    case 'voice':
    case 'users':
    case 'shiftlog':
    case 'diagnostics':
      return `#/${route.view}`;
    case 'wallboard':
      return `#/wallboard/${encodeURIComponent(route.name)}${route.query ? `?${route.query}` : ''}`;
  }
}

/** One level up: machine → its area, area → overview. */
export function parentRoute(route: Route, areaOf: (machineId: string) => string | undefined): Route | null {
  if (route.view === 'limits') return { view: 'machine', machineId: route.machineId };
  if (route.view === 'connectors') return { view: 'settings' };
  if (route.view === 'alarm-history' || route.view === 'alarm-shelved' || route.view === 'alarm-suppressed' || route.view === 'alarm-kpis') return { view: 'alarms' };
  if (route.view === 'machine') {
    const area = areaOf(route.machineId);
    return area ? { view: 'area', area } : { view: 'overview' };
  }
  if (route.view !== 'overview' && route.view !== 'wallboard') return { view: 'overview' };
  return null;
}

function parsePens(text: string): Pen[] {
  return text
    .split(',')
    .map((item) => {
      // A machine id may itself hold colons (Sparkplug edge/device); the sensor is after the last one.
      const at = item.lastIndexOf(':');
      return at > 0 ? { machineId: item.slice(0, at), sensor: item.slice(at + 1) } : null;
    })
    .filter((pen): pen is Pen => pen !== null && pen.sensor.length > 0);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const subscribeLocation = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  window.addEventListener('popstate', listener);
  return () => {
    window.removeEventListener('hashchange', listener);
    window.removeEventListener('popstate', listener);
  };
};

export function useRoute(): Route {
  const href = useSyncExternalStore(subscribeLocation, () => window.location.href);
  // href is the dependency: parsing is cheap, but a new object every render would re-render the tree.
  return parseCached(href);
}

let cached: { href: string; route: Route } | null = null;
function parseCached(href: string): Route {
  if (cached?.href !== href) cached = { href, route: parseRoute(window.location) };
  return cached.route;
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}
