/**
 * Alarm-load figures after EEMUA 191, as pure functions over journal entries. An annunciation is any
 * transition into active-unacknowledged: a new alarm, a re-alarm, or one that came back from a
 * shelf, suppression or maintenance; each asks for the operator's attention.
 *
 * A console is an operator's span of control; without a plant-specific mapping it is the area of
 * the machine (`<site>/<area>/...`), and alarms of the application itself go to 'system'.
 */
import { ALARM_PRIORITIES, type Alarm, type AlarmJournalEntry, type AlarmKpis, type AlarmPriority, type Flood } from '../../common/contract-alarms';

export const TEN_MINUTES = 600_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
/** EEMUA 191: a flood starts above 10 alarms in 10 minutes and ends when the rate falls below 5. */
export const FLOOD = { start: 10, end: 5 } as const;
export const CHATTER_PER_MINUTE = 3;
export const STALE_MS = DAY;
/** EEMUA 191 distribution of annunciated alarms over the priority bands. */
export const PRIORITY_TARGET = { high: 0.05, medium: 0.15, low: 0.8 } as const;

export type Annunciation = Pick<AlarmJournalEntry, 'alarmId' | 'machineId' | 'priority' | 'at'>;

export const isAnnunciation = (e: Pick<AlarmJournalEntry, 'from' | 'to'>) => e.to === 'active-unacknowledged' && e.from !== 'active-unacknowledged';

export function consoleOf(machineId: string): string {
  if (machineId === '') return 'system';
  const parts = machineId.split('/');
  return parts.length >= 2 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? machineId);
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function floodOf(console: string, members: readonly Annunciation[], start: number, end: number | null): Flood {
  const groups = [...groupBy(members, (a) => a.machineId || 'system')].map(([key, list]) => ({
    key,
    count: list.length,
    firstOut: list[0]!.alarmId,
    alarmIds: [...new Set(list.map((a) => a.alarmId))],
  }));
  groups.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return { console, start, end, count: members.length, firstOut: members[0]!.alarmId, groups };
}

/**
 * Floods of one console's annunciations (sorted by time). A flood runs from the first alarm of the
 * window that crossed the start rate until the trailing 10-minute count falls below the end rate;
 * `end` is null if that has not happened by `until`.
 */
export function detectFloods(console: string, sorted: readonly Annunciation[], until: number): Flood[] {
  const floods: Flood[] = [];
  let windowStart = 0;
  let flood: { start: number; members: Annunciation[] } | null = null;

  /** When the trailing count of the window [windowStart, upto) drops below the end rate as its oldest alarms age out. */
  const dropTime = (upto: number): number => {
    // once the oldest (count - end + 1) have left, fewer than `end` remain
    const k = Math.max(0, upto - windowStart - FLOOD.end);
    return sorted[windowStart + k]!.at + TEN_MINUTES;
  };

  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    if (flood) {
      const end = dropTime(i);
      if (end <= a.at) {
        floods.push(floodOf(console, flood.members, flood.start, end));
        flood = null;
      }
    }
    while (sorted[windowStart]!.at <= a.at - TEN_MINUTES) windowStart++;
    if (flood) flood.members.push(a);
    else if (i + 1 - windowStart > FLOOD.start) flood = { start: sorted[windowStart]!.at, members: sorted.slice(windowStart, i + 1) };
  }
  if (flood) {
    const end = dropTime(sorted.length);
    floods.push(floodOf(console, flood.members, flood.start, end <= until ? end : null));
  }
  return floods;
}

/** Most annunciations of each alarm within any one minute, for alarms that reach the chattering rate. */
export function chattering(annunciations: readonly Annunciation[]): AlarmKpis['chattering'] {
  const out: AlarmKpis['chattering'] = [];
  for (const [alarmId, list] of groupBy(annunciations, (a) => a.alarmId)) {
    const times = list.map((a) => a.at).sort((x, y) => x - y);
    let max = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[j]! <= times[i]! - MINUTE) j++;
      max = Math.max(max, i - j + 1);
    }
    if (max >= CHATTER_PER_MINUTE) out.push({ alarmId, maxPerMinute: max, total: times.length });
  }
  return out.sort((a, b) => b.maxPerMinute - a.maxPerMinute || b.total - a.total || a.alarmId.localeCompare(b.alarmId));
}

