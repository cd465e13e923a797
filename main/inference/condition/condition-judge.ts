/**
 * Judging one scored row of a monitored machine: the sensors' fast and slow deviations against their
 * thresholds, the anomaly episode, health and the degradation trend. The plant's common ambient
 * temperature shift is kept here, since every machine's thermal residual votes on it.
 */
import type { ConditionOutput } from '../../../common/contract-models';
import type { ConditionEvent } from './condition-monitor';
import { conditionOutput } from './condition-output';
import type { ConditionParams } from './condition-params';
import type { Scores } from './condition-scoring';
import { deviationShare, healthOf, severity } from './degradation';
import type { FittedModel, Row, SensorState } from './condition-types';
import { medianInPlace } from '../../primitives/median';
import { FleetEnvelopes } from './fleet-envelope';
import { HEALTH_STEP_MS, type MachineCondition } from './machine-condition';
import { inDomain, loadLearned, transientHeadroom } from './model-domain';
import { checked, sameInputs } from './threshold-transfer';

const TOP_CONTRIBUTORS = 3;
/** Learning progress reaches the screen at most this often per machine. */
export const STATUS_EVERY_MS = 60_000;
/** A judged machine whose verdict did not change reports this often (its health steps once a minute anyway). */
const OUTPUT_EVERY_MS = 30_000;
/** Ambient shift: each machine's thermal residual averaged over this long, the median taken this often from votes this fresh, with at least this many machines. */
const AMBIENT_TAU_MS = 30 * 60_000;
const AMBIENT_EVERY_MS = 60_000;
const AMBIENT_STALE_MS = 30 * 60_000;
const AMBIENT_MIN_VOTERS = 5;
/** A machine's own thermal offset follows over this long: slower than any overheating, faster than the seasons. */
const BASELINE_TAU_MS = 6 * 3_600_000;
/**
 * A vibration's health envelope is at most this many times its kind's median. A bearing wears for
 * hours to days, so its wear can begin while the machine validates and widen its own envelope by the
 * fault itself; machines of its kind show what the sensor needs. Other sensors' wide envelopes come
 * from warm-ups and load steps that recur, so they keep their own (chosen on the tuning seeds).
 */
const FLEET_ENVELOPE_CAP = 3;

/** The signal whose spikes are judged: power where the machine reports it, else the load (as MachineCondition.track watches). */
function spikeSignal(model: FittedModel): string {
  return model.signals.power ?? model.signals.load;
}

/** A sensor's deviation share for the trend (NaN: no running row since it last started again). */
function trendShare(s: SensorState, envelope: number, sigma: number): number {
  return s.trendRows === 0 ? Number.NaN : deviationShare(s.name, s.trendResid, s.trendExpected, envelope, sigma, s.group);
}

/**
 * An average as its thresholds see it: a sensor judged on its rises only (a temperature, a vibration)
 * takes its thresholds from its rises, so a machine that learned worn and then ran smoother after its
 * service does not widen them by how much smoother it ran.
 */
function judgedSide(s: SensorState, average: number): number {
  return s.risesOnly ? average : Math.abs(average);
}

export class ConditionJudge {
  /**
   * The plant's common temperature shift (K): the median over machines of their thermal residuals.
   * Ambient temperature moves every machine's temperature together; no single machine's fault moves
   * the median, so subtracting it keeps ambient drift out of each machine's judgement.
   */
  private ambientShift = 0;
  private ambientAt = Number.NEGATIVE_INFINITY;
  private readonly ambientVotes = new Map<string, { ts: number; value: number }>();

  /** Each sensor's deviation share in the row being judged; reused, NaN where a sensor is not judged. */
  private shareScratch = new Float64Array(0);

  /** Health envelopes of the machines past validation, by kind. */
  readonly fleet = new FleetEnvelopes();

  constructor(private readonly params: ConditionParams) {}

