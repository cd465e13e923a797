import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { encodeMetrics, namesTextOf, toNamedRow, type StoredMetrics } from './metrics-codec';
import { MinuteAggregate } from './rollups';

/** What SQL over json_each gives for the same texts: the figures MinuteAggregate must reproduce. */
function bySql(texts: readonly string[]) {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE r (metrics TEXT)');
  const insert = db.prepare('INSERT INTO r VALUES (?)');
  for (const t of texts) insert.run(t);
  const rows = db
    .prepare(
      `SELECT j.key AS sensor, count(*) AS n, avg(j.value) AS avg, min(j.value) AS min, max(j.value) AS max
       FROM r, json_each(CASE WHEN json_valid(r.metrics) AND json_type(r.metrics) = 'object' THEN r.metrics ELSE '{}' END) j
       WHERE j.type IN ('integer', 'real') GROUP BY j.key ORDER BY j.key`,
    )
    .all();
  db.close();
  return rows;
}

function byAggregate(texts: readonly string[]) {
  const minute = new MinuteAggregate();
  for (const t of texts) minute.add(t);
  const rows: { sensor: string; n: number; avg: number; min: number; max: number }[] = [];
  minute.write((sensor, n, avg, min, max) => rows.push({ sensor, n, avg, min, max }));
  return rows.sort((a, b) => (a.sensor < b.sensor ? -1 : 1));
}

describe('MinuteAggregate', () => {
  it('gives the figures of SQL over the rows, bit for bit, for integers, reals, their mix and values far apart', () => {
    const texts: string[] = [];
    // A deterministic spread: counters near 1e12, reals whose naive sum loses digits, small noise.
    let x = 12345;
    const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 60; i++) {
      texts.push(
        JSON.stringify({
          temp: 60 + next() * 5,
          counter: 1_000_000_000_000 + i * 7,
          mixed: i % 3 === 0 ? i : i + 0.1,
          tiny: (next() - 0.5) * 1e-9,
          huge: i % 2 === 0 ? 1e16 : 1,
        }),
      );
    }
    expect(byAggregate(texts)).toEqual(bySql(texts));
  });

  it('counts only numbers, in rows that are JSON objects, whatever the order or set of keys', () => {
    const texts = ['{"a":1,"b":2}', '{"b":3.5,"a":-1}', '{"c":true,"a":"x","d":null,"e":[1],"f":{"g":1}}', 'not json', '[1,2]', '7', '{"b":1e300,"a":0}', '{}'];
    expect(byAggregate(texts)).toEqual(bySql(texts));
    expect(byAggregate(texts).map((r) => r.sensor)).toEqual(['a', 'b']);
  });

  it('reads packed rows in place with the figures of their JSON text, names inline or by id, and skips a blob that is not a packed row', () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ temp: 60 + i / 7, rpm: 1000 + i, ...(i % 2 === 0 && { vib: i * 0.01 }) }));
    const texts = rows.map((r) => JSON.stringify(r));
    const inline = rows.map((r) => encodeMetrics(r) as Uint8Array);
    const lists: string[][] = [];
    const byId = inline.map((v1) => {
      const names = namesTextOf(v1);
      let id = lists.findIndex((l) => l.join('\0') === names);
      if (id < 0) id = lists.push(names.split('\0')) - 1;
      return toNamedRow(v1, id, Buffer.alloc(v1.length));
    });
    const aggregate = (stored: readonly StoredMetrics[]) => {
      const minute = new MinuteAggregate();
      for (const m of stored) minute.add(m, (id) => lists[id]!);
      const out: unknown[] = [];
      minute.write((...row) => out.push(row));
      return out;
    };
    const expected = aggregate(texts);
    expect(expected).toHaveLength(3);
    expect(aggregate(inline)).toEqual(expected);
    expect(aggregate([...byId, new Uint8Array([9, 1, 0])])).toEqual(expected);
  });

  it('gives nothing for a minute without numbers', () => {
    expect(byAggregate(['{"a":"x"}', 'bad'])).toEqual([]);
  });
});
