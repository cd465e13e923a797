import { useStore } from 'zustand';
import { useCall } from '../app/use-call';
import { useServices } from '../app/services-context';
import { formatTime } from '../app/time-format';

const SHOWN = 20;

/** The machine's tickets, open ones first, then newest, from people and from the maintenance agent. */
export function MaintenanceHistory({ machineId }: { machineId: string }) {
  const { preferences } = useServices();
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const tickets = useCall('tickets.list', { machineId, limit: SHOWN }, machineId);
  return (
    <section className="panel panel-wide" data-testid="maintenance">
      <h3>Maintenance</h3>
      {tickets.error && <p className="unknown-note">Maintenance history: not available ({tickets.error})</p>}
      {!tickets.data && !tickets.error && <p className="unknown-note">Loading tickets…</p>}
      {tickets.data?.length === 0 && <p className="unknown-note">No maintenance ticket for this machine.</p>}
      {tickets.data && tickets.data.length > 0 && (
        <table className="journal" data-testid="machine-tickets">
          <tbody>
            {tickets.data.map((t) => (
              <tr key={t.id}>
                <td>{formatTime(t.createdAt, utc)}</td>
                <td>{t.title}</td>
                <td>{t.priority}</td>
                <td>{t.status}</td>
                <td>{t.assignee ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
