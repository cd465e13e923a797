/** A machine's condition as the room sees it: state, learning progress, episode, health and prognosis. */
import { LOAD_BANDS, type ConditionOutput } from '../../../common/contract-models';
import { classifyAnomaly } from '../anomaly-type';
import type { ConditionParams } from './condition-params';
import { HOUR, type Snapshot } from './condition-types';
import type { MachineCondition } from './machine-condition';
import { stateOfBand } from './operating-state';

/** What the room sees of a machine at `ts`; also kept as its latest output. */
export function conditionOutput(p: ConditionParams, m: MachineCondition, ts: number, failure: string | null, snap: Snapshot): ConditionOutput {
  const monitoring = snap.phase === 'monitoring' && m.model !== null;
  const prognosis = monitoring && m.health !== null ? m.prognosis : null;
  const stuck = snap.stuck;
  const flat = new Set(stuck);
  const state = snap.band === -2 ? 'unknown' : stateOfBand(snap.band);
  const a = m.episode;
  const detail =
    failure ??
    (snap.communicationLost
      ? 'no data: communication lost'
      : state === 'unknown'
        ? 'learning the operating states from the state signal'
        : !monitoring
          ? snap.phase === 'validating'
            ? 'learning: the fitted model is being checked against new data to set its thresholds'
            : 'learning this machine\u2019s normal behaviour'
          : (prognosis?.detail ?? null));
  const o: ConditionOutput = {
    machineId: m.id,
    ts,
    operatingState: state,
    band: snap.band >= 0 ? snap.band : null,
    stateSignal: snap.signals?.load ?? null,
    stateSignalFrom: snap.signals?.from ?? null,
    phase: monitoring ? 'monitoring' : 'learning',
    learning: snap.learning,
    anomaly: {
      active: monitoring && a.active,
      score: monitoring ? m.lastScore : null,
      type: monitoring && a.active ? classifyAnomaly(m.contributors, flat) : null,
      contributors: monitoring ? m.contributors.filter((c) => c.contribution > 0) : [],
      since: a.since,
    },
    health: monitoring ? m.health : null,
    healthTrendPerHour: prognosis?.trendPerHour ?? null,
    rul: prognosis?.rul ?? null,
    failureProbability: prognosis ? prognosis.failureProbability : null,
    horizonHours: p.horizonHours,
    stuckSensors: stuck,
    communicationLost: snap.communicationLost,
    detail,
    heightened: m.heightened && ts < m.heightened.until ? m.heightened : null,
  };
  m.latest = o;
  m.lastOutputAt = ts;
  return o;
}

/** The learning view for the screen; once learning is over it changes only with the model, so it is shared. */
export function learningView(m: MachineCondition): ConditionOutput['learning'] {
  if (m.phase !== 'learning' && m.learningCache?.version === m.scheduledVersion) return m.learningCache;
  const p = m.params;
  const sigma = (band: number) => m.model?.models.some((sm) => sm?.sigma[band] != null) ?? false;
  m.learningCache = {
    since: Number.isNaN(m.firstTs) ? null : m.firstTs,
    hoursSeen: Number.isNaN(m.learningSince) ? 0 : (m.lastTs - m.learningSince) / HOUR,
    hoursNeeded: p.learnHours + p.validateHours,
    bands: LOAD_BANDS.map((band, i) => ({ band, hours: m.bandHours[i]!, ready: sigma(i) })),
    version: m.scheduledVersion,
  };
  return m.learningCache;
}
