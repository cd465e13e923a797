import { useState } from 'react';
import { useServices } from '../app/services-context';
import { download, fixed, useCall, when } from './use-call';

const DAY = 86_400_000;
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

/** KPI trends by day or week with export, the optimizer's reports, and the agents' decision log. */
export function AnalyticsView() {
  const [bucket, setBucket] = useState<'day' | 'week'>('day');
  const [to] = useState(() => Math.ceil(Date.now() / DAY) * DAY);
  const from = to - (bucket === 'day' ? 14 : 12 * 7) * DAY;
  const kpis = useCall('reports.kpis', { from, to, bucket }, `${bucket}:${from}`);
  const decisions = useCall('agents.decisions', { limit: 100 }, 'log');
  const messages = useCall('agents.messages', { limit: 30 }, 'messages');
  const { call } = useServices();
  const [error, setError] = useState<string | null>(null);
  const exportFile = (make: () => Promise<Parameters<typeof download>[0]>) => make().then(download, (e: Error) => setError(e.message));

  return (
    <main className="settings" data-testid="analytics">
      <h2 className="view-title">Analytics and agents</h2>
      <section className="panel">
        <h3>Plant KPIs by {bucket}</h3>
        <label>
          Bucket{' '}
          <select value={bucket} onChange={(e) => setBucket(e.target.value as 'day' | 'week')} data-testid="kpi-bucket">
            <option value="day">day</option>
            <option value="week">week</option>
          </select>
        </label>{' '}
        <button type="button" onClick={() => void exportFile(() => call('reports.kpis.export', { from, to, bucket }))}>
          Export CSV
        </button>{' '}
        <button type="button" onClick={() => void exportFile(() => call('reports.optimization', { period: 'shift', format: 'pdf' }))}>
          Shift report (PDF)
        </button>{' '}
        <button type="button" onClick={() => void exportFile(() => call('reports.optimization', { period: 'day', format: 'pdf' }))}>
          Daily report (PDF)
        </button>{' '}
        <button type="button" onClick={() => void exportFile(() => call('reports.optimization', { period: 'day', format: 'csv' }))}>
          Daily report (CSV)
        </button>
        {(kpis.error ?? error) && <p className="unknown-note">{kpis.error ?? error}</p>}
        <table className="data-table" data-testid="kpi-table">
          <thead>
            <tr>
              <th>{bucket === 'day' ? 'Day' : 'Week of'}</th>
              <th>OEE</th>
              <th>Availability</th>
              <th>Performance</th>
              <th>Quality</th>
              <th>kWh</th>
              <th>kg CO2</th>
              <th>Production</th>
            </tr>
          </thead>
          <tbody>
            {(kpis.data ?? []).map((r) => (
              <tr key={r.bucket}>
                <td>{when(r.bucket).slice(0, 10)}</td>
                <td>{pct(r.oee)}</td>
                <td>{pct(r.availability)}</td>
                <td>{pct(r.performance)}</td>
                <td>{pct(r.quality)}</td>
                <td>{fixed(r.kwh)}</td>
                <td>{fixed(r.co2Kg)}</td>
                <td>{fixed(r.production, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {kpis.data?.length === 0 && <p className="hint">No complete hours recorded yet.</p>}
      </section>

      <section className="panel">
        <h3>Agent decisions</h3>
        <table className="data-table" data-testid="decision-log">
          <thead>
            <tr>
              <th>Event time</th>
              <th>Agent</th>
              <th>Action</th>
              <th>Target</th>
              <th>Status</th>
              <th>Explanation</th>
            </tr>
          </thead>
          <tbody>
            {(decisions.data ?? []).map((d) => (
              <tr key={d.id} className={d.status === 'failed' ? 'abnormal' : undefined}>
                <td>{when(d.ts)}</td>
                <td>{d.agent}</td>
                <td>{d.action}</td>
                <td>{d.target ?? '—'}</td>
                <td>{d.status}</td>
                <td>
                  {d.explanation}
                  {d.outcome && <span className="hint"> ({d.outcome})</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel">
        <h3>Messages between agents</h3>
        <ul data-testid="agent-messages">
          {(messages.data ?? []).map((m) => (
            <li key={m.seq}>
              {when(m.ts)} {m.from} → {m.to}: {m.topic}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
