/**
 * npm run bench:demo-day — one day of the built-in demo plant (24 machines, seed 7, its default fault
 * rate) published at 120x into the headless host over Debian's mosquitto, as a new user would run
 * `simulate` into `serve --broker`. Afterwards every alarm raise in the journal is set beside the
 * faults the simulator injected (the same plant stepped again in this process: it is deterministic):
 *   - explained: a plant alarm on a machine with a fault active from 2 minutes before the raise until
 *     30 minutes after the fault (or its repair) ended;
 *   - unexplained: every other plant alarm (the limit is one per machine-day);
 *   - system: the host's own alarms (ingest latency, disk...), counted apart: they speak of the
 *     machine the bench runs on, not of the plant;
 *   - chatter (EEMUA 191): three or more raises of one alarm within a minute of event time (limit 0).
 *
 *   -- --speed 120 --hours 24 --seed 7 --machines 24
 *
 * The last line is one JSON object with the figures and `pass`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Plant, type ActiveFault } from '../main/sim/plant';
import { runSimulator } from '../main/sim/simulate';
import { ConfigSchema } from '../main/config';
import { RUNTIME_V8_FLAGS } from '../main/v8-flags';
import { spawnCli } from '../test/support/cli';
import { startMosquitto } from '../test/support/mosquitto';

const { values } = parseArgs({ options: { speed: { type: 'string' }, hours: { type: 'string' }, seed: { type: 'string' }, machines: { type: 'string' } } });
const defaults = ConfigSchema.parse({}).simulator;
const SPEED = Number(values.speed ?? 120);
const HOURS = Number(values.hours ?? 24);
const SEED = Number(values.seed ?? defaults.seed);
const MACHINES = Number(values.machines ?? defaults.machines);
const BEFORE_MS = 2 * 60_000;
const AFTER_MS = 30 * 60_000;
/** A host that has taken a day of readings closes its store before it exits; SIGKILL only past this. */
const SERVE_STOP_GRACE_MS = 5 * 60_000;

