import { useCallback, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app/services-context';
import { useAllowed } from '../app/use-allowed';
import { describeFailure } from '../transport/client';
import type { ConnectorSettings } from './drafts';
import { HistorianPanel } from './HistorianPanel';
import { ModbusPanel } from './ModbusPanel';
import { OpcuaPanel } from './OpcuaPanel';

/**
 * The plant's own systems beside MQTT: OPC UA servers and Modbus TCP devices with their connection
 * state, and the enterprise historian. Supervisors read and browse; administrators change settings
 * (the host checks the role again and audits every change).
 */
export function ConnectorsView() {
  const { call } = useServices();
  const canRead = useAllowed('connectors.settings');
  const [settings, setSettings] = useState<ConnectorSettings | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setSettings(await call('connectors.settings', {}));
      setFailure(null);
    } catch (error) {
      setFailure(describeFailure(error));
    }
  }, [call]);

  useEffect(() => {
    if (canRead) void reload();
  }, [canRead, reload]);

  return (
    <main className="settings connectors" data-testid="connectors">
      <h2 className="view-title">Connectors</h2>
      {!canRead && <p className="unknown-note">Connector settings need the supervisor role or higher.</p>}
      {failure && (
        <p className="unknown-note" role="alert" data-testid="connectors-failure">
          Connector settings: not available ({failure})
        </p>
      )}
      <FieldSourceStates />
      {settings && (
        <>
          <OpcuaPanel settings={settings} onSaved={reload} />
          <ModbusPanel settings={settings} onSaved={reload} />
          <HistorianPanel settings={settings} onSaved={reload} />
        </>
      )}
    </main>
  );
}

/** Connection state of every OPC UA server and Modbus device, as health reports it. */
function FieldSourceStates() {
  const { health } = useServices();
  const sources = useStore(health, (s) => s.health?.fieldSources);
  return (
    <section className="panel" data-testid="field-sources">
      <h3>Connections</h3>
      {!sources || sources.length === 0 ? (
        <p className="unknown-note">No OPC UA server or Modbus device is running.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th>Protocol</th>
              <th>Name</th>
              <th>Endpoint</th>
              <th>State</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr key={`${s.protocol}:${s.name}`} data-testid="field-source" data-name={s.name} data-state={s.state}>
                <td>{s.protocol === 'opcua' ? 'OPC UA' : 'Modbus TCP'}</td>
                <td>{s.name}</td>
                <td>{s.endpoint}</td>
                <td className={s.state === 'ok' ? undefined : 'off-target'} data-testid="field-source-state">
                  {s.state}
                </td>
                <td>{s.lastError ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
