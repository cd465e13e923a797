import { useStore } from 'zustand';
import { roleAllows } from '../../../common/roles';
import { useServices } from '../app/services-context';
import { fixed, useAction, useCall, when } from '../analytics/use-call';

/** Power, energy and CO2 per machine and plant, baselines, and the energy agent's recommendations awaiting an operator. */
export function EnergyView() {
  const { session } = useServices();
  const role = useStore(session, (s) => s.user?.role ?? null);
  const summary = useCall('energy.summary', {}, 'energy');
  const pending = useCall('agents.decisions', { agent: 'energy', status: 'awaiting_approval', limit: 100 }, 'pending');
  const { run, error } = useAction();
  const s = summary.data;
  const reload = () => {
    pending.reload();
    summary.reload();
  };
  const canOperate = roleAllows(role, 'operate');

  return (
    <main className="settings" data-testid="energy">
      <h2 className="view-title">Energy</h2>
      {(error ?? summary.error) && <p className="unknown-note">{error ?? summary.error}</p>}
      {s && (
        <section className="panel">
          <h3>Plant</h3>
          <dl className="facts">
            <dt>Power now</dt>
            <dd data-testid="plant-kw">{fixed(s.plant.kw)} kW</dd>
            <dt>Energy today</dt>
            <dd>{fixed(s.plant.today.kwh)} kWh</dd>
            <dt>CO2 today</dt>
            <dd>
              {fixed(s.plant.today.co2Kg)} kg location-based ({s.factors.locationKgPerKwh} kg/kWh)
              {s.plant.today.co2MarketKg !== null ? `, ${fixed(s.plant.today.co2MarketKg)} kg market-based` : ', market-based factor not set'}
            </dd>
            <dt>Tariff</dt>
            <dd>
              {s.tariffPeriod}, {s.price} {s.currency}/kWh
            </dd>
            <dt>Saved against baselines</dt>
            <dd>{fixed(s.plant.savedKwh)} kWh over the last day</dd>
          </dl>
        </section>
      )}
      <section className="panel">
        <h3>Recommendations awaiting approval</h3>
        {pending.data?.length === 0 && <p className="hint">None.</p>}
        <ul data-testid="energy-recommendations">
          {(pending.data ?? []).map((d) => (
            <li key={d.id}>
              {when(d.ts)} {d.action.replaceAll('_', ' ')} on {d.target}: {d.explanation}{' '}
              {canOperate && (
                <>
                  <button type="button" onClick={() => void run('agents.commands.approve', { decisionId: d.id }, reload)}>
                    Approve and send
                  </button>{' '}
                  <button type="button" onClick={() => void run('agents.commands.reject', { decisionId: d.id }, reload)}>
                    Reject
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      </section>
      {s && (
        <section className="panel">
          <h3>Machines</h3>
          <table className="data-table" data-testid="energy-table">
            <thead>
              <tr>
                <th>Machine</th>
                <th>kW</th>
                <th>kWh today</th>
                <th>kg CO2</th>
                <th>Cost</th>
                <th>kWh/unit</th>
                <th>Baseline (ISO 50006)</th>
                <th>Saved kWh</th>
              </tr>
            </thead>
            <tbody>
              {s.machines.map((m) => (
                <tr key={m.machineId}>
                  <td>{m.name}</td>
                  <td>{fixed(m.kw)}</td>
                  <td>{fixed(m.today.kwh)}</td>
                  <td>{fixed(m.today.co2Kg)}</td>
                  <td>{fixed(m.today.cost, 2)}</td>
                  <td>{m.specificEnergy === null ? '—' : m.specificEnergy.toPrecision(3)}</td>
                  <td>
                    {m.baseline === null
                      ? 'not enough data'
                      : m.baseline.accepted
                        ? `accepted: CV(RMSE) ${(m.baseline.cvRmse * 100).toFixed(1)} %, NMBE ${(m.baseline.nmbe * 100).toFixed(1)} %`
                        : `not accepted: ${m.baseline.reason}`}
                  </td>
                  <td>{fixed(m.savedKwh)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}
