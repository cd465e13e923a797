import { describe, expect, it } from 'vitest';
import { parentRoute, parseRoute, routeHref, type Route } from './router';

const at = (hash: string, pathname = '/', search = '') => parseRoute({ hash, pathname, search });

describe('router', () => {
  it('round-trips every screen through its address, machine ids with slashes included', () => {
    const routes: Route[] = [
      { view: 'overview' },
      { view: 'area', area: 'forming' },
      { view: 'machine', machineId: 'site/a1/press 1' },
      { view: 'trends', pens: [{ machineId: 'edge:dev', sensor: 'power' }, { machineId: 'CNC-01', sensor: 'temperature' }] },
      { view: 'settings' },
      { view: 'connectors' },
      { view: 'alarms' },
      { view: 'alarm-history' },
      { view: 'alarm-shelved' },
      { view: 'alarm-suppressed' },
      { view: 'alarm-kpis' },
      { view: 'limits', machineId: 'site/a1/press 1' },
      { view: 'voice' },
      { view: 'users' },
      { view: 'diagnostics' },
      { view: 'wallboard', name: 'north', query: 'pages=overview&rotate=20' },
    ];
    for (const route of routes) expect(at(routeHref(route))).toEqual(route);
  });

  it('takes /wallboard/<name> as a path, and anything unknown as the overview', () => {
    expect(at('', '/wallboard/north', '?rotate=10')).toEqual({ view: 'wallboard', name: 'north', query: 'rotate=10' });
    expect(at('#/nonsense/x')).toEqual({ view: 'overview' });
    expect(at('#/machine/')).toEqual({ view: 'overview' });
    expect(at('#/alarms/constructor')).toEqual({ view: 'alarms' });
    expect(at('#/machine/%E0%A4%A')).toEqual({ view: 'machine', machineId: '%E0%A4%A' });
  });

  it('goes one level up from machine to its area to the plant', () => {
    const areaOf = (id: string) => (id === 'm1' ? 'air' : undefined);
    expect(parentRoute({ view: 'machine', machineId: 'm1' }, areaOf)).toEqual({ view: 'area', area: 'air' });
    expect(parentRoute({ view: 'machine', machineId: 'gone' }, areaOf)).toEqual({ view: 'overview' });
    expect(parentRoute({ view: 'area', area: 'air' }, areaOf)).toEqual({ view: 'overview' });
    expect(parentRoute({ view: 'overview' }, areaOf)).toBeNull();
    expect(parentRoute({ view: 'limits', machineId: 'm1' }, areaOf)).toEqual({ view: 'machine', machineId: 'm1' });
    expect(parentRoute({ view: 'connectors' }, areaOf)).toEqual({ view: 'settings' });
    expect(parentRoute({ view: 'alarm-kpis' }, areaOf)).toEqual({ view: 'alarms' });
  });
});
