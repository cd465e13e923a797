/** Worker thread of the KPI reader (kpi-reader.ts): alarms.kpis on its own read-only connection. */
import { serveReads } from '../store/serve-reads';
import { kpisOf, type KpiRange } from './alarm-queries';
import { alarmStore } from './alarm-store';

serveReads<KpiRange>((db, range) => {
  // Read-only: nothing here commits, so nothing is ever audited.
  const store = alarmStore(db, {
    append: () => {
      throw new Error('the KPI reader writes nothing');
    },
  });
  // The points as committed: every transition is on disk before the main thread's copy changes.
  return { value: kpisOf({ journal: (q) => store.journal(q), alarms: () => store.loadAll() }, range) };
});
