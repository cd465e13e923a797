import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../common/contract-alarms';
import { alarmRow } from '../../../test/support/alarm-row';
import { ALARM_SOURCES } from '../../../common/contract-alarms';
import { filterAlarms, needsAck, NO_FILTER } from './alarm-filter';
import { SOURCE_LABEL } from './sources';

const alarm = alarmRow;

const machines = {
  areaOf: (id: string) => ({ m1: 'Stamping', m2: 'Baking' })[id],
  nameOf: (id: string) => ({ m1: 'Press 1', m2: 'Oven 2' })[id],
};
const ids = (list: Alarm[]) => list.map((a) => a.id);

const list = [
  alarm('old-critical', { priority: 'critical', raisedAt: 10 }),
  alarm('new-low', { priority: 'low', raisedAt: 50, machineId: 'm2', sensor: 'power' }),
  alarm('new-critical', { priority: 'critical', raisedAt: 40, state: 'active-acknowledged', ackedAt: 41 }),
  alarm('mid-medium', { priority: 'medium', raisedAt: 30, message: 'Oil pressure low', sensor: 'oil' }),
];

describe('alarm summary filter', () => {
  it('sorts by priority then newest, or newest first', () => {
    expect(ids(filterAlarms(list, NO_FILTER, machines))).toEqual(['new-critical', 'old-critical', 'mid-medium', 'new-low']);
    expect(ids(filterAlarms(list, { ...NO_FILTER, sort: 'time' }, machines))).toEqual(['new-low', 'new-critical', 'mid-medium', 'old-critical']);
  });

  it('filters by priority, state and area', () => {
    expect(ids(filterAlarms(list, { ...NO_FILTER, priorities: ['low', 'medium'] }, machines))).toEqual(['mid-medium', 'new-low']);
    expect(ids(filterAlarms(list, { ...NO_FILTER, state: 'active-acknowledged' }, machines))).toEqual(['new-critical']);
    expect(ids(filterAlarms(list, { ...NO_FILTER, area: 'Baking' }, machines))).toEqual(['new-low']);
  });

  it('filters by source, the condition monitor\'s communication and sensor alarms included, each with a label', () => {
    const sourced = [alarm('lim'), alarm('comm', { source: 'communication', sensor: null }), alarm('stuck', { source: 'sensor' })];
    expect(ids(filterAlarms(sourced, { ...NO_FILTER, source: 'communication' }, machines))).toEqual(['comm']);
    expect(ids(filterAlarms(sourced, { ...NO_FILTER, source: 'sensor' }, machines))).toEqual(['stuck']);
    expect(ids(filterAlarms(sourced, { ...NO_FILTER, source: 'limit' }, machines))).toEqual(['lim']);
    expect(SOURCE_LABEL.communication).toBe('communication lost');
    expect(SOURCE_LABEL.sensor).toBe('sensor fault');
    for (const source of ALARM_SOURCES) expect(SOURCE_LABEL[source]).toMatch(/\w/);
  });

  it('searches id, machine id and name, sensor and message, ignoring case', () => {
    expect(ids(filterAlarms(list, { ...NO_FILTER, search: 'OVEN 2' }, machines))).toEqual(['new-low']);
    expect(ids(filterAlarms(list, { ...NO_FILTER, search: ' pressure ' }, machines))).toEqual(['mid-medium']);
    expect(ids(filterAlarms(list, { ...NO_FILTER, search: 'power' }, machines))).toEqual(['new-low']);
    expect(filterAlarms(list, { ...NO_FILTER, search: 'nothing like it' }, machines)).toEqual([]);
  });

  it('knows which states still owe an acknowledgement', () => {
    expect(needsAck(alarm('a'))).toBe(true);
    expect(needsAck(alarm('b', { state: 'returned-to-normal-unacknowledged' }))).toBe(true);
    expect(needsAck(alarm('c', { state: 'active-acknowledged' }))).toBe(false);
    expect(needsAck(alarm('d', { state: 'latched', ackedAt: null }))).toBe(true);
    expect(needsAck(alarm('e', { state: 'latched', ackedAt: 5 }))).toBe(false);
  });
});
