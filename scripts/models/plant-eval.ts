/**
 * npm run models:eval:plant: the condition monitor on simulated plants with ground truth. Each seed is
 * a plant of 24+ machines over a week and more (shifts, idle and stopped periods, load steps, ambient
 * drift, missing data) with every fault kind injected after two fault-free days. Readings go through
 * the monitor and the alarm rules the runtime uses (ConditionMonitor -> conditionAlarms), batched as
 * the live tick batches them; test/integration/condition-replay.test.ts shows the live path over MQTT
 * gives the same alarms. Parameters were chosen on the tuning seeds; the figures are the held-out ones.
 *
 *   --seeds 15,16,...,20  held-out seeds (default)      --tune   the tuning seeds 1-14 instead
 *   --days 8 --machines 24 --rate 0.2                    --set key=value  override a param (tuning)
 */
import { loadModels } from '../../main/inference/model-set';
import { MODELS_DIR } from '../../main/inference/manifest';
import { ConditionMonitor } from '../../main/inference/condition/condition-monitor';
import { ConditionParamsSchema } from '../../main/inference/condition/condition-params';
import { conditionAlarms, HEALTH_LIMIT_DEFAULT } from '../../main/alarms/from-condition';
import { makeScenario } from '../../main/sim/scenario';
import type { ConditionOutput } from '../../common/contract-models';
import { DEGRADATION_KINDS, median, scorePlant, type AlarmRaise, type HealthLow, type PlantScore, type RulSample } from './plant-scoring';

/**
 * Seeds 11-14 were held out until 2026-12-07; their misses were then looked into, so they tune now
 * and 15-20 are held out (models/README.md). Seeds 21-30 tune too (`--seeds` names them); 31-36 are a
 * second held-out set, first run on 2026-12-07's last tree, and 37-42 a third, first run on 2026-12-08
 * (seed 36's remaining-life misses were looked into then, so 37-42 is the cleanest).
 */
export const TUNING_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
export const MORE_TUNING_SEEDS = [21, 22, 23, 24, 25, 26, 27, 28, 29, 30];
export const HELD_OUT_SEEDS = [15, 16, 17, 18, 19, 20];
/** Readings per flush: about what one 50 ms scoring tick holds when a backlog is replayed. */
const BATCH = 4_000;

export interface SeedRun {
  seed: number;
  score: PlantScore;
  /** Each degradation fault whose health never fell below the limit, with what the monitor was doing meanwhile. */
  healthMisses: { machineId: string; kind: string; type: string; learningShare: number; runningShare: number; peakHeatK: number | null; noiseK: number }[];
  readings: number;
  seconds: number;
}

export async function evaluateSeed(options: { seed: number; days: number; machines: number; rateHz: number; set?: Record<string, number> }): Promise<SeedRun> {
  const models = await loadModels(MODELS_DIR, ['condition']);
  const model = models.get('condition');
  if (!model.usable) throw new Error(model.status().detail);
  const params = ConditionParamsSchema.parse({ ...model.entry!.params, ...options.set });
  const scenario = makeScenario({ seed: options.seed, machines: options.machines, days: options.days, rateHz: options.rateHz });
  const monitor = new ConditionMonitor(model, params);
  const active = new Set<string>();
  const raises: AlarmRaise[] = [];
  const healthLows: HealthLow[] = [];
  const ruls: RulSample[] = [];
  const wasActive = (id: string) => active.has(id);
  const degradation = scenario.faults.filter((f) => (DEGRADATION_KINDS as readonly string[]).includes(f.kind));
  const during = new Map(degradation.map((f) => [f, { outputs: 0, learning: 0, running: 0 }]));
  const handle = (outputs: readonly ConditionOutput[]) => {
    for (const o of outputs) {
      for (const f of degradation)
        if (f.machineId === o.machineId && o.ts >= f.startTs && o.ts <= f.endTs) {
          const d = during.get(f)!;
          d.outputs++;
          if (o.phase === 'learning') d.learning++;
          if (o.operatingState === 'running') d.running++;
        }
      for (const c of conditionAlarms(o, wasActive)) {
        if (c.active) {
          active.add(c.alarmId);
          raises.push({ alarmId: c.alarmId, machineId: c.machineId, source: c.source, priority: c.priority, at: c.at });
        } else {
          active.delete(c.alarmId);
        }
      }
      if (o.health !== null && o.health < HEALTH_LIMIT_DEFAULT) healthLows.push({ machineId: o.machineId, ts: o.ts });
      if (o.rul) ruls.push({ machineId: o.machineId, ts: o.ts, ...o.rul });
    }
  };
  // How hot each overheating made its machine: a fault that came while the machine stood heats little.
  const heats = new Map<string, { startTs: number; endTs: number; peak: number }[]>();
  for (const f of degradation) if (f.kind === 'overheating') heats.set(f.machineId, [...(heats.get(f.machineId) ?? []), { startTs: f.startTs, endTs: f.endTs, peak: 0 }]);
  const peakHeat = new Map<(typeof degradation)[number], number>();
  const started = performance.now();
  let n = 0;
  for (const s of scenario.readings()) {
    for (const h of heats.get(s.machine.id) ?? [])
      if (s.ts >= h.startTs && s.ts <= h.endTs) h.peak = Math.max(h.peak, scenario.plant.operatingState(s.machine.id).faultHeatK);
    monitor.observe({ machineId: s.machine.id, ts: s.ts, metrics: s.metrics, receivedAt: s.ts });
    if (++n % BATCH === 0) handle(await monitor.flush());
  }
  handle(await monitor.flush());
  const score = scorePlant({ faults: scenario.faults, raises, healthLows, ruls, machines: options.machines, learningEndTs: scenario.learningEndTs, endTs: scenario.endTs });
  for (const f of degradation) {
    const h = heats.get(f.machineId)?.find((x) => x.startTs === f.startTs);
    if (h) peakHeat.set(f, h.peak);
  }
  const healthMisses = degradation
    .filter((f) => !healthLows.some((h) => h.machineId === f.machineId && h.ts >= f.startTs && h.ts <= f.endTs))
    .map((f) => {
      const d = during.get(f)!;
      const spec = scenario.machines.find((m) => m.id === f.machineId)?.spec;
      return {
        machineId: f.machineId,
        kind: f.kind,
        type: spec?.type ?? 'unknown',
        learningShare: d.outputs ? d.learning / d.outputs : 1,
        runningShare: d.outputs ? d.running / d.outputs : 0,
        peakHeatK: peakHeat.get(f) ?? null,
        noiseK: spec?.temperature.noise ?? Number.NaN,
      };
    });
  return { seed: options.seed, score, healthMisses, readings: n, seconds: (performance.now() - started) / 1000 };
}

