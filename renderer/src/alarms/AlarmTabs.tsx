import type { ReactNode } from 'react';
import { routeHref, type Route } from '../app/router';

const TABS = [
  { view: 'alarms', label: 'Active' },
  { view: 'alarm-shelved', label: 'Shelved & out of service' },
  { view: 'alarm-history', label: 'History' },
  { view: 'alarm-kpis', label: 'KPIs' },
] as const satisfies readonly { view: Route['view']; label: string }[];

/** The alarm screens' own second-level navigation. */
export function AlarmTabs({ current }: { current: (typeof TABS)[number]['view'] }) {
  return (
    <nav className="tabs" aria-label="Alarm screens">
      {TABS.map((tab) => (
        <a key={tab.view} href={routeHref({ view: tab.view })} aria-current={tab.view === current ? 'page' : undefined} data-testid={`tab-${tab.view}`}>
          {tab.label}
        </a>
      ))}
    </nav>
  );
}

/** One alarm screen: its title and tabs, with `head` beside them, over the screen's content. */
export function AlarmScreen({ current, testId, head, children }: { current: (typeof TABS)[number]['view']; testId: string; head?: ReactNode; children: ReactNode }) {
  return (
    <main className="settings alarm-screen" data-testid={testId}>
      <div className="detail-head">
        <h2 className="view-title">Alarms</h2>
        <AlarmTabs current={current} />
        {head}
      </div>
      {children}
    </main>
  );
}
