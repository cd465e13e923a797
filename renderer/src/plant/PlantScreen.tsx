import { useEffect } from 'react';
import { useServices } from '../app/services-context';
import { MachineGrid } from './MachineGrid';
import { PlantHeader } from './PlantHeader';
import { startPlantSync } from './plant-sync';

export function PlantScreen() {
  const services = useServices();
  useEffect(() => startPlantSync(services), [services]);
  return (
    <div className="plant">
      <PlantHeader />
      <MachineGrid />
    </div>
  );
}
