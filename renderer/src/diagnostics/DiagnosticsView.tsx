import { useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { DiagnosticsSnapshot } from '../../../common/contract-diagnostics';
import { formatDateTime } from '../app/time-format';
import { useServices } from '../app/services-context';
import { PriorityMark } from '../shell/PriorityMark';
import { callAbnormal, DISK_LOW, formatBytes, formatMs, formatRate, formatShare, problems } from './diagnostics-format';
import { FormError } from '../shell/FormError';

/** Often enough to follow a problem as it develops, rarely enough that the screen's own calls do not show in the figures. */
const REFRESH_MS = 3000;

/** Keeps the latest snapshot; a failed refresh keeps the last one on screen and says why. */
function useSnapshot() {
  const { call } = useServices();
  const [snapshot, setSnapshot] = useState<DiagnosticsSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      call('diagnostics.snapshot', {}).then(
        (s) => live && (setSnapshot(s), setError(null)),
        (e: Error) => live && setError(e.message),
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [call]);
  return { snapshot, error };
}

/** One fact; abnormal ones are bold on the hatch, the ISA-101 way: normal carries no colour. */
function Fact({ label, children, abnormal = false, testId }: { label: string; children: ReactNode; abnormal?: boolean; testId?: string }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd className={abnormal ? 'diag-abnormal' : undefined} data-testid={testId} data-abnormal={abnormal || undefined}>
        {children}
      </dd>
    </div>
  );
}

/** One panel of facts: a heading over a definition list. */
function FactsPanel({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <Panel title={title} testId={testId}>
      <dl className="facts">{children}</dl>
    </Panel>
  );
}

