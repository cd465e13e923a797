import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { AlarmJournalEntry } from '../../../common/contract-alarms';
import { download } from '../app/use-call';
import { useServices } from '../app/services-context';
import { DataTable, type DataColumn } from '../shell/DataTable';
import { PriorityMark } from '../shell/PriorityMark';
import { describeFailure } from '../transport/client';
import { PRIORITY_RANK } from './AlarmTable';
import { AlarmScreen } from './AlarmTabs';
import { journalCsv } from './csv';
import { sourceLabel } from './sources';
import { formatDateTime } from '../app/time-format';
import { fromLocalInput, toLocalInput } from './time';

const HOUR = 3_600_000;
const PRESETS = [
  { label: '1 h', ms: HOUR },
  { label: '8 h', ms: 8 * HOUR },
  { label: '24 h', ms: 24 * HOUR },
  { label: '7 d', ms: 7 * 24 * HOUR },
] as const;
/** Rows shown on screen; the export pages through all of them. */
const SHOWN = 1000;
const EXPORT_PAGE = 10_000;

interface Query {
  from: number;
  to: number;
  search: string;
}

/** The alarm journal over a time range: every transition, who did it and why, exportable to CSV. */
export function AlarmHistory() {
  const { call, machines, preferences } = useServices();
  const names = useStore(machines, (s) => s.byId);
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const [query, setQuery] = useState<Query>(() => {
    const to = Date.now();
    return { from: to - 24 * HOUR, to, search: '' };
  });
  const [fromText, setFromText] = useState(() => toLocalInput(query.from, utc));
  const [toText, setToText] = useState(() => toLocalInput(query.to, utc));
  const [search, setSearch] = useState('');
  const [entries, setEntries] = useState<AlarmJournalEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  // Cells read names and the time zone through a ref, so the columns (and the table's sorting) survive their changes.
  const shown = useRef({ names, utc });
  shown.current = { names, utc };
  const columns = useMemo<DataColumn<AlarmJournalEntry>[]>(
    () => [
      { id: 'at', header: 'Time', value: (e) => e.at, render: (e) => formatDateTime(e.at, shown.current.utc) },
      { id: 'priority', header: 'Pri', value: (e) => PRIORITY_RANK[e.priority], render: (e) => <PriorityMark priority={e.priority} /> },
      { id: 'machine', header: 'Machine', value: (e) => shown.current.names[e.machineId]?.name ?? e.machineId },
      { id: 'action', header: 'Action', value: (e) => e.action },
      { id: 'state', header: 'State', value: (e) => `${e.from.replaceAll('-', ' ')} → ${e.to.replaceAll('-', ' ')}` },
      { id: 'source', header: 'Source', value: (e) => sourceLabel(e.source), render: (e) => <span data-source={e.source}>{sourceLabel(e.source)}</span> },
      { id: 'message', header: 'Alarm', value: (e) => e.message },
      { id: 'user', header: 'User', value: (e) => e.username ?? '' },
      { id: 'console', header: 'Console', value: (e) => e.console },
      { id: 'note', header: 'Note', value: (e) => e.note ?? '' },
    ],
    [],
  );

  useEffect(() => {
    let live = true;
    setEntries(null);
    call('alarms.history', { ...request(query), limit: SHOWN }).then(
      (answer) => live && (setEntries(answer.entries), setMore(answer.nextBeforeSeq !== null), setFailure(null)),
      (error: unknown) => live && setFailure(describeFailure(error)),
    );
    return () => {
      live = false;
    };
  }, [call, query]);

  const apply = (next: Query) => {
    setFromText(toLocalInput(next.from, utc));
    setToText(toLocalInput(next.to, utc));
    setQuery(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const from = fromLocalInput(fromText, utc);
    const to = fromLocalInput(toText, utc);
    if (from === null || to === null) return setFailure('Enter both times.');
    // The inputs hold whole minutes: "to" includes its whole minute.
    if (to + 60_000 <= from) return setFailure('"To" must be after "from".');
    setQuery({ from, to: to + 59_999, search: search.trim() });
  };

  const exportCsv = async () => {
    setExporting(true);
    try {
      const all: AlarmJournalEntry[] = [];
      let beforeSeq: number | undefined;
      do {
        const page = await call('alarms.history', { ...request(query), limit: EXPORT_PAGE, ...(beforeSeq === undefined ? {} : { beforeSeq }) });
        all.push(...page.entries);
        beforeSeq = page.nextBeforeSeq ?? undefined;
      } while (beforeSeq !== undefined);
      const stamp = (ts: number) => new Date(ts).toISOString().slice(0, 16).replace(':', '');
      download({ filename: `alarm-history_${stamp(query.from)}_${stamp(query.to)}.csv`, mime: 'text/csv;charset=utf-8', encoding: 'utf8', content: journalCsv(all) });
      setFailure(null);
    } catch (error) {
      setFailure(`Export failed: ${describeFailure(error)}`);
    } finally {
      setExporting(false);
    }
  };

  return (
    <AlarmScreen current="alarm-history" testId="alarm-history-view">
      <form className="filter-bar" onSubmit={submit}>
        <span className="range-picker" role="group" aria-label="Range">
          {PRESETS.map((p) => (
            <button key={p.label} type="button" data-testid={`history-last-${p.label.replace(' ', '')}`} onClick={() => apply({ from: Date.now() - p.ms, to: Date.now(), search: query.search })}>
              Last {p.label}
            </button>
          ))}
        </span>
        <label>
          From <input type="datetime-local" data-testid="history-from" value={fromText} onChange={(e) => setFromText(e.target.value)} required />
        </label>
        <label>
          To <input type="datetime-local" data-testid="history-to" value={toText} onChange={(e) => setToText(e.target.value)} required />
        </label>
        <label>
          Search <input type="search" data-testid="history-search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="alarm, machine, message" />
        </label>
        <button type="submit" data-testid="history-load">
          Show
        </button>
        <button type="button" data-testid="history-export" disabled={exporting || !entries?.length} onClick={() => void exportCsv()}>
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </form>
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      {entries === null && !failure && <p className="unknown-note">Loading…</p>}
      {entries?.length === 0 && <p className="unknown-note">No alarm activity in this range.</p>}
      {more && <p className="hint">Showing the newest {SHOWN} entries; narrow the range to see older ones. The export holds all of them.</p>}
      {entries && entries.length > 0 && (
        <DataTable
          rows={entries}
          columns={columns}
          rowKey={(e) => String(e.seq)}
          testId="history-table"
          pageSize={100}
          filterLabel="Filter the entries shown"
          rowAttributes={(e) => ({ 'data-testid': 'history-row', 'data-action': e.action })}
        />
      )}
    </AlarmScreen>
  );
}

const request = (q: Query) => ({ from: q.from, to: q.to, ...(q.search ? { search: q.search } : {}) });
