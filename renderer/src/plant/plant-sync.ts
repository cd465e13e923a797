import type { Services } from '../app/services';
import { CallError, describeFailure } from '../transport/client';
import { limitsBySensor, type SensorLimits } from './key-metrics';

export const HEALTH_POLL_MS = 2_000;
/** The condition monitor scores every few seconds; one call brings every machine's summary. */
export const CONDITIONS_POLL_MS = 5_000;
/** Alarm limits change only by an engineer's edit or a new meta message; the tiles' bars reload them this often. */
export const LIMITS_POLL_MS = 300_000;
/**
 * Limit requests a second: the host answers at most 50 calls a second on one connection and refuses
 * the rest, so 500 machines' limits load over 20 s and leave room for the screen's own calls.
 */
export const LIMITS_CALLS_PER_SECOND = 25;

/**
 * Keeps the plant screen current while it is shown: loads the machine list, polls health, and
 * treats a failed poll as a lost host (values go stale) until one succeeds and the list is reloaded.
 */
export function startPlantSync({ call, session, health, alarms, conditions, limits, machines, live, receiveMachines }: Services): () => void {
  let stopped = false;
  let hostLost = false;
  let polling = false;
  let pollingConditions = false;

  const fail = (error: unknown) => {
    if (stopped) return;
    if (error instanceof CallError && error.code === 'unauthenticated') {
      session.getState().expire();
      return;
    }
    // A locked session is a live host: the caller has already switched to the lock screen. A refused
    // rate is an answer too: the next poll asks again, and the values on screen stay current.
    if (error instanceof CallError && (error.code === 'locked' || error.code === 'rate_limited')) return;
    hostLost = true;
    health.getState().lost(describeFailure(error));
    live.invalidate();
  };

  const loadMachines = () =>
    Promise.all([
      call('machines.list', {}).then((list) => {
        if (!stopped) receiveMachines(list, true);
      }, fail),
      loadAlarms(),
    ]);

  // A host without the alarm service answers with an error; the screens then say alarms are not available.
  const loadAlarms = () =>
    call('alarms.active', { limit: 5000 }).then(
      ({ alarms: list }) => {
        if (!stopped) alarms.getState().replace(list);
      },
      (error: unknown) => {
        if (stopped || (error instanceof CallError && error.code === 'locked')) return;
        alarms.getState().unavailable();
      },
    );

  const pollHealth = async () => {
    // A slow host must not collect a queue of polls.
    if (polling) return;
    polling = true;
    try {
      const current = await call('health.get', {});
      if (stopped) return;
      health.getState().received(current);
      if (hostLost) {
        hostLost = false;
        // Machine events sent while the link was down are lost; the list is the truth again.
        await loadMachines();
      }
    } catch (error) {
      fail(error);
    } finally {
      polling = false;
    }
  };

  // A host without the condition monitor (or one that refuses it) only means the tiles show no
  // condition; it is never taken for a lost host or an expired session.
  const pollConditions = async () => {
    if (pollingConditions) return;
    pollingConditions = true;
    try {
      const list = await call('models.conditions', {});
      if (!stopped) conditions.getState().replace(list);
    } catch (error) {
      if (stopped || (error instanceof CallError && error.code === 'locked')) return;
      conditions.getState().unavailable();
    } finally {
      pollingConditions = false;
    }
  };

  // Limits only draw ticks on the bars: a host without the alarm service, or a refused call, leaves the bars without them.
  let limitsLoading = false;
  const loadLimits = async (ids: string[]) => {
    if (limitsLoading) return;
    limitsLoading = true;
    const queue = [...ids];
    const answers: Record<string, Record<string, SensorLimits>> = {};
    try {
      for (let id = queue.shift(); id !== undefined && !stopped; id = queue.shift()) {
        const paced = new Promise((resolve) => setTimeout(resolve, 1000 / LIMITS_CALLS_PER_SECOND));
        try {
          answers[id] = limitsBySensor((await call('alarms.limits.get', { machineId: id })).limits);
        } catch {
          // see above: the bar draws without limits, and the machine is not asked again until the next poll
          answers[id] = {};
        }
        await paced;
      }
      if (!stopped) limits.getState().merge(answers);
    } finally {
      limitsLoading = false;
    }
  };
  const loadMissingLimits = () => {
    const known = limits.getState().byId;
    const missing = Object.keys(machines.getState().byId).filter((id) => !known[id]);
    if (missing.length > 0) void loadLimits(missing);
  };
  const unsubscribeMachines = machines.subscribe((state, previous) => {
    if (state.byId !== previous.byId) loadMissingLimits();
  });

  void loadMachines();
  void pollHealth();
  void pollConditions();
  const limitsTimer = setInterval(() => void loadLimits(Object.keys(machines.getState().byId)), LIMITS_POLL_MS);
  const timer = setInterval(() => void pollHealth(), HEALTH_POLL_MS);
  const conditionsTimer = setInterval(() => void pollConditions(), CONDITIONS_POLL_MS);
  return () => {
    stopped = true;
    unsubscribeMachines();
    clearInterval(limitsTimer);
    clearInterval(timer);
    clearInterval(conditionsTimer);
  };
}
