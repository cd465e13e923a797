/**
 * The condition monitor's alarms: the anomaly episode, communication loss, stuck sensors, health
 * below its limit and a high failure probability. Each is raised and cleared by the monitor's own
 * hysteresis (episodes) or by a threshold pair here, so none chatters.
 */
import type { ConditionOutput } from '../../common/contract-models';
import { THRESHOLDS, type Condition } from './conditions';

export const HEALTH_LIMIT_DEFAULT = 70;
/** Health clears this many points above its limit. */
const HEALTH_CLEAR_MARGIN = 5;

export function conditionAlarms(o: ConditionOutput, wasActive: (alarmId: string) => boolean, healthLimit = HEALTH_LIMIT_DEFAULT): Condition[] {
  const out: Condition[] = [];
  const at = o.ts;
  const machineId = o.machineId;
  const put = (c: Omit<Condition, 'machineId' | 'at'>) => {
    if (c.active !== wasActive(c.alarmId)) out.push({ ...c, machineId, at });
  };
  put({ alarmId: `comm:${machineId}`, source: 'communication', priority: 'medium', active: o.communicationLost, message: 'Communication lost: no data for longer than the machine\u2019s own reporting period allows', value: null, limit: null });
  // While a machine is silent nothing else about it is known: its other alarms hold their state.
  if (o.communicationLost) return out;
  put({ alarmId: `stuck:${machineId}`, source: 'sensor', priority: 'low', active: o.stuckSensors.length > 0, message: `Sensor not varying while the machine runs: ${o.stuckSensors.join(', ') || 'none'}`, value: null, limit: null });
  if (o.phase !== 'monitoring') return out;
  const a = o.anomaly;
  const what = [a.type, a.contributors.length ? `driven by ${a.contributors.map((c) => c.sensor).join(', ')}` : null].filter(Boolean).join(', ');
  put({ alarmId: `anomaly:${machineId}`, source: 'anomaly', priority: o.health !== null && o.health < healthLimit ? 'medium' : 'low', active: a.active, message: `Abnormal behaviour for its operating state${what ? `: ${what}` : ''}`, value: a.score, limit: 1 });
  if (o.health !== null) {
    const id = `health:${machineId}`;
    const active = wasActive(id) ? o.health < healthLimit + HEALTH_CLEAR_MARGIN : o.health < healthLimit;
    put({ alarmId: id, source: 'health', priority: 'medium', active, message: `Machine health ${o.health.toFixed(0)} (limit ${healthLimit})${o.rul ? `, remaining life about ${o.rul.hours.toFixed(0)} h` : ''}`, value: o.health, limit: healthLimit });
  }
  if (o.failureProbability !== null) {
    const id = `prognosis:${machineId}`;
    const t = THRESHOLDS.failureProbability;
    const p = o.failureProbability;
    const active = wasActive(id) ? p >= t.clear : p > t.raise;
    put({ alarmId: id, source: 'predictive', priority: 'high', active, message: `Failure within ${o.horizonHours} h: ${(p * 100).toFixed(0)}% likely${o.rul ? ` (remaining life ${o.rul.hours.toFixed(1)} h, ${o.rul.low.toFixed(1)}\u2013${o.rul.high.toFixed(1)} h)` : ''}`, value: p, limit: t.raise });
  }
  return out;
}