const r = (x: number | null, d = 2) => (x === null ? null : Number(x.toFixed(d)));

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const tune = process.argv.includes('--tune');
  const seeds = flag('seeds')?.split(',').map(Number) ?? (tune ? TUNING_SEEDS : HELD_OUT_SEEDS);
  const days = Number(flag('days') ?? 8);
  const machines = Number(flag('machines') ?? 24);
  const rateHz = Number(flag('rate') ?? 0.2);
  const set: Record<string, number> = {};
  process.argv.forEach((a, i) => {
    if (a !== '--set') return;
    const [k, v] = (process.argv[i + 1] ?? '').split('=');
    if (!k || v === undefined || !Number.isFinite(Number(v))) throw new Error(`--set takes key=number, not ${process.argv[i + 1]}`);
    set[k] = Number(v);
  });
  // Seeds named with --seeds are held out only if none of them was used to choose the parameters.
  const tuning = [...TUNING_SEEDS, ...MORE_TUNING_SEEDS];
  const heldOut = seeds.every((s) => !tuning.includes(s));
  console.log(`plant scenarios: ${machines} machines, ${days} days at ${rateHz} Hz, seeds ${seeds.join(', ')} (${heldOut ? 'held out: parameters were chosen on seeds ' + tuning.join(', ') : 'TUNING seeds among them: not a held-out figure'})`);
  const runs: SeedRun[] = [];
  for (const seed of seeds) {
    const run = await evaluateSeed({ seed, days, machines, rateHz, set });
    runs.push(run);
    const s = run.score;
    console.log(`seed ${seed}: ${run.readings} readings in ${run.seconds.toFixed(0)} s; recall ${s.detected}/${s.faults}; false alarms ${s.falseAlarms} (${r(s.falseAlarmsPerMachineDay, 3)} per machine-day: ${JSON.stringify(s.falseBySource)}); chattering ${s.chattering}; health < 70 before the end ${s.healthBelowLimitBeforeEnd.below}/${s.healthBelowLimitBeforeEnd.faults}`);
    for (const k of s.kinds) console.log(`    ${k.kind.padEnd(13)} ${k.detected}/${k.faults}  delays ${k.delaysS.map((d) => Math.round(d)).join(', ') || '-'} s`);
    for (const e of s.rulErrors) console.log(`    bearing ${e.machineId}: true life ${e.trueHours.toFixed(1)} h; RUL error at first warning ${e.atFirstWarning === null ? 'none' : (e.atFirstWarning * 100).toFixed(0) + '%'}${e.bandHeldAtFirstWarning === null ? '' : e.bandHeldAtFirstWarning ? ' (80 % band held the truth)' : ' (80 % band missed the truth)'}, at first estimate ${e.atFirstEstimate === null ? 'none' : (e.atFirstEstimate * 100).toFixed(0) + '%'}`);
    for (const m of run.healthMisses) console.log(`    health stayed >= 70: ${m.kind} on ${m.machineId} (${m.type}); still learning for ${(m.learningShare * 100).toFixed(0)} % of the fault, running for ${(m.runningShare * 100).toFixed(0)} %${m.peakHeatK === null ? '' : `; the fault heated it by ${m.peakHeatK.toFixed(1)} K at most (noise ${m.noiseK} K)`}`);
  }
  const sum = (f: (s: PlantScore) => number) => runs.reduce((a, x) => a + f(x.score), 0);
  const faults = sum((s) => s.faults);
  const detected = sum((s) => s.detected);
  const machineDays = sum((s) => s.machineDays);
  const falseAlarms = sum((s) => s.falseAlarms);
  const kinds = new Map<string, { faults: number; detected: number; delays: number[] }>();
  for (const run of runs)
    for (const k of run.score.kinds) {
      const acc = kinds.get(k.kind) ?? kinds.set(k.kind, { faults: 0, detected: 0, delays: [] }).get(k.kind)!;
      acc.faults += k.faults;
      acc.detected += k.detected;
      acc.delays.push(...k.delaysS);
    }
  const rulAtWarning = runs.flatMap((x) => x.score.rulErrors.map((e) => e.atFirstWarning)).filter((e): e is number => e !== null);
  const rulAtFirst = runs.flatMap((x) => x.score.rulErrors.map((e) => e.atFirstEstimate)).filter((e): e is number => e !== null);
  const bearings = runs.reduce((a, x) => a + x.score.rulErrors.length, 0);
  const within = (xs: number[]) => xs.filter((e) => Math.abs(e) <= 0.3).length;
  const bands = runs.flatMap((x) => x.score.rulErrors.map((e) => e.bandHeldAtFirstWarning)).filter((b): b is boolean => b !== null);
  const health = { faults: sum((s) => s.healthBelowLimitBeforeEnd.faults), below: sum((s) => s.healthBelowLimitBeforeEnd.below) };
  const recall = faults ? detected / faults : 0;
  const perDay = falseAlarms / machineDays;
  const everyKind = [...kinds.values()].every((k) => k.detected > 0);
  console.log('');
  console.log('kind           recall   median delay');
  for (const [kind, k] of kinds) console.log(`  ${kind.padEnd(13)} ${k.detected}/${k.faults}  ${r(median(k.delays), 0) ?? '-'} s`);
  console.log(`event recall ${detected}/${faults} = ${r(recall, 3)} (target >= 0.9, every kind on some seed: ${everyKind})`);
  console.log(`false alarms ${falseAlarms} in ${r(machineDays, 1)} machine-days after learning = ${r(perDay, 3)} per machine-day (target <= 0.14)`);
  console.log(`chattering (3 raises of one alarm within a minute): ${sum((s) => s.chattering)} (target 0)`);
  console.log(`health < 70 before the end of the degradation fault: ${health.below}/${health.faults}`);
  console.log(`RUL within ±30% at the first warning: ${within(rulAtWarning)}/${bearings} (errors ${rulAtWarning.map((e) => `${(e * 100).toFixed(0)}%`).join(', ') || 'none'}); at the first estimate: ${within(rulAtFirst)}/${bearings}`);
  console.log(`the RUL's 80 % band held the true remaining life at the first warning: ${bands.filter(Boolean).length}/${bands.length}`);
  const misses = runs.flatMap((x) => x.healthMisses);
  if (misses.length) console.log(`health misses: ${misses.filter((m) => m.learningShare > 0.5).length} of ${misses.length} on machines still learning for most of the fault`);
  const pass = recall >= 0.9 && everyKind && perDay <= 0.14 && sum((s) => s.chattering) === 0 && health.below === health.faults;
  console.log(
    JSON.stringify({
      seeds,
      heldOut,
      recall: r(recall, 3),
      kinds: Object.fromEntries([...kinds].map(([k, v]) => [k, { recall: r(v.detected / v.faults, 3), medianDelayS: r(median(v.delays), 0) }])),
      falseAlarmsPerMachineDay: r(perDay, 3),
      chattering: sum((s) => s.chattering),
      healthBelowLimit: health,
      rulWithin30AtFirstWarning: { within: within(rulAtWarning), of: bearings, medianAbsError: r(median(rulAtWarning.map(Math.abs)), 3), bandHeld: bands.filter(Boolean).length },
      pass,
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: Error) => {
    console.error(`models:eval:plant: ${err.message}`);
    process.exit(1);
  });
}
