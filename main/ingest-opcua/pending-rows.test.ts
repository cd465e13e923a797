import { describe, expect, it } from 'vitest';
import { PendingRows } from './pending-rows';

const T = 1_765_000_000_000;

function publish(rows: PendingRows, changes: [string, number, string, number][]) {
  for (const [machine, ts, metric, value] of changes) rows.add(machine, ts, metric, value);
  return rows.take(T + 5000).map((r) => [r.machineId, r.ts, r.metrics, Object.keys(r.metrics)]);
}

describe('PendingRows', () => {
  it('gives each machine and source time one reading, the same whether its names repeat, change or come twice', () => {
    const rows = new PendingRows();
    // first, second and third time the same names: the third reading is built from the machine's template
    for (let i = 0; i < 3; i++) {
      const ts = T + i * 1000;
      expect(publish(rows, [['m', ts, 'temp', i], ['m', ts, 'rpm', 10 + i], ['n', ts, 'temp', -i]])).toEqual([
        ['m', ts, { temp: i, rpm: 10 + i }, ['temp', 'rpm']],
        ['n', ts, { temp: -i }, ['temp']],
      ]);
    }
    // a subset, then the full set again: nothing of the template leaks into the subset
    expect(publish(rows, [['m', T + 3000, 'rpm', 7]])).toEqual([['m', T + 3000, { rpm: 7 }, ['rpm']]]);
    expect(publish(rows, [['m', T + 4000, 'temp', 1], ['m', T + 4000, 'rpm', 2]])).toEqual([['m', T + 4000, { temp: 1, rpm: 2 }, ['temp', 'rpm']]]);
    // an item twice in one row keeps its last value, with and without a template
    for (let i = 5; i < 8; i++) {
      const ts = T + i * 1000;
      expect(publish(rows, [['m', ts, 'temp', 1], ['m', ts, 'temp', 2]])).toEqual([['m', ts, { temp: 2 }, ['temp']]]);
    }
  });

  it('keeps names that are not plain identifiers as they are', () => {
    const rows = new PendingRows();
    for (let i = 0; i < 3; i++) {
      const ts = T + i * 1000;
      expect(publish(rows, [['m', ts, 'a "quoted"\\name', i], ['m', ts, '2', i + 1], ['m', ts, 'ünit °C', i + 2]])).toEqual([
        ['m', ts, { 'a "quoted"\\name': i, '2': i + 1, 'ünit °C': i + 2 }, ['2', 'a "quoted"\\name', 'ünit °C']],
      ]);
    }
  });

  it('hands a machine\u2019s readings of several source times on in time order, each at a time of its own', () => {
    const rows = new PendingRows();
    expect(publish(rows, [['m', T + 1000, 'a', 2], ['m', T, 'a', 1], ['m', T + 1000, 'b', 3]]).map((r) => [r[1], r[2]])).toEqual([
      [T, { a: 1 }],
      [T + 1000, { a: 2, b: 3 }],
    ]);
    // the same source time in a later response takes the next free millisecond
    expect(publish(rows, [['m', T, 'a', 4]]).map((r) => r[1])).toEqual([T + 1]);
  });
});
