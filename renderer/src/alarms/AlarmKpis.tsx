import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { ALARM_PRIORITIES, type AlarmKpis as Kpis } from '../../../common/contract-alarms';
import { useServices } from '../app/services-context';
import { PriorityMark } from '../shell/PriorityMark';
import { describeFailure } from '../transport/client';
import { AlarmScreen } from './AlarmTabs';
import { formatDateTime } from '../app/time-format';

const HOUR = 3_600_000;
const RANGES = [
  { label: '24 h', ms: 24 * HOUR },
  { label: '7 d', ms: 7 * 24 * HOUR },
  { label: '30 d', ms: 30 * 24 * HOUR },
] as const;
/** EEMUA 191: about one alarm per 10 minutes is manageable, more than ten is a flood. */
const ACCEPTABLE_PER_10_MIN = 1;
const FLOOD_PER_10_MIN = 10;

const pct = (x: number) => `${x.toFixed(1)} %`;
const one = (x: number) => x.toFixed(2);
/** The priority shares and targets come as fractions of 1. */
const share = (x: number) => Math.round(x * 1000) / 10;

/** Alarm system performance (EEMUA 191 / ISA-18.2): load per console, floods, chattering, stale and bad actors, priority mix. */
export function AlarmKpis() {
  const { call, preferences } = useServices();
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const [rangeMs, setRangeMs] = useState<number>(RANGES[0].ms);
  const [kpis, setKpis] = useState<Kpis | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const to = Date.now();
    setKpis(null);
    call('alarms.kpis', { from: to - rangeMs, to }).then(
      (answer) => live && (setKpis(answer), setFailure(null)),
      (error: unknown) => live && setFailure(describeFailure(error)),
    );
    return () => {
      live = false;
    };
  }, [call, rangeMs]);

  return (
    <AlarmScreen
      current="alarm-kpis"
      testId="alarm-kpis"
      head={
        <>
          <span className="spacer" />
          <span className="range-picker" role="group" aria-label="Range">
            {RANGES.map((r) => (
              <button key={r.label} type="button" aria-pressed={rangeMs === r.ms} data-testid={`kpi-range-${r.label.replace(' ', '')}`} onClick={() => setRangeMs(r.ms)}>
                {r.label}
              </button>
            ))}
          </span>
        </>
      }
    >
      {failure && <p className="unknown-note">Alarm KPIs: not available ({failure})</p>}
      {!kpis && !failure && <p className="unknown-note">Loading…</p>}
      {kpis && <KpiPanels kpis={kpis} utc={utc} />}
    </AlarmScreen>
  );
}

