/**
 * Which limits apply to a machine: the defaults its meta proposed (accepted once, audited), what
 * an engineer set over them, and its operating state, kept as three caches in front of the store
 * because the limit evaluator asks for them on every reading.
 */
import type { EffectiveLimit, LimitLevel, LimitSetting } from '../../common/contract-alarms';
import type { OperatingState } from '../../common/contract-models';
import { CallFailure } from '../../common/errors';
import type { AuditEntry } from '../audit/audit-port';
import type { AlarmStore } from './alarm-store';
import type { AlarmUser } from './alarm-core';
import { defaultLimits, effectiveLimits, isHighLevel, type AppliedLimit, type MetaLimits, type StoredLimit } from './limits';
import type { WallMs } from '../../common/time';

export interface LimitConfigOptions {
  store: AlarmStore;
  now(): WallMs;
  log(message: string): void;
  /** See AlarmServiceOptions.statesFromMonitor. */
  statesFromMonitor?: boolean;
  /** See AlarmServiceOptions.stateNow. */
  stateNow?: (machineId: string) => OperatingState;
  /** The machine went from off or idle to running (its low limits wait for their values to come up). */
  started?: (machineId: string) => void;
}

export interface MachineLimits {
  machineId: string;
  limits: EffectiveLimit[];
  proposedMeta?: LimitSetting[];
}

const sameLimits = (a: readonly LimitSetting[], b: readonly LimitSetting[]) => {
  const key = (l: readonly LimitSetting[]) => JSON.stringify([...l].sort((x, y) => `${x.sensor}:${x.level}`.localeCompare(`${y.sensor}:${y.level}`)));
  return key(a) === key(b);
};

export class LimitConfig {
  private readonly metaDefaults: Map<string, LimitSetting[]>;
  /** Meta limits that differ from the accepted ones, waiting for an engineer. */
  private readonly pendingMeta = new Map<string, LimitSetting[]>();
  private readonly engineered = new Map<string, StoredLimit[]>();
  /** What the evaluator uses per machine, rebuilt when any of the above or the machine's state changes. */
  private readonly effective = new Map<string, AppliedLimit[]>();
  /** Machines that are off or idle, with which: their low limits are out of play. */
  private readonly standing = new Map<string, 'off' | 'idle'>();
  /** Machines the monitor has reported a state for (see statesFromMonitor). */
  private readonly stateKnown = new Set<string>();

  constructor(private readonly options: LimitConfigOptions) {
    for (const machineId of options.store.limitMachines()) this.engineered.set(machineId, options.store.limits(machineId));
    this.metaDefaults = options.store.metaDefaults();
  }

  /**
   * Limits from the machine's meta. The first ones seen become its defaults (audited); a later meta
   * that would change or remove them is only a proposal: it waits, audited, for an engineer to
   * accept it (acceptMeta), since anyone who can publish a retained meta could otherwise move or
   * drop a machine's alarm limits unseen.
   */
  applyMeta(machineId: string, limits: MetaLimits | undefined): void {
    if (!limits) return;
    const proposed = defaultLimits(limits);
    const accepted = this.metaDefaults.get(machineId);
    const entry = (action: string, detail: Record<string, unknown>): AuditEntry => ({ at: this.options.now(), userId: null, username: null, action, target: machineId, outcome: 'ok', detail });
    if (accepted === undefined) {
      this.options.store.saveMetaDefaults(machineId, proposed, entry('alarms.limits.meta-adopted', { limits: proposed }));
      this.metaDefaults.set(machineId, proposed);
      this.effective.delete(machineId);
      return;
    }
    if (sameLimits(accepted, proposed)) {
      this.pendingMeta.delete(machineId);
      return;
    }
    const held = this.pendingMeta.get(machineId);
    if (held && sameLimits(held, proposed)) return;
    this.pendingMeta.set(machineId, proposed);
    this.options.store.auditOnly(entry('alarms.limits.meta-proposed', { current: accepted, proposed }));
    this.options.log(`alarms: meta of ${machineId} proposes other default limits; they wait for an engineer's acceptance`);
  }

  /** An engineer accepts the default limits a machine's meta proposes. */
  acceptMeta(user: AlarmUser, machineId: string): MachineLimits {
    const proposed = this.pendingMeta.get(machineId);
    if (!proposed) throw new CallFailure('not_found', `no proposed limits for ${machineId}`);
    const before = this.metaDefaults.get(machineId) ?? [];
    this.options.store.saveMetaDefaults(machineId, proposed, { at: this.options.now(), userId: user.id, username: user.username, action: 'alarms.limits.meta-accepted', target: machineId, outcome: 'ok', detail: { before, after: proposed } });
    this.metaDefaults.set(machineId, proposed);
    this.pendingMeta.delete(machineId);
    this.effective.delete(machineId);
    return this.limits(machineId);
  }

  limits(machineId: string): MachineLimits {
    const proposed = this.pendingMeta.get(machineId);
    return { machineId, limits: effectiveLimits(this.metaDefaults.get(machineId) ?? [], this.engineered.get(machineId) ?? []), ...(proposed && { proposedMeta: proposed }) };
  }

  setLimits(user: AlarmUser, machineId: string, rows: readonly LimitSetting[], reset: readonly { sensor: string; level: LimitLevel }[]): MachineLimits {
    const at = this.options.now();
    this.options.store.saveLimits(
      machineId,
      rows.map((r) => ({ ...r, updatedBy: user.username, updatedAt: at })),
      reset,
    );
    this.engineered.set(machineId, this.options.store.limits(machineId));
    this.effective.delete(machineId);
    return this.limits(machineId);
  }

  /**
   * State-based alarming (ISA-18.2): a stopped or idling machine's pressure, flow and temperature
   * fall by design, so its low and low-low limits are out of play until it runs again (and while its
   * state is not yet known); an active one returns to normal. High limits stay: a stopped machine can
   * still be too hot.
   */
  operatingState(machineId: string, state: OperatingState): void {
    if (state === 'unknown') return;
    const standing = state !== 'running';
    const first = !this.stateKnown.has(machineId);
    this.stateKnown.add(machineId);
    const was = this.standing.get(machineId);
    const wasStanding = was !== undefined;
    // Off and idle hold the same limits; only the reason they show changes.
    if (!first && (standing ? state === was : !wasStanding)) return;
    if (state === 'off' || state === 'idle') this.standing.set(machineId, state);
    else this.standing.delete(machineId);
    this.effective.delete(machineId);
    // A machine first seen running was already running: its values are up, nothing to wait for.
    if (!first && wasStanding && !standing) this.options.started?.(machineId);
  }

  /**
   * Hot path: the limits the evaluator applies to a reading of this machine now; a low limit held
   * out of play by the machine's state says why (heldBy), which its alarm shows as suppressed by design.
   */
  forReading(machineId: string): AppliedLimit[] {
    if (this.options.stateNow) this.operatingState(machineId, this.options.stateNow(machineId));
    let limits: AppliedLimit[] | undefined = this.effective.get(machineId);
    if (!limits) {
      limits = this.limits(machineId).limits;
      const standing = this.standing.get(machineId);
      const heldBy = standing ? `machine ${standing}` : this.options.statesFromMonitor === true && !this.stateKnown.has(machineId) ? 'machine state not yet known' : null;
      // An engineer's disabled limit is out of service, not held by design.
      if (heldBy) limits = limits.map((l) => (isHighLevel(l.level) || !l.enabled ? l : { ...l, enabled: false, heldBy }));
      this.effective.set(machineId, limits);
    }
    return limits;
  }
}
