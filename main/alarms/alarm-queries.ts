/** What the alarm screens ask: the alarms standing now, the journal, floods and the ISA-18.2 KPIs. */
import type { Alarm, AlarmJournalEntry, AlarmKpis, AlarmSource, Flood } from '../../common/contract-alarms';
import { ALARM_PRIORITIES } from '../../common/contract-alarms';
import type { ParsedRequest } from '../../common/contract';
import { CallFailure } from '../../common/errors';
import type { AlarmStore, StoredAlarm } from './alarm-store';
import { view } from './alarm-core';
import { computeKpis, consoleOf, detectFloods, isAnnunciation, TEN_MINUTES } from './kpis';
import type { WallMs } from '../../common/time';

const DAY = 86_400_000;
/** A quarter and 200,000 events bound what one alarms.kpis read holds in memory, wherever it runs. */
const MAX_KPI_RANGE_MS = 92 * DAY;
const MAX_KPI_ENTRIES = 200_000;
const PRIORITY_RANK = Object.fromEntries(ALARM_PRIORITIES.map((p, i) => [p, i])) as Record<string, number>;

/** One alarms.kpis read: its range, checked, and the wall-clock time the stale alarms are judged at. */
export interface KpiRange {
  from: number;
  to: number;
  now: WallMs;
}

/** The range a request asks for (the last day by default), refused with a clear error when it is empty or too long. */
export function kpiRange(req: ParsedRequest<'alarms.kpis'>, now: WallMs): KpiRange {
  const to = req.to ?? now;
  const from = req.from ?? to - DAY;
  if (to <= from) throw new CallFailure('bad_request', 'to must be after from');
  if (to - from > MAX_KPI_RANGE_MS) throw new CallFailure('bad_request', `KPIs cover at most ${MAX_KPI_RANGE_MS / DAY} days; ask for a shorter range`);
  return { from, to, now };
}

/**
 * The KPIs of a checked range: the one computation behind AlarmQueries.kpis and the KPI reader's
 * worker (kpi-reader.worker.ts), which reads the same journal and alarm points on its own connection.
 */
export function kpisOf(source: { journal: AlarmStore['journal']; alarms(): Iterable<StoredAlarm> }, range: KpiRange): AlarmKpis {
  const entries = source.journal({ from: range.from, to: range.to, limit: MAX_KPI_ENTRIES + 1 });
  if (entries.length > MAX_KPI_ENTRIES) throw new CallFailure('bad_request', `more than ${MAX_KPI_ENTRIES} journal entries in this range; ask for a shorter range`);
  return computeKpis(entries, [...source.alarms()], range);
}

export interface AlarmQueriesOptions {
  store: AlarmStore;
  now(): WallMs;
  /** The alarm points as they are now. */
  alarms(): Iterable<StoredAlarm>;
}

export class AlarmQueries {
  constructor(private readonly options: AlarmQueriesOptions) {}

  active(req: ParsedRequest<'alarms.active'>): { alarms: Alarm[]; total: number; floods: Flood[] } {
    const f = req.filter;
    const search = f.search?.trim().toLowerCase();
    const states = f.states && new Set(f.states);
    const priorities = f.priorities && new Set(f.priorities);
    const sources = f.sources && new Set<AlarmSource>(f.sources);
    const list = [...this.options.alarms()].filter(
      (a) =>
        (states ? states.has(a.state) : a.state !== 'normal') &&
        (!priorities || priorities.has(a.priority)) &&
        (!sources || sources.has(a.source)) &&
        (!f.machineId || a.machineId === f.machineId) &&
        (!search || [a.id, a.machineId, a.sensor ?? '', a.message].some((s) => s.toLowerCase().includes(search))),
    );
    const newest = (a: StoredAlarm, b: StoredAlarm) => (b.raisedAt ?? 0) - (a.raisedAt ?? 0);
    const byPriority = (a: StoredAlarm, b: StoredAlarm) => PRIORITY_RANK[a.priority]! - PRIORITY_RANK[b.priority]!;
    const compare = {
      priority: (a: StoredAlarm, b: StoredAlarm) => byPriority(a, b) || newest(a, b),
      time: (a: StoredAlarm, b: StoredAlarm) => newest(a, b) || byPriority(a, b),
      machine: (a: StoredAlarm, b: StoredAlarm) => a.machineId.localeCompare(b.machineId) || byPriority(a, b) || newest(a, b),
    }[req.sort];
    list.sort((a, b) => compare(a, b) || a.id.localeCompare(b.id));
    return { alarms: list.slice(0, req.limit).map(view), total: list.length, floods: this.floodsNow() };
  }

  history(req: ParsedRequest<'alarms.history'>): { entries: AlarmJournalEntry[]; nextBeforeSeq: number | null } {
    const entries = this.options.store.journal(req);
    return { entries, nextBeforeSeq: entries.length === req.limit ? entries[entries.length - 1]!.seq : null };
  }

  /** On the calling thread: the console answers alarms.kpis through the KPI reader (kpi-reader.ts) instead. */
  kpis(req: ParsedRequest<'alarms.kpis'>): AlarmKpis {
    return kpisOf({ journal: (q) => this.options.store.journal(q), alarms: () => this.options.alarms() }, kpiRange(req, this.options.now()));
  }

  /** Floods going on now, from the last hour of the journal. */
  floodsNow(): Flood[] {
    const now = this.options.now();
    const entries = this.options.store.journal({ from: now - 6 * TEN_MINUTES, to: now + 1, limit: 100_000 });
    const annunciations = entries.filter(isAnnunciation).sort((a, b) => a.at - b.at);
    const byConsole = new Map<string, typeof annunciations>();
    for (const a of annunciations) {
      const c = consoleOf(a.machineId);
      const list = byConsole.get(c);
      if (list) list.push(a);
      else byConsole.set(c, [a]);
    }
    return [...byConsole].flatMap(([c, list]) => detectFloods(c, list, now).filter((f) => f.end === null));
  }
}
