import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { routeHref } from '../app/router';
import { useServices } from '../app/services-context';
import { MachineDetail } from '../machine/MachineDetail';
import { MachineGrid } from '../plant/MachineGrid';
import { PlantOverview } from '../plant/PlantOverview';
import { AlarmBanner } from '../shell/AlarmBanner';
import { HostProblem } from '../shell/HostProblem';
import { pageLabel, resolveWallboard, WALLBOARD_NAMES, type WallboardPage } from './wallboards';

/**
 * A wallboard: large type, the alarm banner, and a playlist of pages that rotates. A new critical or
 * high alarm pauses the rotation on the current page until someone resumes it, so the board does
 * not move away while the room is reacting.
 */
export function WallboardView({ name, query }: { name: string; query: string }) {
  const { machines, alarms, health } = useServices();
  const byId = useStore(machines, (s) => s.byId);
  const interruptions = useStore(alarms, (s) => s.interruptions);
  const problem = useStore(health, (s) => s.problem);
  const areas = useMemo(() => [...new Set(Object.values(byId).map((m) => m.area))].sort(), [byId]);
  const board = useMemo(() => resolveWallboard(name, query, areas), [name, query, areas]);
  const [index, setIndex] = useState(0);
  const [pause, setPause] = useState<null | 'alarm' | 'operator'>(null);
  const seenInterruptions = useRef(interruptions);

  useEffect(() => {
    if (interruptions > seenInterruptions.current) setPause('alarm');
    seenInterruptions.current = interruptions;
  }, [interruptions]);

  const pageCount = board?.pages.length ?? 0;
  const rotateS = board?.rotateS ?? 0;
  useEffect(() => {
    if (pause || rotateS === 0 || pageCount < 2) return;
    const timer = setInterval(() => setIndex((i) => (i + 1) % pageCount), rotateS * 1000);
    return () => clearInterval(timer);
  }, [pause, rotateS, pageCount]);

  useEffect(() => {
    // Space pauses or resumes; the arrows step through the pages by hand (and pause, so the page stays).
    const onKey = (event: KeyboardEvent) => {
      if (event.key === ' ') {
        event.preventDefault();
        setPause((p) => (p ? null : 'operator'));
      } else if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
        if (pageCount < 2) return;
        event.preventDefault();
        const step = event.key === 'ArrowRight' ? 1 : pageCount - 1;
        setIndex((i) => (i + step) % pageCount);
        setPause('operator');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pageCount]);

  if (!board) {
    return (
      <main className="wallboard" data-testid="wallboard-unknown">
        <p className="centered">
          No wallboard named “{name}”. Known: {WALLBOARD_NAMES.join(', ')}; or give pages in the address, e.g. ?pages=overview,area:machining&rotate=20.
        </p>
      </main>
    );
  }
  const page = board.pages[index % board.pages.length] ?? board.pages[0]!;

  return (
    <div className="wallboard" data-testid="wallboard" data-board={board.name} data-page={index % board.pages.length} data-paused={pause ?? 'no'}>
      <header className="wallboard-head">
        <h1 className="brand">
          <a href={routeHref({ view: 'overview' })}>FactoryBrain</a>
        </h1>
        <span className="wallboard-page" data-testid="wallboard-page">
          {pageLabel(page)} · {(index % board.pages.length) + 1}/{board.pages.length}
        </span>
        <span className="spacer" />
        {board.rotateS > 0 && board.pages.length > 1 && (
          <span className={`rotation${pause ? ' rotation-paused' : ''}`} data-testid="rotation-state">
            {pause === 'alarm' ? 'Rotation paused: new high-priority alarm' : pause === 'operator' ? 'Rotation paused' : `Rotating every ${board.rotateS} s`}
            <button type="button" data-testid="rotation-toggle" onClick={() => setPause((p) => (p ? null : 'operator'))}>
              {pause ? 'Resume' : 'Pause'}
            </button>
          </span>
        )}
      </header>
      <AlarmBanner />
      <HostProblem problem={problem} />
      <WallboardContent page={page} />
    </div>
  );
}

function WallboardContent({ page }: { page: WallboardPage }) {
  switch (page.view) {
    case 'overview':
      return <PlantOverview />;
    case 'area':
      // An area page is the same fitted grid as the overview, for that area alone: larger tiles, never a scrollbar.
      return <MachineGrid area={page.area} />;
    case 'machine':
      return <MachineDetail machineId={page.machineId} />;
  }
}