/** A panel with a heading over what it holds. */
function Panel({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section className="panel" data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** A table of rows; with `empty`, that note instead of a table without rows. */
function RowsTable<T>({ rows, headers, row, empty }: { rows: readonly T[]; headers: ReactNode; row: (item: T, i: number) => ReactNode; empty?: string }) {
  if (rows.length === 0 && empty) return <p className="unknown-note">{empty}</p>;
  return (
    <table className="data-table">
      <thead>
        <tr>{headers}</tr>
      </thead>
      <tbody>{rows.map(row)}</tbody>
    </table>
  );
}

/** The engineer's view of this console: connections, rates, store and backups, models, contract calls, slow queries, agents and disk. */
export function DiagnosticsView() {
  const { preferences } = useServices();
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const { snapshot: s, error } = useSnapshot();
  const when = (ts: number | null) => formatDateTime(ts, utc);

  if (!s) {
    return (
      <main className="diagnostics" data-testid="diagnostics">
        <h2 className="view-title">Diagnostics</h2>
        <p className={error ? 'form-error' : 'unknown-note'} role={error ? 'alert' : undefined} data-testid="diagnostics-error">
          {error ?? 'Waiting for the host…'}
        </p>
      </main>
    );
  }

  const t = s.alerts.thresholds;
  const issues = problems(s);
  const inf = s.models.inference;
  return (
    <main className="diagnostics" data-testid="diagnostics">
      <div className="diag-head">
        <h2 className="view-title">Diagnostics</h2>
        <span className="hint" data-testid="diagnostics-updated">
          As of {when(s.at)}, refreshed every {REFRESH_MS / 1000} s; rates and latencies over the last {s.calls.windowSeconds} s. Up {Math.floor(s.uptimeS / 3600)} h{' '}
          {Math.floor((s.uptimeS % 3600) / 60)} min.
        </span>
        <span className={issues.length > 0 ? 'diag-summary diag-abnormal' : 'diag-summary'} data-testid="diagnostics-summary">
          {issues.length > 0 ? issues.join(' · ') : 'All normal'}
        </span>
      </div>
      <FormError message={error && `Not refreshed: ${error}. The figures below are from ${when(s.at)}.`} testId="diagnostics-error" />

      <div className="diag-grid">
        <FactsPanel title="Connections" testId="diag-connections">
          <Fact label="Broker" abnormal={s.broker.state !== 'connected'} testId="diag-broker-state">
            {s.broker.state}
          </Fact>
          <Fact label="Address">
            {s.broker.url} ({s.broker.embedded ? 'embedded' : 'external'})
          </Fact>
          {s.broker.lastError && (
            <Fact label="Last error" abnormal>
              {s.broker.lastError}
            </Fact>
          )}
          {s.fieldSources.map((f) => (
            <Fact key={`${f.protocol}:${f.name}`} label={`${f.protocol === 'modbus' ? 'Modbus' : 'OPC UA'} ${f.name}`} abnormal={f.state === 'lost'}>
              {f.state}
              {f.lastError ? `: ${f.lastError}` : ''}
            </Fact>
          ))}
          {s.fieldSources.length === 0 && <Fact label="Modbus, OPC UA">none configured</Fact>}
          <Fact label="Historian" abnormal={s.historian?.alarm != null}>
            {s.historian ? `${s.historian.state}${s.historian.backlogRows !== null ? `, ${s.historian.backlogRows} rows waiting` : ''}` : 'none configured'}
          </Fact>
        </FactsPanel>

        <FactsPanel title="Ingest" testId="diag-ingest">
          <Fact label="Readings/s" testId="diag-readings-rate">
            {formatRate(s.readingsPerSecond)}
          </Fact>
          <Fact label="Machines">{s.machinesKnown}</Fact>
          <Fact label="Quarantined" testId="diag-quarantine-total">
            {s.quarantine.total}
          </Fact>
          {Object.entries(s.quarantine.byReason)
            .filter(([, n]) => n > 0)
            .map(([reason, n]) => (
            <Fact key={reason} label={`  ${reason.replaceAll('_', ' ')}`}>
              {n}
            </Fact>
          ))}
        </FactsPanel>

        <FactsPanel title="Store and backup" testId="diag-store">
          <Fact label="Size" testId="diag-store-size">
            {formatBytes(s.store.bytes)}
          </Fact>
          <Fact label="Pending rows" testId="diag-pending">
            {s.store.pendingRows}
          </Fact>
          <Fact label="Store" abnormal={s.store.lastError !== null}>
            {s.store.lastError ?? 'ok'}
          </Fact>
          <Fact label="Last backup" abnormal={s.backup.last !== null && !s.backup.last.ok} testId="diag-backup">
            {s.backup.last ? `${when(s.backup.last.at)}: ${s.backup.last.ok ? `ok, ${formatBytes(s.backup.last.bytes)}` : `failed: ${s.backup.last.error ?? 'unknown'}`}` : 'none yet'}
          </Fact>
          <Fact label="Schedule">{s.backup.hourUtc === null ? 'off' : `daily at ${String(s.backup.hourUtc).padStart(2, '0')}:00 UTC`}</Fact>
        </FactsPanel>

        <FactsPanel title="Models" testId="diag-models">
          <Fact label="State" abnormal={s.models.state !== 'ok'} testId="diag-model-state">
            {s.models.state.replace('_', ' ')}
          </Fact>
          <Fact label="Scoring p50 / p99" testId="diag-inference-latency">
            {formatMs(inf.p50Ms)} / {formatMs(inf.p99Ms)}
          </Fact>
          <Fact label="Runs/s">{formatRate(inf.perSecond)}</Fact>
          <Fact label="Failed runs" abnormal={inf.failures > 0}>
            {inf.failures}
            {inf.lastFailure ? ` (last ${when(inf.lastFailure.at)}: ${inf.lastFailure.error})` : ''}
          </Fact>
          {s.models.list.map((m) => (
            <Fact key={m.name} label={m.name} abnormal={m.state !== 'ok'}>
              {m.version ? `v${m.version}, ` : ''}
              {m.state}
            </Fact>
          ))}
        </FactsPanel>

        <FactsPanel title="Agents" testId="diag-agents">
          <Fact label="Agents">{s.agents.enabled ? 'on' : 'off (agents.enabled)'}</Fact>
          <Fact label="Event time" testId="diag-agents-time">
            {when(s.agents.eventTime)}
          </Fact>
          {s.agents.list.map((a) => (
            <Fact key={a.name} label={a.name} abnormal={a.consecutiveFailures > 0 || a.suspendedUntil !== null}>
              {a.suspendedUntil !== null ? `suspended until ${when(a.suspendedUntil)}` : a.consecutiveFailures > 0 ? `${a.consecutiveFailures} failures` : 'ok'}, {a.runs} runs, last{' '}
              {when(a.lastRunTs)}
            </Fact>
          ))}
        </FactsPanel>

        <FactsPanel title="Disk and alarms" testId="diag-disk">
          {s.disk ? (
            <Fact label="Free" abnormal={s.disk.freeRatio < DISK_LOW} testId="diag-disk-free">
              {formatBytes(s.disk.freeBytes)} of {formatBytes(s.disk.totalBytes)} ({formatShare(s.disk.freeRatio)})
            </Fact>
          ) : (
            <Fact label="Free">unknown on this platform</Fact>
          )}
          {s.alerts.states.map((a) => (
            <Fact key={a.alarmId} label={a.alarmId.replace('system:', '')} abnormal={a.active} testId="diag-alert">
              {/* The priority colour is for an alarm that is up; a quiet one is plain text (ISA-101). */}
              {a.active ? (
                <>
                  <PriorityMark priority={a.priority} /> {a.message}
                </>
              ) : (
                `normal (${a.priority} when raised)`
              )}
            </Fact>
          ))}
          <Fact label="Limits">
            errors {formatShare(t.contractErrorRate.raise)}, p99 {t.contractLatencyMs.raise} ms, from {t.minCalls} calls
          </Fact>
        </FactsPanel>
      </div>

      <div className="diag-tables">
        <Panel title={`Contract calls: ${formatRate(s.calls.perSecond)}/s over ${s.calls.windowSeconds} s`} testId="diag-calls">
          <RowsTable
            rows={s.calls.rows}
            headers={
              <>
                <th>Call</th>
                <th className="num">Calls</th>
                <th className="num">Per s</th>
                <th className="num">p50</th>
                <th className="num">p99</th>
                <th className="num">Max</th>
                <th className="num">Errors</th>
                <th className="num">Error rate</th>
                <th className="num">Refused</th>
              </>
            }
            row={(r) => (
              <tr key={r.name} data-testid="diag-call-row" data-call={r.name} className={callAbnormal(r, t) ? 'diag-abnormal' : undefined}>
                <td>{r.name}</td>
                <td className="num">{r.count}</td>
                <td className="num">{formatRate(r.perSecond)}</td>
                <td className="num">{formatMs(r.p50Ms)}</td>
                <td className="num">{formatMs(r.p99Ms)}</td>
                <td className="num">{formatMs(r.maxMs)}</td>
                <td className="num">{r.errors}</td>
                <td className="num">{formatShare(r.errorRate)}</td>
                <td className="num">{r.refused}</td>
              </tr>
            )}
          />
        </Panel>

        <div className="diag-side">
          <Panel title={`Slow database statements (≥ ${s.slowQueries.thresholdMs} ms): ${s.slowQueries.total}`} testId="diag-slow-queries">
            <RowsTable
              rows={s.slowQueries.latest}
              empty="None since the host started."
              headers={
                <>
                  <th>When</th>
                  <th className="num">Time</th>
                  <th>Connection</th>
                  <th>Statement</th>
                </>
              }
              row={(q, i) => (
                <tr key={`${q.at}-${i}`} data-testid="diag-slow-row">
                  <td className="diag-nowrap">{when(q.at)}</td>
                  <td className="num">{formatMs(q.ms)}</td>
                  <td>{q.connection}</td>
                  <td className="diag-sql">{q.sql}</td>
                </tr>
              )}
            />
          </Panel>

          <Panel title="Latest quarantined messages" testId="diag-quarantine">
            <RowsTable
              rows={s.quarantine.latest}
              empty="None since the host started."
              headers={
                <>
                  <th>When</th>
                  <th>Reason</th>
                  <th>Topic</th>
                  <th>Detail</th>
                  <th className="num">Bytes</th>
                </>
              }
              row={(q, i) => (
                <tr key={`${q.at}-${i}`} data-testid="diag-quarantine-row">
                  <td className="diag-nowrap">{when(q.at)}</td>
                  <td>{q.reason.replaceAll('_', ' ')}</td>
                  <td className="diag-sql">{q.topic}</td>
                  <td className="diag-sql">{q.detail}</td>
                  <td className="num">{q.payloadBytes}</td>
                </tr>
              )}
            />
          </Panel>
        </div>
      </div>
    </main>
  );
}
