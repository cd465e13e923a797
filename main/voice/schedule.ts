/**
 * What to say next, and when. Pure: every method takes the time, so the queue, de-duplication, rate
 * limit, flood summaries and critical reminders are tested with numbers instead of real timers.
 *
 * The room hears one phrase at a time. The schedule holds everything not yet spoken and decides at
 * each turn, so a critical alarm raised during a flood is spoken first instead of after the flood.
 */
import type { VoicePriority } from '../../common/contract-voice';
import { alarmPhrase, floodPhrase, reminderPhrase } from './phrases';
import { priorityRank, type VoiceAlarm } from './voice-alarm';

export interface VoicePolicy {
  /** The least urgent priority that is spoken at all. */
  minPriority: VoicePriority;
  /** An alarm, or the same words, spoken within this window are not spoken again. */
  dedupeMs: number;
  /** This many unspoken new alarms become one summary. */
  floodThreshold: number;
  /** At most this many phrases start in any minute; critical alarms are exempt. */
  maxPerMinute: number;
  repeatCriticalMs: number;
  /** Silence between two phrases. */
  gapMs: number;
}

export const DEFAULT_POLICY: VoicePolicy = {
  minPriority: 'low',
  dedupeMs: 30_000,
  floodThreshold: 4,
  maxPerMinute: 8,
  repeatCriticalMs: 180_000,
  gapMs: 500,
};

export type UtteranceKind = 'alarm' | 'flood' | 'reminder' | 'text';

export interface Utterance {
  seq: number;
  kind: UtteranceKind;
  text: string;
  priority: VoicePriority;
  alarmIds: string[];
  /** Cut what is playing: a critical alarm while something less urgent speaks. */
  interrupt: boolean;
  /** The earliest time one of the covered items was queued, for latency. */
  queuedAt: number;
}

export type AnnounceOutcome = 'queued' | 'updated' | 'below_min_priority' | 'duplicate';

interface Pending {
  key: string;
  kind: 'new' | 'reminder' | 'text';
  alarm: VoiceAlarm | null;
  text: string;
  priority: VoicePriority;
  at: number;
}

const RATE_WINDOW_MS = 60_000;

export class VoiceSchedule {
  private readonly pending = new Map<string, Pending>();
  /** Unacknowledged critical alarms and when they are due again; null until first spoken. */
  private readonly reminders = new Map<string, { alarm: VoiceAlarm; dueAt: number | null }>();
  private readonly spokenAlarms = new Map<string, number>();
  private readonly spokenTexts = new Map<string, number>();
  private readonly starts: number[] = [];
  private busyUntil = -Infinity;
  private playing: { seq: number; priority: VoicePriority; alarmIds: Set<string> } | null = null;
  private seq = 0;
  private textSeq = 0;

  constructor(private policy: VoicePolicy = DEFAULT_POLICY) {}

  setPolicy(policy: VoicePolicy): void {
    this.policy = policy;
    for (const [key, p] of this.pending) if (p.kind === 'new' && !this.loudEnough(p.priority)) this.pending.delete(key);
  }

  get size(): number {
    return this.pending.size;
  }

  announce(alarm: VoiceAlarm, now: number): AnnounceOutcome {
    if (!this.loudEnough(alarm.priority)) return 'below_min_priority';
    if (alarm.priority === 'critical') {
      const known = this.reminders.get(alarm.alarmId);
      this.reminders.set(alarm.alarmId, { alarm, dueAt: known?.dueAt ?? null });
    }
    const queued = this.pending.get(alarm.alarmId);
    if (queued) {
      // A newer reading of a queued alarm: say the current value, keep its place.
      queued.alarm = alarm;
      queued.priority = alarm.priority;
      return 'updated';
    }
    const spokenAt = this.spokenAlarms.get(alarm.alarmId);
    if (spokenAt !== undefined && now - spokenAt < this.policy.dedupeMs) return 'duplicate';
    this.pending.set(alarm.alarmId, { key: alarm.alarmId, kind: 'new', alarm, text: '', priority: alarm.priority, at: now });
    return 'queued';
  }

  /** Free text (the settings screen's test) that goes through the same queue and rate limit. */
  say(text: string, priority: VoicePriority, now: number): void {
    const key = `text:${++this.textSeq}`;
    this.pending.set(key, { key, kind: 'text', alarm: null, text, priority, at: now });
  }

  /** Returns true when the phrase now playing spoke only of acknowledged alarms and should stop. */
  acknowledged(alarmId: string, now: number): boolean {
    this.forget(alarmId);
    // An acknowledged alarm that comes back is news; only unacknowledged chatter is held back.
    this.spokenAlarms.delete(alarmId);
    if (!this.playing?.alarmIds.delete(alarmId) || this.playing.alarmIds.size > 0) return false;
    this.playing = null;
    this.busyUntil = now;
    return true;
  }

  /** A cleared alarm is not announced or reminded any more; a phrase already playing finishes. */
  cleared(alarmId: string): void {
    this.forget(alarmId);
  }

