import { useEffect } from 'react';
import { useStore } from 'zustand';
import { navigate, parentRoute, useRoute, type Route } from '../app/router';
import { useServices } from '../app/services-context';
import { AlarmHistory } from '../alarms/AlarmHistory';
import { AlarmKpis } from '../alarms/AlarmKpis';
import { AlarmSummary } from '../alarms/AlarmSummary';
import { LimitEditor } from '../alarms/LimitEditor';
import { ShelvedList, SuppressedList } from '../alarms/ShelvedList';
import { AnalyticsView } from '../analytics/AnalyticsView';
import { AreaView } from '../area/AreaView';
import { DiagnosticsView } from '../diagnostics/DiagnosticsView';
import { ConnectorsView } from '../connectors/ConnectorsView';
import { EnergyView } from '../energy/EnergyView';
import { MaintenanceView } from '../maintenance/MaintenanceView';
import { MachineDetail } from '../machine/MachineDetail';
import { PlantOverview } from '../plant/PlantOverview';
import { PlantHeader } from '../plant/PlantHeader';
import { startPlantSync } from '../plant/plant-sync';
import { ProcurementView } from '../procurement/ProcurementView';
import { SettingsView } from '../settings/SettingsView';
import { ShiftLogView } from '../shiftlog/ShiftLogView';
import { TrendsBoard } from '../trend/TrendsBoard';
import { UsersView } from '../users/UsersView';
import { VoiceSettingsView } from '../voice/VoiceSettingsView';
import { WallboardView } from '../wallboard/WallboardView';
import { AlarmBanner } from './AlarmBanner';

/** The logged-in application: keeps data flowing, applies theme and scale, and picks the screen by route. */
export function Shell() {
  const services = useServices();
  const { preferences, machines } = services;
  const route = useRoute();
  const density = useStore(preferences, (s) => s.density);
  const theme = useStore(preferences, (s) => s.theme);

  useEffect(() => startPlantSync(services), [services]);

  useEffect(() => {
    const root = document.documentElement;
    // A wallboard is always read from a distance, whatever this console's desk preference is.
    root.dataset['density'] = route.view === 'wallboard' ? 'wallboard' : density;
    root.dataset['theme'] = theme;
  }, [density, theme, route.view]);

  useEffect(() => {
    // Escape (or Backspace outside a field) goes one level up: machine → area → plant.
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' && event.key !== 'Backspace') return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, select, textarea, [contenteditable="true"]')) return;
      const up = parentRoute(route, (id) => machines.getState().byId[id]?.area);
      if (!up) return;
      event.preventDefault();
      navigate(up);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [route, machines]);

  if (route.view === 'wallboard') return <WallboardView name={route.name} query={route.query} />;
  return (
    // The overview fits the screen (no scrolling); the other screens scroll as documents do.
    <div className={route.view === 'overview' ? 'plant plant-fit' : 'plant'}>
      <PlantHeader route={route} />
      <AlarmBanner />
      <Screen route={route} />
    </div>
  );
}

function Screen({ route }: { route: Exclude<Route, { view: 'wallboard' }> }) {
  switch (route.view) {
    case 'overview':
      return <PlantOverview />;
    case 'area':
      return <AreaView area={route.area} />;
    case 'machine':
      return <MachineDetail machineId={route.machineId} />;
    case 'trends':
      return <TrendsBoard pens={route.pens} />;
    case 'settings':
      return <SettingsView />;
    case 'connectors':
      return <ConnectorsView />;
    case 'maintenance':
      return <MaintenanceView />;
    case 'procurement':
      return <ProcurementView />;
    case 'energy':
      return <EnergyView />;
    case 'analytics':
      return <AnalyticsView />;
    case 'alarms':
      return <AlarmSummary />;
    case 'alarm-history':
      return <AlarmHistory />;
    case 'alarm-shelved':
      return <ShelvedList />;
    case 'alarm-suppressed':
      return <SuppressedList />;
    case 'alarm-kpis':
      return <AlarmKpis />;
    case 'limits':
      return <LimitEditor machineId={route.machineId} />;
    case 'voice':
      return <VoiceSettingsView />;
    case 'users':
      return <UsersView />;
    case 'shiftlog':
      return <ShiftLogView />;
    case 'diagnostics':
      return <DiagnosticsView />;
  }
}
