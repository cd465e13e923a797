import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { drawLevelLines } from '../trend/level-lines';

export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  kind?: 'line' | 'bars';
  /** Unit for the legend; also the y axis label when every series shares it. */
  unit?: string;
}

/** A reference level drawn across the plot: an EEMUA band, a baseline. */
export interface ChartLevel {
  value: number;
  label: string;
}

/** A span of x shaded behind the data, darker for a larger `weight` (0..1): tariff bands. */
export interface ChartSpan {
  from: number;
  to: number;
  label: string;
  weight: number;
}

interface Props {
  title: string;
  testId: string;
  x: readonly number[];
  series: ChartSeries[];
  levels?: ChartLevel[];
  spans?: ChartSpan[];
  height?: number;
  /** Tick labels for x: times by default, or category names (bars by machine). */
  categories?: readonly string[];
}

/** ISA-101 grey: the data in one muted pen family; colour stays for alarms. */
const PENS = ['#27496d', '#5c7c99', '#8a9fb3', '#3d3d3d', '#7a6a4f'];
const FILLS = ['rgba(39,73,109,0.55)', 'rgba(92,124,153,0.55)', 'rgba(138,159,179,0.55)', 'rgba(61,61,61,0.45)', 'rgba(122,106,79,0.45)'];

/** A static uPlot chart (history, not live data): lines or bars, with optional reference levels. */
export function Chart({ title, testId, x, series, levels = [], spans = [], height = 240, categories }: Props) {
  const target = useRef<HTMLDivElement>(null);
  const empty = x.length === 0;
  const key = JSON.stringify([x, series, levels, spans, categories]);

  useEffect(() => {
    const element = target.current;
    if (!element || empty) return;
    const fontPx = Math.round(parseFloat(getComputedStyle(element).fontSize) * 0.85) || 12;
    const font = `${fontPx}px system-ui, sans-serif`;
    const units = new Set(series.map((s) => s.unit ?? ''));
    const axis = { font, stroke: 'currentColor', grid: { stroke: 'rgba(0,0,0,0.12)', width: 1 }, ticks: { stroke: 'rgba(0,0,0,0.25)', width: 1 } };
    const bars = uPlot.paths.bars!({ size: [0.7 / Math.max(1, series.filter((s) => s.kind === 'bars').length), 60] });
    const xs = categories ? categories.map((_, i) => i) : [...x];
    const options: uPlot.Options = {
      width: Math.max(240, element.clientWidth),
      height,
      ms: 1,
      scales: { x: categories ? { time: false } : { time: true } },
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      axes: [
        categories ? { ...axis, values: (_u, ticks) => ticks.map((t) => categories[t] ?? ''), size: fontPx * 3 } : { ...axis, size: fontPx * 3.5 },
        { ...axis, size: fontPx * 5, ...(units.size === 1 && [...units][0] ? { label: [...units][0], labelFont: font, labelSize: fontPx * 1.4 } : {}) },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.unit ? `${s.label} (${s.unit})` : s.label,
          stroke: PENS[i % PENS.length],
          width: s.kind === 'bars' ? 1 : 2,
          ...(s.kind === 'bars' ? { paths: bars, fill: FILLS[i % FILLS.length], points: { show: false } } : {}),
        })),
      ],
      hooks: {
        drawClear: [
          (u) => {
            if (spans.length === 0) return;
            const ctx = u.ctx;
            const { top, height: h } = u.bbox;
            ctx.save();
            ctx.font = `${Math.round(fontPx * uPlot.pxRatio)}px sans-serif`;
            ctx.textAlign = 'left';
            ctx.textBaseline = 'top';
            for (const span of spans) {
              const x0 = u.valToPos(span.from, 'x', true);
              const x1 = u.valToPos(span.to, 'x', true);
              if (!Number.isFinite(x0) || !Number.isFinite(x1)) continue;
              ctx.fillStyle = `rgba(0,0,0,${(0.04 + 0.14 * Math.min(1, Math.max(0, span.weight))).toFixed(3)})`;
              ctx.fillRect(x0, top, x1 - x0, h);
              ctx.fillStyle = '#4a4a4a';
              ctx.fillText(span.label, x0 + 3 * uPlot.pxRatio, top + 2 * uPlot.pxRatio);
            }
            ctx.restore();
          },
        ],
        draw: [
          // uPlot leaves the axis labels' right alignment on the context
          (u) => drawLevelLines(u, levels, { pen: '#141414', fontPx, alignLeft: true }),
        ],
      },
    };
    // Reference levels are in view even when the data stays far below them.
    const top = Math.max(0, ...levels.map((l) => l.value));
    if (levels.length > 0) options.scales = { ...options.scales, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(max, top * 1.15)] } };
    const data = [xs, ...series.map((s) => [...s.values])] as uPlot.AlignedData;
    const plot = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(240, element.clientWidth), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
    // `key` stands for the data: new arrays with the same figures must not rebuild the chart.
  }, [key, height, empty]);

  return (
    <figure className="chart" data-testid={testId} data-points={x.length}>
      <figcaption className="chart-title">{title}</figcaption>
      {empty ? <p className="hint">No data for this range yet.</p> : <div ref={target} className="chart-plot" />}
    </figure>
  );
}
