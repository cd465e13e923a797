import { useState } from 'react';
import { useServices } from '../app/services-context';
import { useAction, useCall } from '../app/use-call';
import { useTimeFormat } from '../app/time-format';

/**
 * Machines never heard from again keep their place under the host's machine limit: a supervisor
 * lists those silent for more than N days and retires them (audited). One that speaks again comes
 * back as a new machine.
 */
export function SilentMachinesPanel() {
  const { call, machines } = useServices();
  const time = useTimeFormat();
  const [days, setDays] = useState(30);
  const silent = useCall('machines.silent', { days }, `silent:${days}`);
  const { run, error } = useAction();
  const retire = (ids: string[]) =>
    void run('machines.retire', { machineIds: ids, days }, () => {
      silent.reload();
      // this screen's machine list follows at once; other screens on their next load
      call('machines.list', {}).then((list) => machines.getState().replace(list), () => undefined);
    });
  const list = silent.data ?? [];

  return (
    <section className="panel" data-testid="settings-silent-machines">
      <h3>Machines not heard from</h3>
      <p className="hint">Each machine ever seen counts towards the host's machine limit (ingest.maxMachines). Retire those that are gone for good; their stored history stays.</p>
      <label>
        Silent for more than{' '}
        <input data-testid="silent-days" type="number" min={1} max={3650} value={days} onChange={(e) => setDays(Math.max(1, Math.min(3650, Math.round(Number(e.target.value)) || 1)))} /> days
      </label>
      {(error ?? silent.error) && <p className="unknown-note">{error ?? silent.error}</p>}
      {list.length === 0 ? (
        <p className="hint" data-testid="silent-none">
          None.
        </p>
      ) : (
        <>
          <table className="data-table" data-testid="silent-table">
            <thead>
              <tr>
                <th>Machine</th>
                <th>Area</th>
                <th>Last heard</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={m.id} data-testid="silent-row" data-id={m.id}>
                  <td>{m.name}</td>
                  <td>{m.area}</td>
                  <td>{time.dateTime(m.lastSeen)}</td>
                  <td>
                    <button type="button" data-testid="silent-retire" onClick={() => retire([m.id])}>
                      Retire
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" data-testid="silent-retire-all" onClick={() => retire(list.map((m) => m.id))}>
            Retire all {list.length}
          </button>
        </>
      )}
    </section>
  );
}
