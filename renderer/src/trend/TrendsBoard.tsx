import { useStore } from 'zustand';
import type { Pen } from '../app/router';
import { useServices } from '../app/services-context';
import { TrendPanel } from './TrendPanel';

const LIVE_WINDOW_MS = 15 * 60_000;

/** Several sensors from any machines side by side, chosen in the address (#/trends?pens=machine:sensor,...). */
export function TrendsBoard({ pens }: { pens: Pen[] }) {
  const { machines } = useServices();
  const byId = useStore(machines, (s) => s.byId);
  if (pens.length === 0) return <p className="plant-empty">No pens chosen. Open #/trends?pens=&lt;machine&gt;:&lt;sensor&gt;,…</p>;
  return (
    <main className="trends trends-board" data-testid="trends-board">
      {pens.map((pen) => (
        <TrendPanel
          key={`${pen.machineId}:${pen.sensor}`}
          machineId={pen.machineId}
          sensors={[pen.sensor]}
          title={`${byId[pen.machineId]?.name ?? pen.machineId} · ${pen.sensor}`}
          rangeMs={LIVE_WINDOW_MS}
          height={180}
        />
      ))}
    </main>
  );
}
