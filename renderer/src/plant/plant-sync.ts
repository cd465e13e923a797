import type { Services } from '../app/services';
import { CallFailure, describeFailure } from '../transport/client';

export const HEALTH_POLL_MS = 2_000;
/** The condition monitor scores every few seconds; one call brings every machine's summary. */
export const CONDITIONS_POLL_MS = 5_000;

/**
 * Keeps the plant screen current while it is shown: loads the machine list, polls health, and
 * treats a failed poll as a lost host (values go stale) until one succeeds and the list is reloaded.
 */
export function startPlantSync({ call, session, health, alarms, conditions, live, receiveMachines }: Services): () => void {
  let stopped = false;
  let hostLost = false;
  let polling = false;
  let pollingConditions = false;

  const fail = (error: unknown) => {
    if (stopped) return;
    if (error instanceof CallFailure && error.code === 'unauthenticated') {
      session.getState().expire();
      return;
    }
    // A locked session is a live host: the caller has already switched to the lock screen.
    if (error instanceof CallFailure && error.code === 'locked') return;
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
        if (stopped || (error instanceof CallFailure && error.code === 'locked')) return;
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
      if (stopped || (error instanceof CallFailure && error.code === 'locked')) return;
      conditions.getState().unavailable();
    } finally {
      pollingConditions = false;
    }
  };

  void loadMachines();
  void pollHealth();
  void pollConditions();
  const timer = setInterval(() => void pollHealth(), HEALTH_POLL_MS);
  const conditionsTimer = setInterval(() => void pollConditions(), CONDITIONS_POLL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    clearInterval(conditionsTimer);
  };
}
