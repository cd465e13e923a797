import { useStore } from 'zustand';
import type { EnergySummary } from '../../../common/contract-agents';
import { roleAllows } from '../../../common/roles';
import { useServices } from '../app/services-context';
import { Chart } from '../analytics/Chart';
import { DataTable, type DataColumn } from '../shell/DataTable';
import { tariffSpans } from '../analytics/series';
import { fixed, useAction, useCall } from '../app/use-call';
import { useTimeFormat } from '../app/time-format';

/** Power, energy and CO2 per machine and plant, baselines, and the energy agent's recommendations awaiting an operator. */
export function EnergyView() {
  const { session } = useServices();
  const time = useTimeFormat();
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
    <main className="settings energy" data-testid="energy">
      <h2 className="view-title">Energy</h2>
      {(error ?? summary.error) && <p className="unknown-note">{error ?? summary.error}</p>}
      {s && <LoadProfile summary={s} />}
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
              {time.dateTime(d.ts)} {d.action.replaceAll('_', ' ')} on {d.target}: {d.explanation}{' '}
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
          <DataTable rows={s.machines} columns={MACHINE_COLUMNS} rowKey={(m) => m.machineId} testId="energy-table" filterLabel="Filter machines" />
        </section>
      )}
    </main>
  );
}

/** Today's load profile, hour by hour (reports.kpis), against the accepted baselines, over the tariff bands. */
function LoadProfile({ summary }: { summary: EnergySummary }) {
  const hours = summary.today;
  const from = hours[0]?.hour ?? 0;
  const to = (hours.at(-1)?.hour ?? 0) + 3_600_000;
  const rows = useCall('reports.kpis', { from, to, bucket: 'hour' }, `profile:${from}`);
  const actual = new Map((rows.data ?? []).filter((r) => r.machineId === null).map((r) => [r.bucket, r.kwh]));
  const anyBaseline = hours.some((h) => h.expectedKwh !== null);
  return (
    <section className="panel">
      <Chart
        title={`Load profile today, kWh per hour${anyBaseline ? ', against the baselines' : ' (no accepted baseline yet)'}; shading: tariff (${summary.currency}/kWh)`}
        testId="chart-load-profile"
        x={hours.length > 0 && rows.data ? hours.map((h) => h.hour) : []}
        series={[
          { label: 'used', values: hours.map((h) => actual.get(h.hour) ?? null), unit: 'kWh', kind: 'bars' },
          ...(anyBaseline ? [{ label: 'baseline', values: hours.map((h) => h.expectedKwh), unit: 'kWh' }] : []),
        ]}
        spans={tariffSpans(hours)}
        height={280}
      />
      {rows.error && <p className="unknown-note">Hourly energy not available: {rows.error}</p>}
    </section>
  );
}

type MachineEnergy = EnergySummary['machines'][number];

const baselineText = (m: MachineEnergy) =>
  m.baseline === null
    ? 'not enough data'
    : m.baseline.accepted
      ? `accepted: CV(RMSE) ${(m.baseline.cvRmse * 100).toFixed(1)} %, NMBE ${(m.baseline.nmbe * 100).toFixed(1)} %`
      : `not accepted: ${m.baseline.reason}`;

const MACHINE_COLUMNS: DataColumn<MachineEnergy>[] = [
  { id: 'name', header: 'Machine', value: (m) => m.name },
  { id: 'kw', header: 'kW', value: (m) => m.kw, render: (m) => fixed(m.kw), numeric: true },
  { id: 'kwh', header: 'kWh today', value: (m) => m.today.kwh, render: (m) => fixed(m.today.kwh), numeric: true },
  { id: 'co2', header: 'kg CO2', value: (m) => m.today.co2Kg, render: (m) => fixed(m.today.co2Kg), numeric: true },
  { id: 'cost', header: 'Cost', value: (m) => m.today.cost, render: (m) => fixed(m.today.cost, 2), numeric: true },
  { id: 'specific', header: 'kWh/unit', value: (m) => m.specificEnergy, render: (m) => (m.specificEnergy === null ? '—' : m.specificEnergy.toPrecision(3)), numeric: true },
  { id: 'baseline', header: 'Baseline (ISO 50006)', value: baselineText },
  { id: 'saved', header: 'Saved kWh', value: (m) => m.savedKwh, render: (m) => fixed(m.savedKwh), numeric: true },
];
