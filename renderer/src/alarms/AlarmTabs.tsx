import type { ReactNode } from 'react';
import { routeHref, type Route } from '../app/router';
import { useSuppressed } from './use-suppressed';

const TABS = [
  { view: 'alarms', label: 'Active' },
  { view: 'alarm-shelved', label: 'Shelved & out of service' },
  { view: 'alarm-suppressed', label: 'Suppressed by design' },
  { view: 'alarm-history', label: 'History' },
  { view: 'alarm-kpis', label: 'KPIs' },
] as const satisfies readonly { view: Route['view']; label: string }[];

type AlarmView = (typeof TABS)[number]['view'];

/** How many alarms are suppressed by design now, asked of the host. */
function SuppressedCount() {
  const { list } = useSuppressed();
  return <Count n={list?.length ?? null} />;
}

const Count = ({ n }: { n: number | null }) => (n === null ? null : <span data-testid="suppressed-count"> ({n})</span>);

/**
 * The alarm screens' own second-level navigation. The suppressed tab counts its alarms on every
 * screen (ISA-18.2: protection that is not active is visible); the suppressed screen passes its own count.
 */
export function AlarmTabs({ current, suppressedCount }: { current: AlarmView; suppressedCount?: number | null }) {
  return (
    <nav className="tabs" aria-label="Alarm screens">
      {TABS.map((tab) => (
        <a key={tab.view} href={routeHref({ view: tab.view })} aria-current={tab.view === current ? 'page' : undefined} data-testid={`tab-${tab.view}`}>
          {tab.label}
          {tab.view === 'alarm-suppressed' && (suppressedCount === undefined ? <SuppressedCount /> : <Count n={suppressedCount} />)}
        </a>
      ))}
    </nav>
  );
}

/** One alarm screen: its title and tabs, with `head` beside them, over the screen's content. */
export function AlarmScreen({ current, testId, head, suppressedCount, children }: { current: AlarmView; testId: string; head?: ReactNode; suppressedCount?: number | null; children: ReactNode }) {
  return (
    <main className="settings alarm-screen" data-testid={testId}>
      <div className="detail-head">
        <h2 className="view-title">Alarms</h2>
        <AlarmTabs current={current} suppressedCount={suppressedCount} />
        {head}
      </div>
      {children}
    </main>
  );
}