  /** A machine's thresholds are set: its health envelopes join its kind's. */
  envelopesSet(m: MachineCondition): void {
    const model = m.model;
    if (!model || model.slowT.length === 0) return;
    const envelopes = new Map<string, number>();
    model.models.forEach((sm, k) => {
      const s = m.sensors[k];
      if (sm && s) envelopes.set(s.name, this.envelope(model, k, s.group === 'unclassified'));
    });
    this.fleet.set(FleetEnvelopes.kindOf(model.sensors), m.id, envelopes);
  }

  /**
   * Health's envelope of sensor k (residual sigmas). The operator's least deviation worth an alarm is
   * no normal variation, so it is the statistical one. For a physical sensor it is the largest
   * deviation validation saw (the alarm threshold without its margin), since its failure level is
   * physical; any other sensor's failure level is counted in its alarm thresholds, so its envelope is
   * the threshold itself.
   */
  private envelope(model: FittedModel, k: number, unclassified: boolean): number {
    const p = this.params;
    const slowT = model.slowT[k] ?? p.slowFloor;
    return unclassified ? slowT : Math.max(p.slowFloor, slowT / p.thresholdMargin);
  }

  /** The machine's fleet envelopes, looked up again only when the fleet changed. */
  private fleetOf(m: MachineCondition, model: FittedModel): Float64Array {
    if (m.fleetVersion !== this.fleet.version || m.fleetT.length !== model.sensors.length) {
      if (m.fleetT.length !== model.sensors.length) m.fleetT = new Float64Array(model.sensors.length);
      this.fleet.fill(FleetEnvelopes.kindOf(model.sensors), model.sensors, m.id, m.fleetT);
      m.fleetVersion = this.fleet.version;
    }
    return m.fleetT;
  }

  private shares(sensors: number): Float64Array {
    if (this.shareScratch.length !== sensors) this.shareScratch = new Float64Array(sensors);
    return this.shareScratch.fill(Number.NaN);
  }

