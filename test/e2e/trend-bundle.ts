/** The renderer's TrendChart bundled on its own, so a page can time it without a host or a login. */
import { build, type Rollup } from 'vite';

const entry = new URL('../../renderer/src/trend/trend-chart.ts', import.meta.url).pathname;

export async function trendChartBundle(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: true, lib: { entry, formats: ['iife'], name: 'FactoryBrainTrend', fileName: 'trend' } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((o): o is Rollup.OutputChunk => o.type === 'chunk');
  if (!chunk) throw new Error('vite produced no chunk for the trend chart');
  return chunk.code;
}
