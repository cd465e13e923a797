/**
 * Roles of bench:modbus, each in its own process:
 *  devices: DEVICES modbus-serial TCP servers on loopback, registers changing every second; prints
 *           their ports as JSON on IPC.
 *  bare:    a bare polling loop with the same library: one client per device, 100 holding
 *           registers read every second, nothing decoded or kept.
 *  console: the console's path: ModbusSource (planned reads, decoding, merged readings) into the
 *           telemetry writer (worker thread, SQLite); reports polls answered and rows stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ModbusRTU from 'modbus-serial';
import { startTestDevice } from '../../test/support/modbus-device';
import { ModbusConfigSchema } from '../../main/ingest-modbus/modbus-config';
import { ModbusSource } from '../../main/ingest-modbus/modbus-source';
import { Quarantine } from '../../main/ingest/quarantine';
import { openDatabase } from '../../main/store/open-database';
import { TelemetryWriter } from '../../main/store/telemetry-writer';
import { serveMeasurements } from './child';

const role = process.argv[2];
const REGISTERS = 100;

if (role === 'devices') {
  const count = Number(process.argv[3]);
  const devices = await Promise.all(Array.from({ length: count }, () => startTestDevice(REGISTERS)));
  let n = 0;
  setInterval(() => {
    n++;
    for (const d of devices) for (let i = 0; i < REGISTERS; i++) d.holding[i] = (n + i) & 0xffff;
  }, 1000);
  process.send!({ ports: devices.map((d) => d.port) });
} else if (role === 'bare') {
  const ports = JSON.parse(process.argv[3]!) as number[];
  let polls = 0;
  let failures = 0;
  const clients = await Promise.all(
    ports.map(async (port) => {
      const c = new ModbusRTU();
      c.setTimeout(1000);
      await c.connectTCP('127.0.0.1', { port });
      c.setID(1);
      return c;
    }),
  );
  for (const c of clients) {
    setInterval(() => {
      c.readHoldingRegisters(0, REGISTERS).then(
        () => polls++,
        () => failures++,
      );
    }, 1000);
  }
  serveMeasurements(() => ({ polls, failures }));
} else if (role === 'console') {
  const ports = JSON.parse(process.argv[3]!) as number[];
  const dir = mkdtempSync(join(tmpdir(), 'fb-bench-modbus-'));
  const dbPath = join(dir, 'store.db');
  openDatabase(dbPath).close();
  const writer = await TelemetryWriter.start({ dbPath, flushMs: 1000, retention: { rawDays: 7, minuteDays: 90, hourDays: 1825 } });
  const devices = ModbusConfigSchema.parse({
    devices: ports.map((port, i) => ({ name: `d${i}`, host: '127.0.0.1', port, machine: { id: `mb${i}` }, blocks: [{ pollMs: 1000, points: Array.from({ length: REGISTERS }, (_, a) => ({ metric: `r${a}`, address: a })) }] })),
  }).devices;
  const source = new ModbusSource({ devices, quarantine: new Quarantine(100) });
  let readings = 0;
  let stored = 0;
  source.onReadings((batch) => {
    readings += batch.length;
    writer.append(batch);
  });
  writer.onCommitted((info) => (stored += info.rows));
  source.start();
  const polls = () => source.status().reduce((n, d) => n + d.polls, 0);
  const failed = () => source.status().reduce((n, d) => n + d.failedPolls, 0);
  serveMeasurements(
    () => ({ polls: polls(), failures: failed(), readings, stored }),
    async () => {
      // every reading handed on before the end is stored: the writer commits what it holds on close
      await source.stop();
      const emitted = readings;
      await writer.close();
      const db = openDatabase(dbPath, { readonly: true });
      const rows = db.prepare('SELECT count(*) FROM readings').pluck().get() as number;
      db.close();
      rmSync(dir, { recursive: true, force: true });
      return { totalReadings: emitted, totalRowsStored: rows };
    },
  );
}