/** Alarms whose condition has been active for a day or more (EEMUA 191 "standing" / stale alarms). */
export function staleAlarms(alarms: readonly Pick<Alarm, 'id' | 'active' | 'raisedAt'>[], now: number): AlarmKpis['stale'] {
  return alarms
    .filter((a) => a.active && a.raisedAt !== null && now - a.raisedAt >= STALE_MS)
    .map((a) => ({ alarmId: a.id, activeSince: a.raisedAt!, hours: Math.floor((now - a.raisedAt!) / 3_600_000) }))
    .sort((a, b) => a.activeSince - b.activeSince);
}

export function badActors(annunciations: readonly Annunciation[], top = 10): AlarmKpis['badActors'] {
  const total = annunciations.length;
  return [...groupBy(annunciations, (a) => a.alarmId)]
    .map(([alarmId, list]) => ({ alarmId, count: list.length, sharePct: (list.length / total) * 100 }))
    .sort((a, b) => b.count - a.count || a.alarmId.localeCompare(b.alarmId))
    .slice(0, top);
}

export function priorityDistribution(annunciations: readonly Annunciation[]): AlarmKpis['priorities'] {
  const counts = Object.fromEntries(ALARM_PRIORITIES.map((p) => [p, 0])) as Record<AlarmPriority, number>;
  for (const a of annunciations) counts[a.priority]++;
  // Diagnostic alarms go to maintenance, not to the operator, so they are outside the bands.
  const operator = annunciations.length - counts.diagnostic;
  const share = (n: number) => (operator === 0 ? 0 : n / operator);
  return { counts, share: { high: share(counts.critical + counts.high), medium: share(counts.medium), low: share(counts.low) }, target: { ...PRIORITY_TARGET } };
}

/** Every figure for [from, to), from the journal entries of that range and the alarms as they are now. */
export function computeKpis(entries: readonly AlarmJournalEntry[], alarms: readonly Pick<Alarm, 'id' | 'active' | 'raisedAt'>[], range: { from: number; to: number; now: number }): AlarmKpis {
  const annunciations = entries.filter((e) => isAnnunciation(e) && e.at >= range.from && e.at < range.to).sort((a, b) => a.at - b.at);
  const buckets = Math.max(1, Math.ceil((range.to - range.from) / TEN_MINUTES));
  const floods: Flood[] = [];
  const perConsole: AlarmKpis['perConsole'] = [];
  for (const [console, list] of groupBy(annunciations, (a) => consoleOf(a.machineId))) {
    const perBucket = new Map<number, number>();
    for (const a of list) {
      const b = Math.floor((a.at - range.from) / TEN_MINUTES);
      perBucket.set(b, (perBucket.get(b) ?? 0) + 1);
    }
    const consoleFloods = detectFloods(console, list, range.to);
    floods.push(...consoleFloods);
    const floodMs = consoleFloods.reduce((sum, f) => sum + (Math.min(f.end ?? range.to, range.to) - Math.max(f.start, range.from)), 0);
    perConsole.push({
      console,
      total: list.length,
      avgPer10Min: list.length / buckets,
      peakPer10Min: Math.max(...perBucket.values()),
      floodTimePct: (floodMs / (range.to - range.from)) * 100,
    });
  }
  perConsole.sort((a, b) => b.total - a.total || a.console.localeCompare(b.console));
  floods.sort((a, b) => a.start - b.start);
  return {
    from: range.from,
    to: range.to,
    annunciated: annunciations.length,
    perConsole,
    floods,
    chattering: chattering(annunciations),
    stale: staleAlarms(alarms, range.now),
    badActors: badActors(annunciations),
    priorities: priorityDistribution(annunciations),
  };
}
