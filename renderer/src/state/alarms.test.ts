import { describe, expect, it } from 'vitest';
import { alarmRow } from '../../../test/support/alarm-row';
import { countByPriority, createAlarmsStore, sortAlarms, topPriorityByMachine } from './alarms';

const alarm = alarmRow;

describe('alarms store', () => {
  it('keeps alarms an operator must see and drops those that went back to normal or were shelved', () => {
    const store = createAlarmsStore();
    store.getState().replace([alarm('a'), alarm('b', { state: 'shelved' })]);
    expect(Object.keys(store.getState().byId)).toEqual(['a']);
    store.getState().received([alarm('a', { state: 'normal' }), alarm('c', { state: 'latched' })]);
    expect(Object.keys(store.getState().byId)).toEqual(['c']);
  });

  it('counts an interruption only for a new critical or high alarm', () => {
    const store = createAlarmsStore();
    store.getState().received([alarm('a', { priority: 'medium' })]);
    store.getState().received([alarm('b', { priority: 'high' })]);
    store.getState().received([alarm('b', { priority: 'high', updatedAt: 2 })]);
    store.getState().received([alarm('b', { priority: 'high', state: 'active-acknowledged' })]);
    store.getState().received([alarm('c', { priority: 'critical' })]);
    expect(store.getState().interruptions).toBe(2);
  });

  it('sorts by priority then newest, and finds the top priority per machine', () => {
    const list = [alarm('low', { priority: 'low', raisedAt: 9 }), alarm('old', { priority: 'high', raisedAt: 1 }), alarm('new', { priority: 'high', raisedAt: 5, machineId: 'm2' })];
    expect(sortAlarms(list).map((a) => a.id)).toEqual(['new', 'old', 'low']);
    const byId = Object.fromEntries(list.map((a) => [a.id, a]));
    expect(topPriorityByMachine(byId)).toEqual(new Map([['m1', 'high'], ['m2', 'high']]));
    expect(countByPriority(byId)).toMatchObject({ high: 2, low: 1, critical: 0 });
  });
});
