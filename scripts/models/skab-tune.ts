/**
 * Chooses the anomaly detector's parameters on the declared tuning subset, SKAB valve1 only: every
 * combination of the grid is streamed through ModelStage (as models:eval does) and the verdict rule
 * (confirm: readings in a row above the threshold before an episode opens; release: the fraction of
 * the threshold the score must fall under to close it) is applied to the scores. The best valve1 F1
 * with valve1 FAR <= 5% wins. valve2 and other are never scored here (pass another folder prefix as
 * the first argument only to look, not to choose). `release` is the detector's `release` param;
 * `confirm` is only simulated here (the detector has no such param: confirm > 1 never won).
 *
 *   node --import tsx scripts/models/skab-tune.ts
 */
import { MODELS_DIR } from '../../main/inference/manifest';
import { loadModels } from '../../main/inference/model-set';
import { detectFile, readSkab, SKAB_TRAIN_ROWS, skabFiles } from './skab-eval';

const GRID = { shortWindow: [15, 30], factor: [3, 3.5, 4, 4.5, 5], confirm: [1, 3, 5], release: [1, 0.7, 0.6, 0.5, 0.4] };

async function main() {
  const models = await loadModels(MODELS_DIR, ['anomaly']);
  const entry = models.get('anomaly').entry!;
  const base = entry.params as Record<string, number>;
  const files = skabFiles().filter((f) => f.name.startsWith(process.argv[2] ?? 'valve1/'));
  const results: { key: string; f1: number; farPct: number }[] = [];
  for (const shortWindow of GRID.shortWindow)
    for (const factor of GRID.factor) {
      entry.params = { ...base, shortWindow, factor, confirm: 1, release: 1 };
      const series: { ratio: number[]; truth: number[] }[] = [];
      for (const file of files) {
        const rows = readSkab(file, `skab/${file.name}`);
        const out = new Map((await detectFile(models, rows)).map((o) => [o.ts, o.score !== null && o.threshold ? o.score / o.threshold : 0]));
        let last = 0;
        const ratio = rows.readings.map((r) => (last = out.get(r.ts) ?? last));
        series.push({ ratio: ratio.slice(SKAB_TRAIN_ROWS), truth: rows.anomaly.slice(SKAB_TRAIN_ROWS) });
      }
      for (const confirm of GRID.confirm)
        for (const release of GRID.release) {
          let tp = 0;
          let fp = 0;
          let fn = 0;
          let tn = 0;
          for (const s of series) {
            let run = 0;
            let on = false;
            s.ratio.forEach((r, i) => {
              run = r > 1 ? run + 1 : 0;
              if (!on && run >= confirm) on = true;
              else if (on && r <= release) on = false;
              const t = s.truth[i] === 1;
              if (on && t) tp++;
              else if (on) fp++;
              else if (t) fn++;
              else tn++;
            });
          }
          const key = `short ${shortWindow} factor ${factor} confirm ${confirm} release ${release}`;
          results.push({ key, f1: tp / (tp + (fp + fn) / 2), farPct: (100 * fp) / (fp + tn) });
          console.log(`${key}: F1 ${results.at(-1)!.f1.toFixed(3)} FAR ${results.at(-1)!.farPct.toFixed(2)}%`);
        }
    }
  const ok = results.filter((r) => r.farPct <= 5).sort((a, b) => b.f1 - a.f1);
  console.log(JSON.stringify({ best: ok.slice(0, 5) }));
}

await main();