interface JournalRow {
  at: number;
  alarm_id: string;
  machine_id: string | null;
  source: string;
  sensor: string | null;
  priority: string;
  action: string;
  message: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The faults the simulator injects over the run: the same plant, stepped alone. */
function injectedFaults(startTs: number, ticks: number): ActiveFault[] {
  const plant = new Plant({ machines: MACHINES, seed: SEED, faultsPerMachinePerDay: defaults.faultsPerMachinePerDay });
  const seen = new Map<string, ActiveFault>();
  for (let k = 0; k < ticks; k++) {
    plant.step(startTs + k * 1000);
    for (const f of plant.activeFaults()) seen.set(`${f.machineId}:${f.kind}:${f.startTs}`, f);
  }
  return [...seen.values()];
}

const mosquitto = await startMosquitto();
const dataDir = mkdtempSync(join(tmpdir(), 'fb-demo-day-'));
// The plant's shifts follow its local clock and weekday, so a start at the wall clock would make every
// run a different plant day; the day starts at this Monday's midnight (UTC) instead, the same in every run.
const startTs = Date.parse('2026-11-30T00:00:00Z');
const ticks = Math.round(HOURS * 3600);
try {
  const serve = spawnCli(['serve', '--port', '0', '--data-dir', dataDir, '--broker', mosquitto.url], { nodeFlags: RUNTIME_V8_FLAGS });
  for (let waited = 0; !/broker .*: connected/.test(serve.output); waited += 200) {
    if (waited > 120_000 || serve.child.exitCode !== null) throw new Error(`the host did not connect to the broker:\n${serve.output}`);
    await sleep(200);
  }
  console.log(`demo plant: ${MACHINES} machines, seed ${SEED}, ${defaults.faultsPerMachinePerDay} faults per machine-day, ${HOURS} h of event time at ${SPEED}x into serve --broker ${mosquitto.url}`);
  const wall0 = Date.now();
  const sim = await runSimulator({ brokerUrl: mosquitto.url, machines: MACHINES, rateHz: 1, speed: SPEED, faultsPerMachinePerDay: defaults.faultsPerMachinePerDay, seed: SEED, site: defaults.site, durationS: HOURS * 3600, startTs });
  await sim.done;
  await sim.stop();
  console.log(`published ${sim.stats().messages.toLocaleString('en-US')} messages in ${((Date.now() - wall0) / 60_000).toFixed(1)} min`);
  // The host judges the last readings, then stops as an operator's Ctrl-C stops it.
  await sleep(20_000);
  await serve.stop('SIGINT', SERVE_STOP_GRACE_MS);
  const exported = join(dataDir, 'alarm-events.json');
  const exp = spawnCli(['export', 'alarm-events', '--format', 'json', '--data-dir', dataDir, '--out', exported]);
  if ((await exp.exited) !== 0) throw new Error(`export alarm-events failed: ${exp.output}`);
  const journal = (JSON.parse(readFileSync(exported, 'utf8')) as JournalRow[]).filter((r) => r.action === 'activate');
  const faults = injectedFaults(startTs, ticks);

  const explainedBy = (r: JournalRow) =>
    faults.find((f) => r.machine_id?.endsWith(`/${f.machineId}`) && r.at >= f.startTs - BEFORE_MS && r.at <= (f.repairEndTs ?? f.endTs) + AFTER_MS);
  const system = journal.filter((r) => r.source === 'system');
  const plant = journal.filter((r) => r.source !== 'system');
  const unexplained = plant.filter((r) => !explainedBy(r));
  const bySourcePriority: Record<string, number> = {};
  for (const r of journal) bySourcePriority[`${r.source}/${r.priority}`] = (bySourcePriority[`${r.source}/${r.priority}`] ?? 0) + 1;
  let chattering = 0;
  const raisesOf = new Map<string, number[]>();
  for (const r of journal) raisesOf.set(r.alarm_id, [...(raisesOf.get(r.alarm_id) ?? []), r.at]);
  for (const times of raisesOf.values()) if (times.some((t, i) => i >= 2 && t - times[i - 2]! <= 60_000)) chattering++;
  const detected = faults.filter((f) => plant.some((r) => explainedBy(r) === f));

  const hours = (ts: number) => `${((ts - startTs) / 3_600_000).toFixed(2)} h`;
  console.log(`injected faults: ${faults.length}; raised on: ${detected.length}`);
  for (const f of faults) console.log(`  ${hours(f.startTs)}-${hours(f.endTs)} ${f.machineId} ${f.kind}${detected.includes(f) ? '' : '  (no alarm)'}`);
  console.log(`alarm raises: ${journal.length} (${Object.entries(bySourcePriority).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  for (const r of plant) console.log(`  ${hours(r.at)} ${r.machine_id} ${r.source} ${r.priority}: ${r.message ?? ''}${explainedBy(r) ? '' : '  <- unexplained'}`);
  for (const r of system) console.log(`  ${hours(r.at)} system ${r.priority}: ${r.message ?? ''}`);
  const machineDays = (MACHINES * HOURS) / 24;
  console.log(`unexplained plant alarms: ${unexplained.length} = ${(unexplained.length / machineDays).toFixed(2)} per machine-day (limit 1); chattering alarms: ${chattering} (limit 0); host's own alarms: ${system.length}`);
  console.log(
    JSON.stringify({
      bench: 'demo-day',
      machines: MACHINES,
      hours: HOURS,
      seed: SEED,
      speed: SPEED,
      faults: faults.length,
      faults_raised_on: detected.length,
      raises: journal.length,
      by_source_priority: bySourcePriority,
      explained: plant.length - unexplained.length,
      unexplained: unexplained.length,
      unexplained_per_machine_day: Number((unexplained.length / machineDays).toFixed(3)),
      system: system.length,
      chattering,
      pass: unexplained.length / machineDays <= 1 && chattering === 0,
    }),
  );
} finally {
  mosquitto.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
