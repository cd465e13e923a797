import { useStore } from 'zustand';
import type { Density, Theme, TimeZoneChoice } from '../app/preferences';
import { routeHref } from '../app/router';
import { useServices } from '../app/services-context';
import { WALLBOARD_NAMES } from '../wallboard/wallboards';
import { roleAllows } from '../../../common/roles';
import { SilentMachinesPanel } from './SilentMachinesPanel';

export function SettingsView() {
  const { health, preferences, session } = useServices();
  const canSupervise = useStore(session, (s) => roleAllows(s.user?.role ?? null, 'supervise'));
  const current = useStore(health, (s) => s.health);
  const problem = useStore(health, (s) => s.problem);
  const prefs = useStore(preferences);

  return (
    <main className="settings" data-testid="settings">
      <h2 className="view-title">Settings</h2>

      <section className="panel" data-testid="settings-broker">
        <h3>Broker connection</h3>
        <p className="hint">Read-only here: the broker is set in the host's config.json (broker.url) and applied when the host starts.</p>
        {current && !problem ? (
          <dl className="facts">
            <dt>URL</dt>
            <dd data-testid="broker-url">{current.broker.url}</dd>
            <dt>Broker</dt>
            <dd>{current.broker.embedded ? 'embedded (this host runs it)' : 'external'}</dd>
            <dt>State</dt>
            <dd data-testid="settings-broker-state">{current.broker.state}</dd>
            <dt>Last error</dt>
            <dd>{current.broker.lastError ?? 'none'}</dd>
            <dt>Simulator</dt>
            <dd>{current.simulator.running ? `running, ${current.simulator.machines} machines` : 'off'}</dd>
          </dl>
        ) : (
          <p className="unknown-note">Unknown: {problem ?? 'waiting for the host'}.</p>
        )}
      </section>

      <section className="panel" data-testid="settings-connectors">
        <h3>OPC UA, Modbus TCP and the historian</h3>
        <p className="hint">Servers, devices, certificates, the address space and where history is forwarded.</p>
        <a href={routeHref({ view: 'connectors' })} data-testid="nav-connectors">
          Connectors
        </a>
      </section>

      {canSupervise && <SilentMachinesPanel />}

      <section className="panel" data-testid="settings-display">
        <h3>Theme and scale</h3>
        <label>
          Scale{' '}
          <select data-testid="pref-density" value={prefs.density} onChange={(e) => prefs.set({ density: e.target.value as Density })}>
            <option value="desk">Desk (dense)</option>
            <option value="wallboard">Wallboard (readable at 5 m)</option>
          </select>
        </label>
        <label>
          Theme{' '}
          <select data-testid="pref-theme" value={prefs.theme} onChange={(e) => prefs.set({ theme: e.target.value as Theme })}>
            <option value="light">Light grey</option>
            <option value="dark">Dark grey (dimmed room)</option>
          </select>
        </label>
      </section>

      <section className="panel" data-testid="settings-units">
        <h3>Units</h3>
        <p className="hint">Sensor values are shown as the device reports them; the wire carries no unit to convert.</p>
        <label>
          CO2 factor (kg per kWh){' '}
          <input
            data-testid="pref-co2"
            type="number"
            min={0}
            max={5}
            step={0.01}
            value={prefs.co2KgPerKwh}
            onChange={(e) => prefs.set({ co2KgPerKwh: Number(e.target.value) })}
          />
        </label>
        <label>
          Times{' '}
          <select data-testid="pref-timezone" value={prefs.timeZone} onChange={(e) => prefs.set({ timeZone: e.target.value as TimeZoneChoice })}>
            <option value="local">Plant time{current?.plant ? ` (${current.plant.timeZone})` : ''}</option>
            <option value="utc">UTC</option>
          </select>
        </label>
      </section>

      <section className="panel" data-testid="settings-displays">
        <h3>Displays and wallboards</h3>
        <p className="hint">
          This screen: {window.screen.width}×{window.screen.height} at {window.devicePixelRatio}x. In the desktop app each monitor gets its own window, and its
          layout (board, pages, rotation) is kept per monitor in displays.json in the app's data folder. In a browser, open a wallboard by its address:
        </p>
        <ul>
          {WALLBOARD_NAMES.map((name) => (
            <li key={name}>
              <a href={routeHref({ view: 'wallboard', name, query: '' })}>/wallboard/{name}</a>
            </li>
          ))}
        </ul>
      </section>

      <section className="panel" data-testid="settings-logs">
        <h3>Logs</h3>
        <p className="hint">
          One JSON object a line, a file a day: starts and stops, configuration changes, system alarms, every audited change and errors nobody caught. Set by logs.dir and
          logs.retentionDays in the host's config.json.
        </p>
        {current?.logs ? (
          <dl className="facts">
            <dt>Folder</dt>
            <dd data-testid="logs-dir">{current.logs.dir}</dd>
            <dt>Kept</dt>
            <dd>{current.logs.retentionDays} days</dd>
            <dt>State</dt>
            <dd data-testid="logs-state" className={current.logs.state === 'ok' ? undefined : 'unknown-note'}>
              {current.logs.state === 'ok' ? 'writing' : `not writing: ${current.logs.problem ?? 'unknown'} (the app runs on; messages go to the console)`}
            </dd>
          </dl>
        ) : (
          <p className="unknown-note">Unknown until the host answers.</p>
        )}
      </section>

      <section className="panel" data-testid="settings-about">
        <h3>About</h3>
        {current ? (
          <dl className="facts">
            {Object.entries(current.versions)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([name, version]) => (
                <div key={name} className="fact" data-testid="version" data-name={name}>
                  <dt>{name}</dt>
                  <dd>{version}</dd>
                </div>
              ))}
          </dl>
        ) : (
          <p className="unknown-note">Versions unknown until the host answers.</p>
        )}
      </section>
    </main>
  );
}
