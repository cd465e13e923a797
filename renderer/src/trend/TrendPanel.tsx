import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { Resolution } from '../../../common/contract';
import { useServices } from '../app/services-context';
import { worse } from '../plant/sensor-view';
import type { LiveSensor, Quality } from '../state/live-telemetry';
import { describeFailure } from '../transport/client';
import { TrendChart, type LimitLine, type ViewRange } from './trend-chart';

interface Props {
  machineId: string;
  sensors: string[];
  title: string;
  /** Span shown while following live data, ms. */
  rangeMs: number;
  limits?: LimitLine[];
  height?: number;
}

const STEP_MS: Record<Resolution, number> = { raw: 1_000, '1m': 60_000, '1h': 3_600_000 };
const RESOLUTION_LABEL: Record<Resolution, string> = { raw: 'raw', '1m': '1 min avg', '1h': '1 h avg' };
const REFETCH_DELAY_MS = 250;
/** Points asked per screen pixel: enough for a raw hour on a desk screen, few enough to stay fast. */
const POINTS_PER_PIXEL = 4;

/**
 * A trend for one machine: history from readings.history (the store picks raw or a rollup by the
 * points the chart can show), then live readings straight from the telemetry tap into uPlot.
 * React only renders the frame around it; the chart updates never pass through React state.
 */
export function TrendPanel({ machineId, sensors, title, rangeMs, limits, height = 220 }: Props) {
  const { call, live, preferences, machines } = useServices();
  // The y axis carries the unit the machine's meta, birth or an engineer gives; the chart is rebuilt when it changes.
  const unitKey = useStore(machines, (s) => sensors.map((name) => s.byId[machineId]?.eng?.[name]?.unit ?? '').join('\n'));
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  // The chart is rebuilt on a scale change so that its axis labels follow the page's type size.
  const density = useStore(preferences, (s) => s.density);
  const plotRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<TrendChart | null>(null);
  const [resolution, setResolution] = useState<Resolution | null>(null);
  const [zoomed, setZoomed] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const sensorKey = sensors.join('\n');

  const subscribe = useCallback((listener: () => void) => live.subscribe(machineId, listener), [live, machineId]);
  // The snapshot is the quality word, so the frame re-renders only when quality changes, not per reading.
  const quality = useSyncExternalStore(subscribe, () => worstQuality(live.sensorsOf(machineId), sensors));

  useEffect(() => {
    const target = plotRef.current;
    if (!target) return;
    const names = sensorKey.split('\n');
    const units = unitKey.split('\n');
    let request = 0;
    let refetchTimer: ReturnType<typeof setTimeout> | undefined;

    const load = async (from: number, to: number) => {
      const mine = ++request;
      const maxPoints = Math.max(100, Math.round(target.clientWidth * POINTS_PER_PIXEL));
      try {
        const history = await call('readings.history', { machineId, sensors: names, from: Math.round(from), to: Math.round(to), maxPoints });
        if (mine !== request || !chartRef.current) return;
        const t = history.series[0]?.t ?? [];
        const ys = names.map((name) => history.series.find((s) => s.sensor === name)?.v ?? []);
        chartRef.current.setHistory(t, ys, STEP_MS[history.resolution]);
        setResolution(history.resolution);
        setFailure(null);
      } catch (error) {
        if (mine === request) setFailure(describeFailure(error));
      }
    };

    const onViewChange = (range: ViewRange | null) => {
      setZoomed(range !== null);
      clearTimeout(refetchTimer);
      refetchTimer = setTimeout(() => {
        const now = Date.now();
        void (range ? load(range.from, range.to) : load(now - rangeMs, now));
      }, REFETCH_DELAY_MS);
    };

    const chart = new TrendChart({
      target,
      series: names.map((label, i) => (units[i] ? { label, unit: units[i] } : { label })),
      width: Math.max(200, target.clientWidth),
      height,
      windowMs: rangeMs,
      utc,
      fontPx: Math.round(parseFloat(getComputedStyle(target).fontSize) * 0.85) || 12,
      onViewChange,
    });
    chartRef.current = chart;
    const untap = live.tap(machineId, (reading) => {
      let any = false;
      const values = names.map((name) => {
        const v = reading.metrics[name];
        if (v === undefined) return null;
        any = true;
        return v;
      });
      if (any) chart.push(reading.ts, values);
    });
    const resize = new ResizeObserver(() => chart.resize(Math.max(200, target.clientWidth), height));
    resize.observe(target);
    const now = Date.now();
    void load(now - rangeMs, now);

    return () => {
      request++;
      clearTimeout(refetchTimer);
      untap();
      resize.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
  }, [call, live, machineId, sensorKey, unitKey, rangeMs, height, utc, density]);

  useEffect(() => chartRef.current?.setLimits(limits ?? []), [limits, machineId, sensorKey, rangeMs, height, utc, density]);

  return (
    <section className={`trend quality-${quality}`} data-testid="trend" data-machine-id={machineId} data-sensors={sensorKey} data-quality={quality} data-zoomed={zoomed}>
      <header className="trend-head">
        <h3 className="trend-title">{title}</h3>
        {quality !== 'good' && <span className="trend-quality" data-testid="trend-quality">{quality.toUpperCase()}</span>}
        <span className="trend-resolution" data-testid="trend-resolution">
          {resolution ? RESOLUTION_LABEL[resolution] : 'loading…'}
        </span>
        {zoomed && (
          <button type="button" className="trend-live" data-testid="trend-live" onClick={() => chartRef.current?.follow()}>
            Back to live
          </button>
        )}
      </header>
      {failure && (
        <p className="trend-failure" role="alert">
          History unavailable: {failure}
        </p>
      )}
      {/* Focusable so that arrows pan, +/- zoom and Home returns to live from the keyboard. */}
      <div ref={plotRef} className="trend-plot" tabIndex={0} aria-label={`${title} trend; arrows pan, plus and minus zoom, Home returns to live`} />
    </section>
  );
}

function worstQuality(state: ReadonlyMap<string, LiveSensor> | undefined, sensors: readonly string[]): Quality {
  let worst: Quality = 'good';
  for (const name of sensors) {
    const quality = state?.get(name)?.quality ?? 'stale';
    if (quality === 'offline') return 'offline';
    worst = worse(worst, quality);
  }
  return worst;
}
