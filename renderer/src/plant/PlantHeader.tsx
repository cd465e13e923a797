import { useStore } from 'zustand';
import { routeHref, type Route } from '../app/router';
import { useServices } from '../app/services-context';
import { useAllowed } from '../app/use-allowed';
import { HostProblem } from '../shell/HostProblem';
import { formatValue } from './format';

export function PlantHeader({ route }: { route: Route }) {
  const { session, health, machines, preferences } = useServices();
  const user = useStore(session, (s) => s.user);
  const current = useStore(health, (s) => s.health);
  const problem = useStore(health, (s) => s.problem);
  const density = useStore(preferences, (s) => s.density);
  const machine = useStore(machines, (s) => (route.view === 'machine' ? s.byId[route.machineId] : undefined));
  // Until health answers, the broker state is unknown, and the screen says so.
  const broker = problem || !current ? 'unknown' : current.broker.state;
  const area = route.view === 'area' ? route.area : machine?.area;
  const admin = useAllowed('users.list');
  const engineer = useAllowed('diagnostics.snapshot');
  const onAlarms = route.view === 'alarms' || route.view === 'alarm-history' || route.view === 'alarm-shelved' || route.view === 'alarm-suppressed' || route.view === 'alarm-kpis';

  return (
    <header className="plant-header">
      <h1 className="brand">
        <a href={routeHref({ view: 'overview' })}>FactoryBrain</a>
      </h1>
      <nav className="crumbs" aria-label="Level" data-testid="breadcrumbs">
        <a href={routeHref({ view: 'overview' })} aria-current={route.view === 'overview' ? 'page' : undefined}>
          Plant
        </a>
        {area && (
          <>
            <span aria-hidden="true"> › </span>
            <a href={routeHref({ view: 'area', area })} aria-current={route.view === 'area' ? 'page' : undefined} data-testid="crumb-area">
              {area}
            </a>
          </>
        )}
        {route.view === 'machine' && (
          <>
            <span aria-hidden="true"> › </span>
            <span aria-current="page">{machine?.name ?? route.machineId}</span>
          </>
        )}
        {route.view === 'settings' && <span aria-current="page"> › Settings</span>}
        {route.view === 'connectors' && <span aria-current="page"> › Settings › Connectors</span>}
        {route.view === 'trends' && <span aria-current="page"> › Trends</span>}
      </nav>
      <span className={`status broker-${broker}`}>
        Broker <strong data-testid="broker-state" data-state={broker}>{broker}</strong>
      </span>
      <span className="status">
        <strong data-testid="readings-rate">{current && !problem ? formatValue(current.readingsPerSecond) : '—'}</strong> readings/s
      </span>
      <span className="spacer" />
      <button
        type="button"
        data-testid="density-toggle"
        aria-pressed={density === 'wallboard'}
        title="Large type for viewing from a distance, or dense for a desk"
        onClick={() => preferences.getState().set({ density: density === 'desk' ? 'wallboard' : 'desk' })}
      >
        {density === 'desk' ? 'Wallboard scale' : 'Desk scale'}
      </button>
      <nav className="views" aria-label="Screens">
        <a className="nav-link" href={routeHref({ view: 'alarms' })} aria-current={onAlarms ? 'page' : undefined} data-testid="nav-alarms">
          Alarms
        </a>
        {(['maintenance', 'procurement', 'energy', 'analytics'] as const).map((view) => (
          <a key={view} className="nav-link" href={routeHref({ view })} aria-current={route.view === view ? 'page' : undefined} data-testid={`nav-${view}`}>
            {view[0]!.toUpperCase() + view.slice(1)}
          </a>
        ))}
        <a className="nav-link" href={routeHref({ view: 'shiftlog' })} aria-current={route.view === 'shiftlog' ? 'page' : undefined} data-testid="nav-shiftlog">
          Shift log
        </a>
        <a className="nav-link" href={routeHref({ view: 'voice' })} aria-current={route.view === 'voice' ? 'page' : undefined} data-testid="nav-voice">
          Voice
        </a>
        {admin && (
          <a className="nav-link" href={routeHref({ view: 'users' })} aria-current={route.view === 'users' ? 'page' : undefined} data-testid="nav-users">
            Users
          </a>
        )}
        {engineer && (
          <a className="nav-link" href={routeHref({ view: 'diagnostics' })} aria-current={route.view === 'diagnostics' ? 'page' : undefined} data-testid="nav-diagnostics">
            Diagnostics
          </a>
        )}
        <a className="nav-link" href={routeHref({ view: 'settings' })} data-testid="nav-settings">
          Settings
        </a>
      </nav>
      {user && (
        <span className="user">
          <strong data-testid="current-user">{user.username}</strong> <span data-testid="current-role">{user.role}</span>
        </span>
      )}
      <button type="button" data-testid="lock" title="Lock this console; alarms stay on screen and are still announced" onClick={() => void session.getState().lock()}>
        Lock
      </button>
      <button type="button" data-testid="logout" onClick={() => void session.getState().logout()}>
        Log out
      </button>
      <HostProblem problem={problem} />
    </header>
  );
}