function KpiPanels({ kpis, utc }: { kpis: Kpis; utc: boolean }) {
  const ongoing = kpis.floods.filter((f) => f.end === null);
  return (
    <>
      <p className="hint" data-testid="kpi-period">
        {formatDateTime(kpis.from, utc)} to {formatDateTime(kpis.to, utc)}: <strong data-testid="kpi-annunciated">{kpis.annunciated}</strong> alarms annunciated.
      </p>
      <div className="detail-panels kpi-panels">
        <section className="panel" data-testid="kpi-consoles">
          <h3>Alarm rate per console (per 10 min)</h3>
          <p className="hint">
            Target: about {ACCEPTABLE_PER_10_MIN} on average; over {FLOOD_PER_10_MIN} is a flood.
          </p>
          {kpis.perConsole.length === 0 ? (
            <p className="unknown-note">No alarm annunciated in this period.</p>
          ) : (
            <table className="data-table">
              <thead>
                <tr>
                  <th>Console</th>
                  <th className="num">Total</th>
                  <th className="num">Average</th>
                  <th className="num">Peak</th>
                  <th className="num">Time in flood</th>
                </tr>
              </thead>
              <tbody>
                {kpis.perConsole.map((c) => (
                  <tr key={c.console}>
                    <td>{c.console}</td>
                    <td className="num">{c.total}</td>
                    <td className={`num${c.avgPer10Min > ACCEPTABLE_PER_10_MIN ? ' off-target' : ''}`}>{one(c.avgPer10Min)}</td>
                    <td className={`num${c.peakPer10Min > FLOOD_PER_10_MIN ? ' off-target' : ''}`}>{c.peakPer10Min}</td>
                    <td className="num">{pct(c.floodTimePct)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section className="panel" data-testid="kpi-floods">
          <h3>Floods</h3>
          <p data-testid="kpi-flood-state">
            {ongoing.length > 0 ? <strong>Flood in progress on {ongoing.map((f) => f.console).join(', ')}</strong> : 'No flood in progress.'} {kpis.floods.length} in this period.
          </p>
          {kpis.floods.length > 0 && (
            <table className="data-table">
              <thead>
                <tr>
                  <th>Console</th>
                  <th>Start</th>
                  <th>End</th>
                  <th className="num">Alarms</th>
                  <th>First out</th>
                </tr>
              </thead>
              <tbody>
                {kpis.floods.map((f) => (
                  <tr key={`${f.console}:${f.start}`}>
                    <td>{f.console}</td>
                    <td>{formatDateTime(f.start, utc)}</td>
                    <td>{f.end === null ? 'ongoing' : formatDateTime(f.end, utc)}</td>
                    <td className="num">{f.count}</td>
                    <td>{f.firstOut}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section className="panel" data-testid="kpi-priorities">
          <h3>Priority distribution</h3>
          <p className="hint">EEMUA 191 target for operator alarms: high {share(kpis.priorities.target.high)} %, medium {share(kpis.priorities.target.medium)} %, low {share(kpis.priorities.target.low)} % (diagnostic excluded).</p>
          <table className="data-table">
            <thead>
              <tr>
                <th>Band</th>
                <th className="num">Share</th>
                <th className="num">Target</th>
                <th>Share vs target</th>
              </tr>
            </thead>
            <tbody>
              {(['high', 'medium', 'low'] as const).map((band) => (
                <tr key={band} data-testid="kpi-band" data-band={band}>
                  <td>{band}</td>
                  <td className="num">{pct(share(kpis.priorities.share[band]))}</td>
                  <td className="num">{share(kpis.priorities.target[band])} %</td>
                  <td>
                    <span className="share-bar" aria-hidden="true">
                      <span className="share-fill" style={{ width: `${Math.min(100, share(kpis.priorities.share[band]))}%` }} />
                      <span className="share-target" style={{ left: `${share(kpis.priorities.target[band])}%` }} />
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            {ALARM_PRIORITIES.map((p) => (
              <span key={p} className="banner-count">
                <PriorityMark priority={p} /> {kpis.priorities.counts[p] ?? 0}{' '}
              </span>
            ))}
          </p>
        </section>

        <section className="panel" data-testid="kpi-bad-actors">
          <h3>Top 10 bad actors</h3>
          <IdTable rows={kpis.badActors.slice(0, 10).map((b) => [b.alarmId, String(b.count), pct(b.sharePct)])} header={['Alarm', 'Count', 'Share']} empty="No alarms in this period." />
        </section>

        <section className="panel" data-testid="kpi-chattering">
          <h3>Chattering</h3>
          <IdTable rows={kpis.chattering.map((c) => [c.alarmId, String(c.maxPerMinute), String(c.total)])} header={['Alarm', 'Max per minute', 'Total']} empty="No chattering alarm." />
        </section>

        <section className="panel" data-testid="kpi-stale">
          <h3>Stale (active over 24 h)</h3>
          <IdTable rows={kpis.stale.map((s) => [s.alarmId, formatDateTime(s.activeSince, utc), String(s.hours)])} header={['Alarm', 'Active since', 'Hours']} empty="No stale alarm." />
        </section>
      </div>
    </>
  );
}

function IdTable({ rows, header, empty }: { rows: string[][]; header: string[]; empty: string }) {
  if (rows.length === 0) return <p className="unknown-note">{empty}</p>;
  return (
    <table className="data-table">
      <thead>
        <tr>
          {header.map((h, i) => (
            <th key={h} className={i > 0 ? 'num' : undefined}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row[0]}>
            {row.map((cell, i) => (
              <td key={i} className={i > 0 ? 'num' : undefined}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
