import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app/services-context';
import type { AgentDecision } from '../../../common/contract-agents';
import { DataTable, type DataColumn } from '../shell/DataTable';
import { Chart } from './Chart';
import { alarmRate, downtimeByMachine, EEMUA_ACCEPTABLE, EEMUA_FLOOD, kpiColumns, savingsByMonth } from './series';
import { download, fixed, useCall } from '../app/use-call';
import { useTimeFormat, type TimeFormat } from '../app/time-format';
import { plantTimeZone } from '../app/plant-zone';
import { consoleZone } from '../plant/plant-day';

const DAY = 86_400_000;
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

/** KPI trends by day or week as charts (tables one click away) with export, the optimizer's reports, and the agents' decision log. */
export function AnalyticsView() {
  const [bucket, setBucket] = useState<'day' | 'week'>('day');
  const [to] = useState(() => Math.ceil(Date.now() / DAY) * DAY);
  const from = to - (bucket === 'day' ? 14 : 12 * 7) * DAY;
  const kpis = useCall('reports.kpis', { from, to, bucket }, `${bucket}:${from}`);
  const decisions = useCall('agents.decisions', { limit: 100 }, 'log');
  const messages = useCall('agents.messages', { limit: 30 }, 'messages');
  const { call } = useServices();
  const [error, setError] = useState<string | null>(null);
  const columns = useMemo(() => kpiColumns(kpis.data ?? []), [kpis.data]);
  const time = useTimeFormat();
  const decisionColumns = useMemo(() => decisionColumnsIn(time), [time]);
  const exportFile = (make: () => Promise<Parameters<typeof download>[0]>) => make().then(download, (e: Error) => setError(e.message));

  return (
    <main className="settings analytics" data-testid="analytics">
      <h2 className="view-title">Analytics and agents</h2>
      <div className="chart-grid">
        <Chart
          title={`OEE and its factors by ${bucket}`}
          testId="chart-oee"
          x={columns.x}
          series={[
            { label: 'OEE', values: columns.series['oee'] ?? [], unit: '%' },
            { label: 'availability', values: columns.series['availability'] ?? [], unit: '%' },
            { label: 'performance', values: columns.series['performance'] ?? [], unit: '%' },
            { label: 'quality', values: columns.series['quality'] ?? [], unit: '%' },
          ]}
        />
        <Chart
          title={`Energy and CO2 by ${bucket}`}
          testId="chart-energy"
          x={columns.x}
          series={[
            { label: 'energy', values: columns.series['kwh'] ?? [], unit: 'kWh', kind: 'bars' },
            { label: 'CO2', values: columns.series['co2Kg'] ?? [], unit: 'kg' },
          ]}
        />
        <AlarmRateChart />
        <SavingsChart />
        <Chart title={`Downtime by ${bucket}`} testId="chart-downtime" x={columns.x} series={[{ label: 'downtime', values: columns.series['downtimeH'] ?? [], unit: 'h', kind: 'bars' }]} />
        <DowntimeByMachineChart />
      </div>
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
        <details>
          <summary data-testid="kpi-table-toggle">Table</summary>
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
                  <td>{time.date(r.bucket)}</td>
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
        </details>
        {kpis.data?.length === 0 && <p className="hint">No complete hours recorded yet.</p>}
      </section>

      <section className="panel">
        <h3>Agent decisions</h3>
        <DataTable
          rows={decisions.data ?? NO_DECISIONS}
          columns={decisionColumns}
          rowKey={(d) => d.id}
          testId="decision-log"
          pageSize={25}
          rowClass={(d) => (d.status === 'failed' ? 'abnormal' : undefined)}
          filterLabel="Filter decisions"
        />
      </section>

      <section className="panel">
        <h3>Messages between agents</h3>
        <ul data-testid="agent-messages">
          {(messages.data ?? []).map((m) => (
            <li key={m.seq}>
              {time.dateTime(m.ts)} {m.from} → {m.to}: {m.topic}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}

const ALARM_WINDOW_MS = DAY;

/** Annunciations per 10 minutes over the last day against the EEMUA 191 bands. */
function AlarmRateChart() {
  const [to] = useState(() => Math.ceil(Date.now() / 600_000) * 600_000);
  const from = to - ALARM_WINDOW_MS;
  const journal = useCall('alarms.history', { from, to, limit: 50_000 }, `rate:${from}`);
  const columns = useMemo(() => alarmRate(journal.data?.entries ?? [], from, to), [journal.data, from, to]);
  return (
    <div>
      <Chart
        title="Alarm rate per 10 minutes, last 24 h"
        testId="chart-alarm-rate"
        x={journal.data ? columns.x : []}
        series={[{ label: 'alarms', values: columns.series['alarms'] ?? [], kind: 'bars' }]}
        levels={[
          { value: EEMUA_ACCEPTABLE, label: 'EEMUA: manageable (1)' },
          { value: EEMUA_FLOOD, label: 'EEMUA: flood (10)' },
        ]}
      />
      {journal.error && <p className="unknown-note">Alarm journal not available: {journal.error}</p>}
      {journal.data?.nextBeforeSeq !== null && journal.data?.nextBeforeSeq !== undefined && <p className="hint">Only the latest 50,000 journal entries are counted.</p>}
    </div>
  );
}

/** Procurement savings (negotiated below quote, committed orders) per month. */
function SavingsChart() {
  const orders = useCall('procurement.orders', { limit: 1000 }, 'savings-orders');
  const quotes = useCall('procurement.quotes', { limit: 1000 }, 'savings-quotes');
  const { health } = useServices();
  // The plant's calendar months: re-counted when the host reports its zone (plantTimeZone() holds it then).
  useStore(health, (s) => s.health?.plant?.timeZone);
  const zone = plantTimeZone() ?? consoleZone();
  const columns = useMemo(() => savingsByMonth(orders.data ?? [], quotes.data ?? [], zone), [orders.data, quotes.data, zone]);
  return (
    <div>
      <Chart title="Procurement savings per month" testId="chart-savings" x={columns.x} series={[{ label: 'savings', values: columns.series['savings'] ?? [], kind: 'bars' }]} />
      {(orders.error ?? quotes.error) && <p className="unknown-note">Procurement not available: {orders.error ?? quotes.error}</p>}
    </div>
  );
}

const TOP_MACHINES = 15;
const STATE_CONCURRENCY = 4;

/** Hours off or idle per machine over the last day, from each machine's condition monitor (models.stateHistory). */
function DowntimeByMachineChart() {
  const { call, machines } = useServices();
  const byId = useStore(machines, (s) => s.byId);
  const ids = useMemo(() => Object.keys(byId).sort(), [byId]);
  const idKey = ids.join('\n');
  const [rows, setRows] = useState<{ machineId: string; name: string; hours: number }[] | null>(null);
  const [failed, setFailed] = useState(0);
  useEffect(() => {
    let live = true;
    const to = Date.now();
    const from = to - DAY;
    const queue = idKey === '' ? [] : idKey.split('\n');
    const totals: Parameters<typeof downtimeByMachine>[0][number][] = [];
    let misses = 0;
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && live; id = queue.shift()) {
        try {
          const answer = await call('models.stateHistory', { machineId: id, from, to });
          totals.push({ machineId: id, name: machines.getState().byId[id]?.name ?? id, hours: answer.totals.hours });
        } catch {
          misses++;
        }
      }
    };
    void Promise.all(Array.from({ length: STATE_CONCURRENCY }, worker)).then(() => {
      if (!live) return;
      setRows(downtimeByMachine(totals, TOP_MACHINES));
      setFailed(misses);
    });
    return () => {
      live = false;
    };
  }, [call, machines, idKey]);
  const list = rows ?? [];
  return (
    <div>
      <Chart
        title={`Downtime by machine, last 24 h (top ${TOP_MACHINES}, hours off or idle)`}
        testId="chart-downtime-machines"
        x={list.map((_, i) => i)}
        categories={list.map((r) => r.name)}
        series={[{ label: 'downtime', values: list.map((r) => r.hours), unit: 'h', kind: 'bars' }]}
      />
      {rows === null && <p className="hint">Loading state history…</p>}
      {failed > 0 && <p className="unknown-note">State history not available for {failed} machines.</p>}
    </div>
  );
}

const NO_DECISIONS: AgentDecision[] = [];
const decisionColumnsIn = (time: TimeFormat): DataColumn<AgentDecision>[] => [
  { id: 'ts', header: 'Event time', value: (d) => d.ts, render: (d) => time.dateTime(d.ts) },
  { id: 'agent', header: 'Agent', value: (d) => d.agent },
  { id: 'action', header: 'Action', value: (d) => d.action },
  { id: 'target', header: 'Target', value: (d) => d.target ?? '—' },
  { id: 'status', header: 'Status', value: (d) => d.status },
  {
    id: 'explanation',
    header: 'Explanation',
    value: (d) => `${d.explanation}${d.outcome ? ` (${d.outcome})` : ''}`,
    render: (d) => (
      <>
        {d.explanation}
        {d.outcome && <span className="hint"> ({d.outcome})</span>}
      </>
    ),
  },
];
