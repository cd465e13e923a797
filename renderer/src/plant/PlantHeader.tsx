import { useStore } from 'zustand';
import { useServices } from '../app/services-context';
import { formatValue } from './format';

export function PlantHeader() {
  const { session, health } = useServices();
  const user = useStore(session, (s) => s.user);
  const current = useStore(health, (s) => s.health);
  const problem = useStore(health, (s) => s.problem);
  // Until health answers, the broker state is unknown, and the screen says so.
  const broker = problem || !current ? 'unknown' : current.broker.state;

  return (
    <header className="plant-header">
      <h1 className="brand">FactoryBrain</h1>
      <span className={`status broker-${broker}`}>
        Broker <strong data-testid="broker-state" data-state={broker}>{broker}</strong>
      </span>
      <span className="status">
        <strong data-testid="readings-rate">{current && !problem ? formatValue(current.readingsPerSecond) : '—'}</strong> readings/s
      </span>
      <span className="spacer" />
      {user && (
        <span className="user">
          <strong data-testid="current-user">{user.username}</strong> <span data-testid="current-role">{user.role}</span>
        </span>
      )}
      <button type="button" data-testid="logout" onClick={() => void session.getState().logout()}>
        Log out
      </button>
      {problem && (
        <p className="host-problem" role="alert" data-testid="host-problem">
          {problem} Values shown are stale.
        </p>
      )}
    </header>
  );
}
