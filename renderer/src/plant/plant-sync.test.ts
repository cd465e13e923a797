// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bridge, CallName, ErrorCode } from '../../../common/contract';
import type { Machine } from '../../../common/telemetry';
import { createServices, type Services } from '../app/services';
import '../test-dom';
import { sessionTokenStore } from '../transport/session-token';
import { HEALTH_POLL_MS, LIMITS_CALLS_PER_SECOND, startPlantSync } from './plant-sync';

const machines: Machine[] = Array.from({ length: 60 }, (_, i) => ({ id: `m${i}`, name: `M${i}`, site: 's', area: 'a', type: 't', protocol: 'json', firstSeen: 0, lastSeen: 0, state: 'online', sensors: {} }));

let services: Services;
let stop: () => void;
let healthError: ErrorCode | null;
const limitCalls: number[] = [];

beforeEach(() => {
  vi.useFakeTimers();
  healthError = null;
  limitCalls.length = 0;
  const bridge: Bridge = {
    invoke: (async (name: CallName) => {
      if (name === 'machines.list') return { ok: true, data: machines };
      if (name === 'alarms.active') return { ok: true, data: { alarms: [], total: 0, floods: [] } };
      if (name === 'alarms.limits.get') {
        limitCalls.push(Date.now());
        return { ok: true, data: { limits: [] } };
      }
      if (name === 'health.get' && healthError) return { ok: false, error: { code: healthError, message: 'refused' } };
      return { ok: false, error: { code: 'internal', message: 'not in this test' } };
    }) as Bridge['invoke'],
    onEvent: () => () => undefined,
  };
  services = createServices(bridge, sessionTokenStore(sessionStorage), { schedule: (flush) => flush() });
});
afterEach(() => {
  stop();
  services.dispose();
  vi.useRealTimers();
});

describe('startPlantSync', () => {
  it('asks for alarm limits no faster than the host answers, and has every machine\u2019s limits at the end', async () => {
    stop = startPlantSync(services);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(limitCalls.length).toBe(machines.length);
    const perSecond = Math.max(...limitCalls.map((t) => limitCalls.filter((u) => u >= t && u < t + 1000).length));
    expect(perSecond).toBeLessThanOrEqual(LIMITS_CALLS_PER_SECOND);
    expect(Object.keys(services.limits.getState().byId)).toHaveLength(machines.length);
  });

  it('takes a refused rate for a live host: values stay current; a failed call marks them stale', async () => {
    stop = startPlantSync(services);
    await vi.advanceTimersByTimeAsync(0);
    services.live.ingest([{ machineId: 'm1', ts: Date.now(), metrics: { power: 5 } }]);
    healthError = 'rate_limited';
    await vi.advanceTimersByTimeAsync(HEALTH_POLL_MS);
    expect(services.live.sensorsOf('m1')?.get('power')?.quality).toBe('good');
    healthError = 'internal';
    await vi.advanceTimersByTimeAsync(HEALTH_POLL_MS);
    expect(services.live.sensorsOf('m1')?.get('power')?.quality).toBe('stale');
  });
});
