import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

const HEIGHT = 120;

/** A small chart of the health score (0–100) over time; drawn only with two points or more. */
export function HealthChart({ points, utc }: { points: readonly { ts: number; health: number }[]; utc: boolean }) {
  const target = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = target.current;
    if (!el) return;
    const font = '11px system-ui, sans-serif';
    const axis = { font, stroke: 'currentColor', grid: { stroke: 'rgba(0,0,0,0.12)', width: 1 }, ticks: { stroke: 'rgba(0,0,0,0.25)', width: 1 } };
    plot.current = new uPlot(
      {
        width: Math.max(200, el.clientWidth || 400),
        height: HEIGHT,
        ms: 1,
        tzDate: utc ? (ts) => uPlot.tzDate(new Date(ts), 'Etc/UTC') : (ts) => new Date(ts),
        scales: { x: { time: true }, y: { range: [0, 100] } },
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        axes: [axis, { ...axis, size: 40 }],
        series: [{}, { label: 'health', stroke: '#27496d', width: 1.5 }],
      },
      [[], []],
      el,
    );
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [utc]);

  useEffect(() => {
    plot.current?.setData([points.map((p) => p.ts), points.map((p) => p.health)]);
  }, [points, utc]);

  return <div className="health-chart" ref={target} data-testid="health-chart" data-points={points.length} />;
}