  /** Updates the row's machine from its residuals: averages, episode, health, trend. */
  judge(row: Row, scores: Scores | string, index: number, events: ConditionEvent[]): ConditionOutput | null {
    const m = row.machine;
    const model = m.model!;
    const p = this.params;
    const snap = row.snap;
    if (typeof scores === 'string') return conditionOutput(p, m, row.ts, `condition model failed: ${scores}`, snap);
    const dt = Number.isFinite(m.lastScoredTs) ? Math.max(0, row.ts - m.lastScoredTs) : 0;
    m.lastScoredTs = row.ts;
    const aFast = 1 - Math.exp(-dt / (p.fastTauS * 1000));
    const aSlow = 1 - Math.exp(-dt / (p.slowTauS * 1000));
    // Health's smoothing counts running time: the first row after a gap is one more row, not a new level.
    const dtRun = Math.min(dt, HEALTH_STEP_MS);
    const aHealth = 1 - Math.exp(-dtRun / (p.healthTauS * 1000));
    const aHealthThermal = 1 - Math.exp(-dtRun / ((p.thermalHealthTauS ?? p.healthTauS) * 1000));
    const trendRestarts = row.band <= 0 || dt > HEALTH_STEP_MS;
    const validating = row.phase === 'validating';
    const loadSeen = loadLearned(m.model, row.band, row.phi[2]!);
    const judged = !row.settling && loadSeen && model.models.some((sm, k) => sm?.sigma[row.band] != null && Number.isFinite(row.y[k]!));
    // Power's spikes are judged while settling and outside the learned loads too: where power is the
    // load, a surge's spikes themselves move the smoothed load into another band or past the loads learned.
    const spikeT = validating ? null : (model.spikeT?.[row.band] ?? null);
    const spike = spikeT === null ? 0 : m.spikes.count(row.ts, row.jump > spikeT, p.spikeWindowS * 1000) / p.spikeCount;
    if (validating) m.spikes.learn(row.band, row.jump);
    let score = 0;
    const ranked: { sensor: string; contribution: number }[] = [];
    let worst = 0;
    let worstSensor = -1;
    // Deviation shares feed only the minute's trend point: computed on that row alone.
    const healthDue = row.band > 0 && row.ts - m.lastHealthAt >= HEALTH_STEP_MS;
    const shares = healthDue ? this.shares(m.sensors.length) : null;
    const s0 = index * scores.sensors;
    const aAmbient = 1 - Math.exp(-dt / AMBIENT_TAU_MS);
    const aBaseline = 1 - Math.exp(-dt / BASELINE_TAU_MS);
    this.updateAmbient(row.ts);
    let vote = 0;
    let voters = 0;
    const sharpen = m.heightened && row.ts < m.heightened.until ? m.heightened.factor : 1;
    const fleetT = this.fleetOf(m, model);
    for (let k = 0; k < m.sensors.length && k < model.models.length; k++) {
      const sm = model.models[k];
      const s = m.sensors[k]!;
      const sigma = sm?.sigma[row.band];
      if (trendRestarts) s.trendRows = 0;
      if (sm && sigma == null) {
        // A sensor its model does not judge in this band (a value held while idle) says nothing here:
        // what it showed before fades with the time that passes, as it would in its averages (health's
        // with running time only).
        s.fast -= aFast * s.fast;
        s.slow -= aSlow * s.slow;
        if (row.band > 0) s.resid -= (s.thermal ? aHealthThermal : aHealth) * s.resid;
        continue;
      }
      if (!sm || sigma == null || !Number.isFinite(row.y[k]!) || row.stuck[k]) continue;
      // Out of its model's domain, a running machine's temperature is judged on its rises above the
      // highest reading its transient allows; below that it says nothing. Validation keeps to the domain.
      const transient = !inDomain(m.model, k, row.phi);
      if (transient && (validating || !s.thermal || !s.risesOnly || row.band === 0)) continue;
      let z = scores.z[s0 + k]!;
      let pred = scores.pred[s0 + k]!;
      if (row.settling) continue;
      if (s.unit !== sigma) {
        if (s.unit > 0) {
          s.fast *= s.unit / sigma;
          s.slow *= s.unit / sigma;
        }
        s.unit = sigma;
      }
      if (transient) {
        pred += transientHeadroom(model, k, row.phi) + this.ambientShift + s.baseline;
        z = Math.max(0, (row.y[k]! - pred) / sigma);
        if (!Number.isFinite(z)) continue;
      } else if (s.thermal) {
        const r = row.y[k]! - pred;
        s.ambient += aAmbient * (r - s.ambient);
        vote += s.ambient;
        voters++;
        if (!m.episode.active && (m.lastScore ?? 0) < 0.5) s.baseline += aBaseline * (r - this.ambientShift - s.baseline);
        pred += this.ambientShift + s.baseline;
        z -= (this.ambientShift + s.baseline) / sigma;
      }
      s.fast += aFast * (z - s.fast);
      s.slow += aSlow * (z - s.slow);
      // Health is the running machine's: a worn bearing or a failing cooler shows while the machine
      // works, and an idle spell neither heals it nor drags its residual to the idle level.
      if (row.band > 0) {
        const aH = s.thermal ? aHealthThermal : aHealth;
        const r = transient ? Math.max(0, row.y[k]! - pred) : row.y[k]! - pred;
        s.resid += aH * (r - s.resid);
        s.expected += aH * (pred - s.expected);
        // The trend's average starts again after a stop, as a mean of the rows since until the smoothing
        // takes over: health's, catching up with a wear that went on meanwhile, would read as a rise
        // steeper than the wear's.
        const aT = Math.max(aH, 1 / ++s.trendRows);
        s.trendResid += aT * (r - s.trendResid);
        s.trendExpected += aT * (pred - s.trendExpected);
      }
      s.expectedFast = Number.isNaN(s.expectedFast) ? pred : s.expectedFast + aFast * (pred - s.expectedFast);
      s.expectedSlow = Number.isNaN(s.expectedSlow) ? pred : s.expectedSlow + aSlow * (pred - s.expectedSlow);
      if (validating) {
        s.maxFast = Math.max(s.maxFast, judgedSide(s, s.fast));
        s.maxSlow = Math.max(s.maxSlow, judgedSide(s, s.slow));
        // A wear that begins while the machine validates has its start in the trend, not only its middle.
        if (shares && row.band > 0) shares[k] = trendShare(s, this.envelope(model, k, s.group === 'unclassified'), sigma);
        continue;
      }
      if (s.recheck) this.recheck(m, model, k, row.ts);
      // A vibration's least deviation is a share of the level each average was accumulated against (the
      // expected value smoothed as that average): a machine that stops does not judge the running
      // deviation its slow average still holds by its idle level, nor one that starts its fast
      // average's running deviation by the idle level a slower smoothing still holds.
      const vibration = s.group === 'vibration_bearing';
      const leastFast = s.thermal ? p.thermalMinDeviation / sigma : vibration ? (p.vibrationMinShare * Math.abs(s.expectedFast)) / sigma : 0;
      const leastSlow = vibration ? (p.vibrationMinShare * Math.abs(s.expectedSlow)) / sigma : leastFast;
      const tf = Math.max(model.fastT[k] ?? p.fastFloor, leastFast) * sharpen;
      const tslow = Math.max(model.slowT[k] ?? p.slowFloor, leastSlow) * sharpen;
      const c = s.risesOnly ? Math.max(0, s.fast / tf, s.slow / tslow) : Math.max(Math.abs(s.fast) / tf, Math.abs(s.slow) / tslow);
      ranked.push({ sensor: s.name, contribution: c });
      if (c > score) score = c;
      if (row.band > 0) {
        const own = this.envelope(model, k, s.group === 'unclassified');
        const kind = fleetT[k]!;
        const envelope = Number.isNaN(kind) || s.group !== 'vibration_bearing' ? own : Math.min(own, FLEET_ENVELOPE_CAP * kind);
        const sev = severity(s.name, s.resid, s.expected, envelope, sigma, s.group);
        if (sev > worst || worstSensor < 0) {
          worst = sev;
          worstSensor = k;
        }
        if (shares) {
          shares[k] = trendShare(s, envelope, sigma);
          if (s.group === 'vibration_bearing') m.trend.markRatio(k);
        }
      }
    }
    if (voters > 0 && !m.episode.active) this.ambientVotes.set(m.id, { ts: row.ts, value: vote / voters });
    if (validating && judged && shares) {
      // Validation's points carry no severity (its thresholds are not set yet), only the shares a later trend fits.
      m.lastHealthAt = row.ts;
      m.trend.push(row.ts, 0, shares, -1, row.band);
    }
    if (validating || !judged) {
      // A load band the model has not learned yet keeps learning while the machine runs in it, so the
      // next refit can judge it: a state never seen says "learning", and is then learned.
      const bandLearned = loadSeen && model.models.some((sm) => sm?.sigma[row.band] != null);
      if (!validating && !bandLearned && !row.settling && !m.episode.active && spike === 0) m.learn(row);
      if (spike > 0) return this.spikesOnly(m, row, spike, snap);
      m.episode.pause();
      if (row.ts - m.lastOutputAt < STATUS_EVERY_MS) return null;
      return conditionOutput(p, m, row.ts, null, snap);
    }
    if (spike > 0) {
      const sensor = spikeSignal(model);
      const own = ranked.find((r) => r.sensor === sensor);
      if (own) own.contribution = Math.max(own.contribution, spike);
      else ranked.push({ sensor, contribution: spike });
      if (spike > score) score = spike;
    }
    ranked.sort((a, b) => b.contribution - a.contribution);
    m.contributors = ranked.slice(0, TOP_CONTRIBUTORS);
    m.lastScore = score;
    const change = m.episode.update(score, row.ts);
    m.keepEpisodeRow(row, change === 'raised');
    m.confirmNormal(row, score);
    // Health and prognosis move once a minute at most: numbers the room reads, and alarms that cannot chatter.
    let stepped = false;
    if (healthDue && shares) {
      stepped = true;
      m.health = healthOf(worst);
      m.lastHealthAt = row.ts;
      m.trend.push(row.ts, worst, shares, worstSensor, row.band);
      m.prognosis = m.trend.prognosis(p.horizonHours, p.trendMinT, p.trendMinMinutes);
      if (row.ts - m.lastHealthSavedAt >= 5 * HEALTH_STEP_MS) {
        m.lastHealthSavedAt = row.ts;
        events.push({ machineId: m.id, ts: row.ts, kind: 'health', health: m.health, rulHours: m.prognosis.rul?.hours ?? null });
      }
    }
    // A steady machine's verdict goes out every OUTPUT_EVERY_MS; a change goes out at once.
    if (change === null && !stepped && row.ts - m.lastOutputAt < OUTPUT_EVERY_MS) return null;
    return conditionOutput(p, m, row.ts, null, snap);
  }

