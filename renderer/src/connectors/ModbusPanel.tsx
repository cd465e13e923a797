import { useMemo, useState, type FormEvent } from 'react';
import { MODBUS_TABLES, MODBUS_TYPES } from '../../../common/connector-config';
import { useAllowed } from '../app/use-allowed';
import { FormIssues } from '../shell/FormError';
import { NumberField } from './NumberField';
import { modbusDraft, newModbusDevice, setIn, type ConnectorSettings, type ModbusDeviceDraft, type ModbusDraft } from './drafts';
import { useConnectorSave } from './use-connector-save';

interface Props {
  settings: ConnectorSettings;
  onSaved(): Promise<void>;
}

/** Modbus TCP devices: unit id, register blocks with their poll rate, and each point's type, word order, scale and offset. */
export function ModbusPanel({ settings, onSaved }: Props) {
  const canEdit = useAllowed('connectors.modbus.set');
  const parsed = useMemo(() => modbusDraft(settings), [settings]);
  const [editing, setEditing] = useState<{ index: number; device: ModbusDeviceDraft } | null>(null);
  const { issues, setIssues, busy, save: saveSettings } = useConnectorSave('connectors.modbus.set', onSaved);

  if (!parsed.ok) {
    return (
      <section className="panel" data-testid="modbus">
        <h3>Modbus TCP devices</h3>
        <FormIssues issues={parsed.issues} testId="modbus-issues" />
      </section>
    );
  }
  const draft = parsed.value;

  const save = (next: ModbusDraft) => saveSettings(next, () => setEditing(null));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!editing) return;
    const devices = editing.index < draft.devices.length ? draft.devices.map((d, i) => (i === editing.index ? editing.device : d)) : [...draft.devices, editing.device];
    void save({ devices });
  };

  return (
    <section className="panel" data-testid="modbus">
      <h3>Modbus TCP devices</h3>
      <p className="hint">Set {settings.modbus.from === 'ui' ? 'from this screen' : "in the host's config.json"}. Neighbouring registers of a block are read in one request.</p>
      {draft.devices.length === 0 ? (
        <p className="unknown-note">No Modbus device yet.</p>
      ) : (
        <table className="data-table" data-testid="modbus-devices">
          <thead>
            <tr>
              <th>Name</th>
              <th>Address</th>
              <th>Unit id</th>
              <th>Machine</th>
              <th>Blocks</th>
              <th>Points</th>
              {canEdit && <th />}
            </tr>
          </thead>
          <tbody>
            {draft.devices.map((d, index) => (
              <tr key={d.name} data-testid="modbus-device" data-name={d.name}>
                <td>{d.name}</td>
                <td>
                  {d.host}:{d.port}
                </td>
                <td className="num">{d.unitId}</td>
                <td>{d.machine.id}</td>
                <td>{d.blocks.map((b) => `${b.table} every ${b.pollMs} ms`).join(', ')}</td>
                <td className="num">{d.blocks.reduce((n, b) => n + b.points.length, 0)}</td>
                {canEdit && (
                  <td>
                    <button type="button" data-testid="modbus-edit" disabled={busy} onClick={() => (setEditing({ index, device: d }), setIssues([]))}>
                      Edit
                    </button>{' '}
                    <button type="button" data-testid="modbus-remove" disabled={busy} onClick={() => void save({ devices: draft.devices.filter((_, i) => i !== index) })}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && !editing && (
        <button type="button" data-testid="modbus-add" onClick={() => (setEditing({ index: draft.devices.length, device: newModbusDevice(draft.devices) }), setIssues([]))}>
          Add device
        </button>
      )}
      {editing && (
        <form onSubmit={submit} data-testid="modbus-form">
          <DeviceEditor device={editing.device} onChange={(device) => setEditing({ ...editing, device })} />
          <p>
            <button type="submit" data-testid="modbus-save" disabled={busy}>
              Save device
            </button>{' '}
            <button type="button" onClick={() => (setEditing(null), setIssues([]))}>
              Cancel
            </button>
          </p>
        </form>
      )}
      <FormIssues issues={issues} testId="modbus-issues" />
    </section>
  );
}

function DeviceEditor({ device, onChange }: { device: ModbusDeviceDraft; onChange(device: ModbusDeviceDraft): void }) {
  const set = (path: (string | number)[], value: unknown) => onChange(setIn(device, path, value));
  const text = (path: (string | number)[], value: string | undefined, size: number, testId: string, label: string) => (
    <label>
      {label} <input data-testid={testId} value={value ?? ''} size={size} onChange={(e) => set(path, e.target.value)} />
    </label>
  );
  const num = (path: (string | number)[], value: number, testId: string, label: string) => (
    <label>
      {label} <NumberField testId={testId} value={value} onChange={(n) => set(path, n)} />
    </label>
  );
  return (
    <div className="modbus-editor">
      <div className="inline-form">
        {text(['name'], device.name, 14, 'modbus-name', 'Name')}
        {text(['host'], device.host, 16, 'modbus-host', 'Host')}
        {num(['port'], device.port, 'modbus-port', 'Port')}
        {num(['unitId'], device.unitId, 'modbus-unit', 'Unit id')}
        {num(['timeoutMs'], device.timeoutMs, 'modbus-timeout', 'Timeout ms')}
        {text(['machine', 'id'], device.machine.id, 14, 'modbus-machine', 'Machine')}
        {text(['machine', 'area'], device.machine.area, 10, 'modbus-area', 'Area')}
      </div>
      {device.blocks.map((block, b) => (
        <fieldset key={b} data-testid="modbus-block">
          <legend>
            Block {b + 1}{' '}
            <select data-testid="block-table" value={block.table} onChange={(e) => set(['blocks', b, 'table'], e.target.value)} aria-label="table">
              {MODBUS_TABLES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>{' '}
            {num(['blocks', b, 'pollMs'], block.pollMs, 'block-poll', 'poll every (ms)')}{' '}
            <button type="button" disabled={device.blocks.length === 1} onClick={() => set(['blocks'], device.blocks.filter((_, i) => i !== b))}>
              Remove block
            </button>
          </legend>
          <table className="data-table">
            <thead>
              <tr>
                <th>Metric</th>
                <th>Address</th>
                <th>Type</th>
                <th>Word order</th>
                <th>Scale</th>
                <th>Offset</th>
                <th>Unit</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {block.points.map((p, i) => {
                const at = ['blocks', b, 'points', i];
                return (
                  <tr key={i} data-testid="modbus-point">
                    <td>
                      <input data-testid="point-metric" value={p.metric} size={12} onChange={(e) => set([...at, 'metric'], e.target.value)} aria-label="metric" />
                    </td>
                    <td>
                      <NumberField testId="point-address" value={p.address} onChange={(n) => set([...at, 'address'], n)} label="address" />
                    </td>
                    <td>
                      <select data-testid="point-type" value={p.type} onChange={(e) => set([...at, 'type'], e.target.value)} aria-label="type">
                        {MODBUS_TYPES.map((t) => (
                          <option key={t}>{t}</option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <select data-testid="point-word-order" value={p.wordOrder} onChange={(e) => set([...at, 'wordOrder'], e.target.value)} aria-label="word order">
                        <option value="big">high word first</option>
                        <option value="little">low word first</option>
                      </select>
                    </td>
                    <td>
                      <NumberField testId="point-scale" value={p.scale} onChange={(n) => set([...at, 'scale'], n)} label="scale" />
                    </td>
                    <td>
                      <NumberField testId="point-offset" value={p.offset} onChange={(n) => set([...at, 'offset'], n)} label="offset" />
                    </td>
                    <td>
                      <input data-testid="point-unit" value={p.unit ?? ''} size={5} onChange={(e) => set([...at, 'unit'], e.target.value || undefined)} aria-label="unit" />
                    </td>
                    <td>
                      <button type="button" disabled={block.points.length === 1} onClick={() => set(['blocks', b, 'points'], block.points.filter((_, j) => j !== i))}>
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button
            type="button"
            data-testid="point-add"
            onClick={() => {
              const last = block.points[block.points.length - 1];
              set(['blocks', b, 'points'], [...block.points, { metric: `value${block.points.length + 1}`, address: (last?.address ?? -1) + 1, type: last?.type ?? 'uint16', wordOrder: 'big', scale: 1, offset: 0 }]);
            }}
          >
            Add point
          </button>
        </fieldset>
      ))}
      <button type="button" data-testid="block-add" onClick={() => set(['blocks'], [...device.blocks, { table: 'holding', pollMs: 1000, points: [{ metric: 'value', address: 0, type: 'uint16', wordOrder: 'big', scale: 1, offset: 0 }] }])}>
        Add block
      </button>
    </div>
  );
}
