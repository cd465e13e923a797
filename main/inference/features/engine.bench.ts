/**
 * Micro-benchmark of the hot path: `node --import tsx main/inference/features/engine.bench.ts [machines] [window]`.
 * Readings are built up front so only FeatureEngine.update is timed; 8 metrics a reading, for which
 * the data path's budget is about 2 µs of features.
 */
import type { Reading } from '../../../common/telemetry';
import { FeatureEngine } from './engine';
import { cycleCount, stressIntegral } from './machine-features';

const machines = Number(process.argv[2] ?? 300);
const window = Number(process.argv[3] ?? 60);
const perMachine = 400;

const readings: Reading[] = [];
for (let k = 0; k < perMachine; k++) {
  for (let m = 0; m < machines; m++) {
    const ts = 1_700_000_000_000 + k * 1000 + m;
    readings.push({
      machineId: `machine-${m}`,
      ts,
      receivedAt: ts,
      // Parsed from JSON, as the decoder hands them over.
      metrics: JSON.parse(
        JSON.stringify({
          temperature: 60 + Math.random(),
          vibration: 2 + Math.random(),
          current: 12 + Math.random(),
          pressure: 6 + Math.random(),
          speed: 1450 + Math.random() * 10,
          torque: 80 + Math.random(),
          power: 7.5 + Math.random(),
          cycles: k,
        }),
      ) as Record<string, number>,
    });
  }
}

const makeEngine = (): FeatureEngine => new FeatureEngine({ window, machineFeatures: [cycleCount(), stressIntegral({ nominal: 2.5 })] });

// One engine throughout, so after the first round every window is full: the steady state of a live plant.
const engine = makeEngine();
const samples: number[] = [];
for (let round = 0; round < 8; round++) {
  if (round > 0) for (const r of readings) r.ts += perMachine * 1000;
  const start = performance.now();
  for (const r of readings) engine.update(r);
  samples.push(((performance.now() - start) * 1000) / readings.length);
}
const first = samples.shift()!;
samples.sort((a, b) => a - b);
console.log(
  `${readings.length} readings a round, ${machines} machines, window ${window}: ` +
    `steady state median ${samples[3]!.toFixed(3)} µs/reading (min ${samples[0]!.toFixed(3)}, max ${samples[6]!.toFixed(3)}); ` +
    `first round, windows filling ${first.toFixed(3)}`,
);
