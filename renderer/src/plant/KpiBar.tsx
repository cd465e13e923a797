import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { Machine } from '../../../common/telemetry';
import { useCall } from '../app/use-call';
import { routeHref } from '../app/router';
import { useServices } from '../app/services-context';
import { plantTimeZone } from '../app/plant-zone';
import { healthBand, plantHealth } from './condition-view';
import { savingsByMonth, savingsThisMonth } from '../analytics/series';
import { formatNumber } from './eng-format';
import { downtimeOf, oeeOf, plantKpis, reductionPct, type PlantKpis } from './kpis';
import { consoleZone, usePlantDay } from './plant-day';

const REFRESH_MS = 1_000;

/** Plant KPIs from what the console holds; each says "unknown" where the data does not support a figure. */
export function KpiBar({ area }: { area?: string }) {
  const { machines, live, alarms, preferences, health } = useServices();
  const hostLost = useStore(health, (s) => s.problem !== null);
  const byId = useStore(machines, (s) => s.byId);
  const alarmsById = useStore(alarms, (s) => s.byId);
  const alarmsAvailable = useStore(alarms, (s) => s.available);
  const factor = useStore(preferences, (s) => s.co2KgPerKwh);
  const [kpis, setKpis] = useState<PlantKpis | null>(null);
  // Re-read when the host reports its zone; plantTimeZone() holds it once this browser knows the zone.
  useStore(health, (s) => s.health?.plant?.timeZone);
  const zone = plantTimeZone() ?? consoleZone();
  const today = usePlantDay(zone);
  const kpiRows = useCall('reports.kpis', { from: today.from, to: today.to, bucket: 'day' }, `oee:${today.from}:${today.to}`);
  // Plant-wide figures from the agents: energy against the baselines, and procurement savings.
  const energy = useCall('energy.summary', {}, 'kpi-energy');
  const orders = useCall('procurement.orders', { limit: 1000 }, 'kpi-orders');
  const quotes = useCall('procurement.quotes', { limit: 1000 }, 'kpi-quotes');

  useEffect(() => {
    // Once a second is enough for a KPI and keeps 500 machines' worth of summing off every frame.
    const list: Machine[] = Object.values(byId).filter((m) => area === undefined || m.area === area);
    const compute = () => setKpis(plantKpis(list, (id) => live.sensorsOf(id), factor));
    compute();
    const timer = setInterval(compute, REFRESH_MS);
    return () => clearInterval(timer);
  }, [byId, live, factor, area, hostLost]);

  if (!kpis) return null;
  // With the host gone, the machine states and alarms held here are the last known, not the current ones.
  if (hostLost) {
    return (
      <section className="kpis" data-testid="kpis" aria-label="Key figures">
        <Kpi name="Plant figures" id="host-lost" value="unknown" detail="host not reachable" hint="the host cannot be reached; no figure here is current" unknown />
      </section>
    );
  }
  const alarmList = Object.values(alarmsById).filter((a) => area === undefined || byId[a.machineId]?.area === area);
  const unacked = alarmList.filter((a) => a.state === 'active-unacknowledged').length;
  const { machines: m } = kpis;
  const areaMachines = area === undefined ? null : new Set(Object.values(byId).filter((x) => x.area === area).map((x) => x.id));
  const oee = oeeOf(kpiRows.data, areaMachines);
  const downtime = downtimeOf(kpiRows.data, areaMachines);
  const reduction = reductionPct(energy.data?.plant);
  const todayKwh = area === undefined && energy.data ? `${formatNumber(energy.data.plant.today.kwh, { counter: true })} kWh today` : '';

  return (
    <section className="kpis" data-testid="kpis" aria-label="Key figures">
      <Kpi name="Machines" id="machines" value={`${m.online}/${m.total} online`} detail={m.stale + m.offline > 0 ? `${m.stale} stale · ${m.offline} offline` : 'all reporting'} abnormal={m.stale + m.offline > 0} />
      <Kpi
        name="OEE today"
        id="oee"
        value={oee === null ? 'unknown' : `${(oee * 100).toFixed(0)} %`}
        detail={oee === null ? 'no closed hour yet' : 'availability × performance × quality'}
        hint={oee === null ? 'no closed hour with production counts yet' : 'availability × performance × quality; performance against the best rate seen'}
        unknown={oee === null}
      />
      <Kpi
        name="Quality"
        id="quality"
        value={kpis.quality === null ? 'unknown' : `${(kpis.quality * 100).toFixed(1)} %`}
        detail={kpis.quality === null ? 'no parts counters' : `counters of ${kpis.qualityMachines} machines`}
        hint={kpis.quality === null ? 'no machine reports parts counters' : `good parts over all parts, from the parts counters of ${kpis.qualityMachines} machines`}
        unknown={kpis.quality === null}
      />
      <Kpi
        name="Power"
        id="power"
        value={kpis.powerKw === null ? 'unknown' : `${kpis.powerKw.toFixed(0)} kW`}
        detail={[todayKwh, kpis.powerUnknown > 0 ? `${kpis.powerUnknown} not counted` : kpis.powerKw === null ? 'no power sensor' : todayKwh ? '' : 'all counted'].filter(Boolean).join(' · ')}
        hint={[todayKwh, kpis.powerUnknown > 0 ? `${kpis.powerUnknown} machines not counted (no fresh value)` : kpis.powerKw === null ? 'no machine reports power' : 'all machines counted'].filter(Boolean).join(' · ')}
        unknown={kpis.powerKw === null}
      />
      <Kpi
        name="CO2"
        id="co2"
        value={kpis.co2KgPerH === null ? 'unknown' : `${kpis.co2KgPerH.toFixed(0)} kg/h`}
        detail={area === undefined ? co2AgainstBaseline(reduction) : `${factor} kg/kWh`}
        hint={`${area === undefined ? `${reduction === null ? 'no accepted energy baseline yet' : co2AgainstBaseline(reduction)} · ` : ''}at ${factor} kg CO2 per kWh`}
        unknown={kpis.co2KgPerH === null}
      />
      <Kpi
        name="Alarms"
        id="alarms"
        value={alarmsAvailable ? `${alarmList.length} active` : 'unknown'}
        detail={alarmsAvailable ? `${unacked} unacked` : 'service not available'}
        hint={alarmsAvailable ? `${unacked} unacknowledged` : 'the alarm service is not available'}
        unknown={!alarmsAvailable}
      />
      <Kpi
        name="Downtime today"
        id="downtime"
        value={downtime === null ? 'unknown' : `${downtime.toFixed(1)} h`}
        detail={downtime === null ? 'no closed hour yet' : 'machine-hours below run level'}
        hint={downtime === null ? 'no closed hour yet' : 'machine-hours with power below the run level, closed hours'}
        unknown={downtime === null}
      />
      <PlantHealthKpi area={area} />
      {area === undefined && orders.data && quotes.data && (
        <Kpi
          name="Savings this month"
          id="savings"
          value={`${formatNumber(savingsThisMonth(savingsByMonth(orders.data, quotes.data, zone), Date.now(), zone), { counter: true })}${energy.data ? ` ${energy.data.currency}` : ''}`}
          detail="below quote, committed"
          hint="negotiated below quote, committed orders"
        />
      )}
    </section>
  );
}