  /** The next phrase to say now, or null when nothing is due or the room is busy. */
  take(now: number): Utterance | null {
    this.promoteReminders(now);
    this.prune(now);
    for (;;) {
      const top = this.top();
      if (!top) return null;
      const busy = now < this.busyUntil;
      const interrupt = busy && top.priority === 'critical' && this.playing?.priority !== 'critical';
      if (busy && !interrupt) return null;
      if (top.priority !== 'critical' && this.starts.length >= this.policy.maxPerMinute) return null;

      const utterance = this.compose(top, now, interrupt);
      if (utterance.kind === 'alarm' && this.recentlySaid(utterance.text, now)) continue;
      this.starts.push(now);
      this.spokenTexts.set(utterance.text, now);
      this.playing = { seq: utterance.seq, priority: utterance.priority, alarmIds: new Set(utterance.alarmIds) };
      // Until the engine reports the real length, the room counts as busy; started() corrects it.
      this.busyUntil = Infinity;
      return utterance;
    }
  }

  /** False once every alarm the phrase speaks of was acknowledged while it was being synthesised. */
  stillWanted(utterance: Utterance): boolean {
    return this.playing?.seq === utterance.seq;
  }

  /** The audio for the phrase from take() started at `now` and lasts durationMs. */
  started(now: number, durationMs: number): void {
    this.busyUntil = now + durationMs + this.policy.gapMs;
  }

  /** When take() may next return something, or null when only a new announce() can change that. */
  wakeAt(now: number): number | null {
    let wake = Infinity;
    for (const r of this.reminders.values()) if (r.dueAt !== null && !this.pending.has(r.alarm.alarmId)) wake = Math.min(wake, r.dueAt);
    const top = this.top();
    if (top) {
      let ready = Math.max(now, this.busyUntil);
      if (top.priority !== 'critical' && this.starts.length >= this.policy.maxPerMinute) ready = Math.max(ready, this.starts[0]! + RATE_WINDOW_MS);
      wake = Math.min(wake, ready);
    }
    return Number.isFinite(wake) ? wake : null;
  }

  private loudEnough(priority: VoicePriority): boolean {
    return priorityRank(priority) <= priorityRank(this.policy.minPriority);
  }

  private forget(alarmId: string): void {
    this.pending.delete(alarmId);
    this.reminders.delete(alarmId);
  }

  private top(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending.values()) {
      if (!best || priorityRank(p.priority) < priorityRank(best.priority) || (p.priority === best.priority && p.at < best.at)) best = p;
    }
    return best;
  }

  private compose(top: Pending, now: number, interrupt: boolean): Utterance {
    const base = { seq: ++this.seq, priority: top.priority, interrupt };
    if (top.kind === 'text') {
      this.pending.delete(top.key);
      return { ...base, kind: 'text', text: top.text, alarmIds: [], queuedAt: top.at };
    }
    const group = this.groupFor(top);
    for (const p of group) {
      this.pending.delete(p.key);
      const id = p.alarm!.alarmId;
      this.spokenAlarms.set(id, now);
      const reminder = this.reminders.get(id);
      if (reminder) reminder.dueAt = now + this.policy.repeatCriticalMs;
    }
    const alarms = group.map((p) => p.alarm!);
    const alarmIds = alarms.map((a) => a.alarmId);
    const queuedAt = Math.min(...group.map((p) => p.at));
    if (top.kind === 'reminder') return { ...base, kind: 'reminder', text: reminderPhrase(alarms), alarmIds, queuedAt };
    if (group.length === 1) return { ...base, kind: 'alarm', text: alarmPhrase(top.alarm!), alarmIds, queuedAt };
    const areas = [...new Set(alarms.map((a) => a.area))];
    return { ...base, kind: 'flood', text: floodPhrase(group.length, areas, top.alarm!), alarmIds, queuedAt };
  }

  /**
   * The items one phrase speaks for, top first. Reminders go together; new alarms go alone until
   * there are floodThreshold of them, then as one summary of the top alarm's area when that area
   * alone is a flood, else of all of them.
   */
  private groupFor(top: Pending): Pending[] {
    const sameKind = [...this.pending.values()].filter((p) => p.kind === top.kind).sort((a, b) => priorityRank(a.priority) - priorityRank(b.priority) || a.at - b.at);
    if (top.kind === 'reminder') return sameKind;
    if (sameKind.length < this.policy.floodThreshold) return [top];
    const sameArea = sameKind.filter((p) => p.alarm!.area === top.alarm!.area);
    return sameArea.length >= this.policy.floodThreshold ? sameArea : sameKind;
  }

  private promoteReminders(now: number): void {
    for (const r of this.reminders.values()) {
      if (r.dueAt === null || r.dueAt > now || this.pending.has(r.alarm.alarmId)) continue;
      this.pending.set(r.alarm.alarmId, { key: r.alarm.alarmId, kind: 'reminder', alarm: r.alarm, text: '', priority: r.alarm.priority, at: r.dueAt });
      r.dueAt = null;
    }
  }

  private recentlySaid(text: string, now: number): boolean {
    const at = this.spokenTexts.get(text);
    return at !== undefined && now - at < this.policy.dedupeMs;
  }

  private prune(now: number): void {
    while (this.starts.length > 0 && now - this.starts[0]! >= RATE_WINDOW_MS) this.starts.shift();
    for (const map of [this.spokenAlarms, this.spokenTexts]) {
      for (const [key, at] of map) if (now - at >= this.policy.dedupeMs) map.delete(key);
    }
  }
}