  /**
   * A sensor whose model a refit changed keeps the largest averages of the rows after it outside
   * anomalies; after a validation period they set its thresholds (threshold-transfer.ts `checked`), and
   * the model they were judged on becomes its reference.
   */
  private recheck(m: MachineCondition, model: FittedModel, k: number, ts: number): void {
    const s = m.sensors[k]!;
    const open = s.recheck!;
    if (!m.episode.active) {
      open.maxFast = Math.max(open.maxFast, judgedSide(s, s.fast));
      open.maxSlow = Math.max(open.maxSlow, judgedSide(s, s.slow));
    }
    if (ts < open.until) return;
    const p = this.params;
    const ref = s.ref!;
    const same = sameInputs(ref.model, model.models[k]);
    const fastT = checked(model.fastT[k] ?? p.fastFloor, same ? ref.fastT : null, open.maxFast, p.thresholdMargin, p.fastFloor);
    const slowT = checked(model.slowT[k] ?? p.slowFloor, same ? ref.slowT : null, open.maxSlow, p.thresholdMargin, p.slowFloor);
    model.fastT[k] = fastT;
    model.slowT[k] = slowT;
    s.ref = { model: model.models[k] ?? null, fastT, slowT };
    s.recheck = null;
    this.envelopesSet(m);
  }

  /** A row the normal model does not judge, on a machine whose power spikes: the spikes alone make its score. */
  private spikesOnly(m: MachineCondition, row: Row, spike: number, snap: Row['snap']): ConditionOutput | null {
    m.contributors = [{ sensor: spikeSignal(m.model!), contribution: spike }];
    m.lastScore = spike;
    const change = m.episode.update(spike, row.ts);
    m.keepEpisodeRow(row, change === 'raised');
    if (change === null && row.ts - m.lastOutputAt < OUTPUT_EVERY_MS) return null;
    return conditionOutput(this.params, m, row.ts, null, snap);
  }

  /** The median of recent votes, refreshed once per AMBIENT_EVERY_MS of event time. */
  private updateAmbient(ts: number): void {
    if (ts - this.ambientAt < AMBIENT_EVERY_MS) return;
    this.ambientAt = ts;
    const values: number[] = [];
    for (const [id, v] of this.ambientVotes) {
      if (ts - v.ts > AMBIENT_STALE_MS) this.ambientVotes.delete(id);
      else values.push(v.value);
    }
    if (values.length < AMBIENT_MIN_VOTERS) {
      this.ambientShift = 0;
      return;
    }
    this.ambientShift = medianInPlace(values);
  }
}