/**
 * Plant (or area) health from the condition monitors: the mean over machines with a score, and the
 * worst three, each a link to its machine. Nothing at all while the host serves no condition monitor.
 */
function PlantHealthKpi({ area }: { area?: string | undefined }) {
  const { machines, conditions } = useServices();
  const byId = useStore(machines, (s) => s.byId);
  const available = useStore(conditions, (s) => s.available);
  const conditionsById = useStore(conditions, (s) => s.byId);
  const figures = useMemo(
    () => plantHealth(Object.values(conditionsById), (id) => byId[id] !== undefined && (area === undefined || byId[id].area === area)),
    [conditionsById, byId, area],
  );
  if (available !== true || figures.scored + figures.learning === 0) return null;
  const band = figures.average === null ? null : healthBand(figures.average);
  const name = area === undefined ? 'Plant health' : 'Area health';
  const worst = figures.worst.map((w) => `${byId[w.machineId]?.name ?? w.machineId} ${w.health.toFixed(0)}`).join(', ');
  const hint = [worst && `worst: ${worst}`, figures.learning > 0 && `${figures.learning} machines still learning`].filter(Boolean).join(' · ');
  return (
    <div
      className={`kpi${figures.average === null ? ' kpi-unknown' : ''}${band && band !== 'normal' ? ` health-${band}` : ''}`}
      data-testid="kpi-health"
      data-band={band ?? undefined}
      title={`${name}: ${figures.average === null ? 'unknown' : figures.average.toFixed(0)}, ${hint}`}
    >
      <span className="kpi-name">{name}</span>
      <strong className="kpi-value">{figures.average === null ? 'unknown' : figures.average.toFixed(0)}</strong>
      <span className="kpi-detail">
        {figures.worst.length === 0 ? (
          `${figures.learning} still learning`
        ) : (
          <>
            worst:{' '}
            {figures.worst.map((w, i) => (
              <span key={w.machineId}>
                {i > 0 && ', '}
                <a href={routeHref({ view: 'machine', machineId: w.machineId })} data-testid="kpi-health-worst" data-machine-id={w.machineId}>
                  {byId[w.machineId]?.name ?? w.machineId}
                </a>{' '}
                {w.health.toFixed(0)}
              </span>
            ))}
            {figures.learning > 0 && ` · ${figures.learning} learning`}
          </>
        )}
      </span>
    </div>
  );
}

/**
 * One KPI card. `detail` is short enough to read whole on a fitted screen (it wraps, never cut);
 * `hint`, the whole explanation, is the card's title, shown on hover.
 */
function Kpi({ name, id, value, detail, hint, unknown = false, abnormal = false }: { name: string; id: string; value: string; detail: string; hint?: string; unknown?: boolean; abnormal?: boolean }) {
  return (
    <div className={`kpi${unknown ? ' kpi-unknown' : ''}${abnormal ? ' kpi-abnormal' : ''}`} data-testid={`kpi-${id}`} title={`${name}: ${value}, ${hint ?? detail}`}>
      <span className="kpi-name">{name}</span>
      <strong className="kpi-value">{value}</strong>
      <span className="kpi-detail">{detail}</span>
    </div>
  );
}

/** "−12 % vs baseline" (a reduction reads as a minus), or that no baseline is accepted yet. */
function co2AgainstBaseline(pct: number | null): string {
  if (pct === null) return 'no baseline yet';
  const change = -pct;
  return `${change > 0 ? '+' : change < 0 ? '−' : ''}${Math.abs(change).toFixed(1)} % vs baseline`;
}
