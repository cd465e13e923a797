/**
 * npm run bench:modbus — DEVICES (50) Modbus TCP devices x 100 holding registers polled at 1 Hz, the
 * devices in a process of their own (modbus-serial's server on loopback). In alternating pairs
 * (default 3), each measured for --seconds (default 30) after 5 s of warm-up, in processes of their own:
 *  - a bare polling loop with the same library (the limit this host sets);
 *  - the console's path: ModbusSource into the telemetry writer (SQLite, worker thread).
 * Targets: every poll stored (each answered poll is one stored row), CPU <= 2x the bare loop's
 * (median pair). The last line is one JSON object.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { arg, measureChild, median, type Window } from './fieldbus/child';

const DEVICES = arg('devices', 50);
const SECONDS = arg('seconds', 30);
const PAIRS = arg('pairs', 3);
const roles = join(import.meta.dirname, 'fieldbus/modbus-roles.ts');

const devices = fork(roles, ['devices', String(DEVICES)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const ports = await new Promise<number[]>((resolve) => devices.once('message', (m) => resolve((m as { ports: number[] }).ports)));
try {
  const bare: Window[] = [];
  const ours: Window[] = [];
  for (let p = 0; p < PAIRS; p++) {
    bare.push(await measureChild(roles, ['bare', JSON.stringify(ports)], 5, SECONDS));
    ours.push(await measureChild(roles, ['console', JSON.stringify(ports)], 5, SECONDS));
  }
  const ratios = ours.map((o, i) => o.cpuPct / bare[i]!.cpuPct);
  const ratio = median(ratios);
  const expectedPolls = DEVICES * SECONDS;
  for (let i = 0; i < PAIRS; i++) {
    const b = bare[i]!;
    const o = ours[i]!;
    console.log(`pair ${i + 1}: bare loop ${b.cpuPct.toFixed(1)}% CPU (${b.counters['polls']} polls), console ${o.cpuPct.toFixed(1)}% CPU (${o.counters['polls']} polls answered, ${o.counters['failures']} failed, ${o.counters['stored']} rows committed in the window) = ${ratios[i]!.toFixed(2)}x`);
  }
  const lost = ours.map((o) => o.counters['totalReadings']! - o.counters['totalRowsStored']!);
  const allStored = lost.every((n) => n === 0);
  const pollRate = median(ours.map((o) => o.counters['polls']! / expectedPolls));
  console.log(`modbus: ${DEVICES} devices x 100 registers at 1 Hz; polls answered ${(pollRate * 100).toFixed(1)}% of ${expectedPolls} due in the window (median run)`);
  console.log(`  every poll stored: readings handed on minus rows in the store at the end ${lost.join(' / ')}   (target 0: ${allStored ? 'met' : 'NOT met'})`);
  console.log(`  CPU: console ${median(ours.map((o) => o.cpuPct)).toFixed(1)}% vs bare loop ${median(bare.map((b) => b.cpuPct)).toFixed(1)}% of one core, median pair ratio ${ratio.toFixed(2)}x   (target <= 2x: ${ratio <= 2 ? 'met' : 'NOT met'})`);
  const pass = allStored && ratio <= 2 && pollRate >= 0.99;
  console.log(JSON.stringify({ bench: 'modbus', devices: DEVICES, registers: 100, seconds: SECONDS, consoleCpuPct: +median(ours.map((o) => o.cpuPct)).toFixed(2), bareCpuPct: +median(bare.map((b) => b.cpuPct)).toFixed(2), cpuRatios: ratios.map((r) => +r.toFixed(3)), cpuRatio: +ratio.toFixed(3), pollsAnsweredRatio: +pollRate.toFixed(4), notStored: lost, pass }));
} finally {
  devices.kill('SIGTERM');
}
