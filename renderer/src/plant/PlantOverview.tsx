import { KpiBar } from './KpiBar';
import { MachineGrid } from './MachineGrid';

/** The plant overview: the KPI bar over every machine's tile, on the console and on a wallboard page alike. */
export function PlantOverview() {
  return (
    <>
      <KpiBar />
      <MachineGrid />
    </>
  );
}
