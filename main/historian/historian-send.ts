/**
 * One batch into PostgreSQL in one transaction together with its new positions, so that the
 * historian's positions never run ahead of its rows. Everything is inserted ON CONFLICT DO NOTHING
 * (rollups and quality marks: the newer one wins), so a batch sent twice lands once.
 */
import type pg from 'pg';
import type { Batch } from './historian-batch';

export interface SendCounts {
  /** Readings and rollups the database took. */
  inserted: number;
  /** Readings and rollups sent. */
  sent: number;
  /** Journal events the database took. */
  events: number;
  /** Journal events it already had. */
  journalDuplicates: number;
  /** Quality marks the database took or changed (a mark replaced locally), and those it already had as sent. */
  marks: number;
  markDuplicates: number;
  models: number;
}

export async function sendBatch(client: pg.Client, batch: Batch, site: string, console: string, resolution: string): Promise<SendCounts> {
  await client.query('BEGIN');
  try {
    let inserted = 0;
    let sent = 0;
    if (batch.ts.length > 0) {
      const res = await client.query(
        `INSERT INTO fb_readings (site, console, machine_id, sensor, ts, value)
         SELECT $1, $2, m, s, to_timestamp(t / 1000.0), v FROM unnest($3::text[], $4::text[], $5::float8[], $6::float8[]) AS u(m, s, t, v)
         ON CONFLICT DO NOTHING`,
        [site, console, batch.machines, batch.sensors, batch.ts, batch.values],
      );
      inserted += res.rowCount ?? 0;
      sent += batch.ts.length;
    }
    const r = batch.rollups;
    if (r.bucket.length > 0) {
      // a late reading rewrites its bucket locally; the newer aggregate wins here too
      const res = await client.query(
        `INSERT INTO fb_rollups (site, console, machine_id, sensor, resolution, bucket, n, avg, min, max)
         SELECT $1, $2, m, s, $3, to_timestamp(b / 1000.0), n, a, lo, hi FROM unnest($4::text[], $5::text[], $6::float8[], $7::int[], $8::float8[], $9::float8[], $10::float8[]) AS u(m, s, b, n, a, lo, hi)
         ON CONFLICT (site, console, machine_id, sensor, resolution, bucket) DO UPDATE SET n = excluded.n, avg = excluded.avg, min = excluded.min, max = excluded.max`,
        [site, console, resolution, r.machine, r.sensor, r.bucket, r.n, r.avg, r.min, r.max],
      );
      inserted += res.rowCount ?? 0;
      sent += r.bucket.length;
    }
    const m = batch.marks;
    let marks = 0;
    if (m.ts.length > 0) {
      const res = await client.query(
        `INSERT INTO fb_reading_marks (site, console, machine_id, sensor, ts, quality, status, value)
         SELECT $1, $2, m, s, to_timestamp(t / 1000.0), q, st, v FROM unnest($3::text[], $4::text[], $5::float8[], $6::text[], $7::text[], $8::float8[]) AS u(m, s, t, q, st, v)
         ON CONFLICT (site, console, machine_id, sensor, ts) DO UPDATE SET quality = excluded.quality, status = excluded.status, value = excluded.value
         WHERE (fb_reading_marks.quality, fb_reading_marks.status, fb_reading_marks.value) IS DISTINCT FROM (excluded.quality, excluded.status, excluded.value)`,
        [site, console, m.machine, m.sensor, m.ts, m.quality, m.status, m.value],
      );
      marks = res.rowCount ?? 0;
    }
    let events = 0;
    if (batch.journal.length > 0) {
      const res = await client.query(
        `INSERT INTO fb_alarm_events (site, console, event_id, seq, alarm_id, machine_id, source, sensor, priority, at, action, from_state, to_state, active, username, origin_console, note, message, value, limit_value)
         SELECT $1, $2, event_id, seq, alarm_id, machine_id, source, sensor, priority, to_timestamp(at / 1000.0), action, from_state, to_state, active, username, console, note, message, value, limit_value
         FROM jsonb_to_recordset($3::jsonb) AS j(event_id text, seq bigint, alarm_id text, machine_id text, source text, sensor text, priority text, at float8, action text, from_state text, to_state text, active boolean, username text, console text, note text, message text, value float8, limit_value float8)
         ON CONFLICT DO NOTHING`,
        [site, console, JSON.stringify(batch.journal)],
      );
      events = res.rowCount ?? 0;
    }
    let models = 0;
    if (batch.models.length > 0) {
      const res = await client.query(
        `INSERT INTO fb_model_outputs (site, console, machine_id, model, ts, state, output)
         SELECT $1, $2, machine_id, model, to_timestamp(ts / 1000.0), state, output FROM jsonb_to_recordset($3::jsonb) AS j(machine_id text, model text, ts float8, state text, output jsonb)
         ON CONFLICT DO NOTHING`,
        [site, console, JSON.stringify(batch.models)],
      );
      models = res.rowCount ?? 0;
    }
    const streams: string[] = [];
    const keys: string[] = [];
    const positions: number[] = [];
    for (const [stream, byKey] of batch.cursors) {
      for (const [key, position] of byKey) {
        if (!Number.isFinite(position)) continue;
        streams.push(stream);
        keys.push(key);
        positions.push(position);
      }
    }
    await client.query(
      `INSERT INTO fb_forward_cursors (site, console, stream, key, position, updated_at)
       SELECT $1, $2, s, k, p, now() FROM unnest($3::text[], $4::text[], $5::int8[]) AS u(s, k, p)
       ON CONFLICT (site, console, stream, key) DO UPDATE SET position = GREATEST(fb_forward_cursors.position, excluded.position), updated_at = now()`,
      [site, console, streams, keys, positions],
    );
    await client.query('COMMIT');
    return { inserted, sent, events, journalDuplicates: batch.journal.length - events, marks, markDuplicates: m.ts.length - marks, models };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
