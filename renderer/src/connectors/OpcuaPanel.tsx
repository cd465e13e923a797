import { useMemo, useState, type FormEvent } from 'react';
import { SECURITY_MODES, SECURITY_POLICIES } from '../../../common/connector-config';
import { useServices } from '../app/services-context';
import { useAllowed } from '../app/use-allowed';
import { describeFailure } from '../transport/client';
import { AddressSpace } from './AddressSpace';
import { FormIssues } from '../shell/FormError';
import { mappedItems, opcuaDraft, opcuaPasswordSet, withEndpoint, withoutEndpoint, withoutMapping, type ConnectorSettings, type EndpointInput, type OpcuaDraft } from './drafts';
import { OpcuaCertificates } from './OpcuaCertificates';
import { useConnectorSave } from './use-connector-save';

interface Props {
  settings: ConnectorSettings;
  onSaved(): Promise<void>;
}

/** OPC UA: the endpoints, this console's certificate and the servers' ones, and the address space to map variables from. */
export function OpcuaPanel({ settings, onSaved }: Props) {
  const { call } = useServices();
  const canEdit = useAllowed('connectors.opcua.set');
  const parsed = useMemo(() => opcuaDraft(settings), [settings]);
  const { issues, setIssues, busy, save } = useConnectorSave('connectors.opcua.set', onSaved);

  if (!parsed.ok) {
    return (
      <section className="panel" data-testid="opcua">
        <h3>OPC UA</h3>
        <FormIssues issues={parsed.issues} testId="opcua-issues" />
      </section>
    );
  }
  const draft = parsed.value;
  return (
    <section className="panel" data-testid="opcua">
      <h3>OPC UA servers</h3>
      <p className="hint">Set {settings.opcua.from === 'ui' ? 'from this screen' : "in the host's config.json"}. Server certificates are never trusted by default: trust them below.</p>
      <EndpointTable draft={draft} settings={settings} canEdit={canEdit && !busy} onRemove={(name) => void save(withoutEndpoint(draft, name))} />
      {canEdit && <EndpointForm busy={busy} onAdd={(input, password) => save(withEndpoint(draft, input)).then(async (ok) => ok && password && (await setPassword(call, input.name, password, setIssues)))} />}
      <FormIssues issues={issues} testId="opcua-issues" />
      {draft.servers.length > 0 && <OpcuaCertificates />}
      {draft.servers.length > 0 && <AddressSpace draft={draft} canEdit={canEdit && !busy} save={save} />}
      {draft.servers.some((s) => s.subscriptions.length > 0) && <MappedTable draft={draft} canEdit={canEdit && !busy} onRemove={(server, nodeId) => void save(withoutMapping(draft, server, nodeId))} />}
    </section>
  );
}

async function setPassword(call: ReturnType<typeof useServices>['call'], server: string, password: string, setIssues: (issues: string[]) => void): Promise<boolean> {
  try {
    await call('connectors.opcua.password', { server, password });
    return true;
  } catch (error) {
    setIssues([`password: ${describeFailure(error)}`]);
    return false;
  }
}

function EndpointTable({ draft, settings, canEdit, onRemove }: { draft: OpcuaDraft; settings: ConnectorSettings; canEdit: boolean; onRemove(name: string): void }) {
  if (draft.servers.length === 0) return <p className="unknown-note">No OPC UA server yet.</p>;
  return (
    <table className="data-table" data-testid="opcua-endpoints">
      <thead>
        <tr>
          <th>Name</th>
          <th>Endpoint</th>
          <th>Security</th>
          <th>Identity</th>
          <th>Items</th>
          {canEdit && <th />}
        </tr>
      </thead>
      <tbody>
        {draft.servers.map((s) => (
          <tr key={s.name} data-testid="opcua-endpoint" data-name={s.name}>
            <td>{s.name}</td>
            <td>{s.endpointUrl}</td>
            <td>
              {s.securityMode} / {s.securityPolicy}
            </td>
            <td>
              {s.identity.type === 'username' ? `user ${s.identity.username} (password ${opcuaPasswordSet(settings, s.name) ? 'stored' : 'not set'})` : s.identity.type === 'certificate' ? `certificate ${s.identity.certFile}` : 'anonymous'}
            </td>
            <td className="num">{s.subscriptions.reduce((n, sub) => n + sub.items.length, 0)}</td>
            {canEdit && (
              <td>
                <button type="button" data-testid="opcua-remove" onClick={() => onRemove(s.name)}>
                  Remove
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EndpointForm({ busy, onAdd }: { busy: boolean; onAdd(input: EndpointInput, password: string): Promise<unknown> }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('opc.tcp://');
  const [mode, setMode] = useState<EndpointInput['securityMode']>('SignAndEncrypt');
  const [policy, setPolicy] = useState<EndpointInput['securityPolicy']>('Basic256Sha256');
  const [identity, setIdentity] = useState<EndpointInput['identity']['type']>('anonymous');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [certFile, setCertFile] = useState('');
  const [keyFile, setKeyFile] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id: EndpointInput['identity'] = identity === 'username' ? { type: 'username', username } : identity === 'certificate' ? { type: 'certificate', certFile, keyFile } : { type: 'anonymous' };
    void onAdd({ name: name.trim(), endpointUrl: url.trim(), securityMode: mode, securityPolicy: policy, identity: id }, password).then(() => setPassword(''));
  };
  // None goes with None only; picking one side moves the other along
  const pickMode = (m: EndpointInput['securityMode']) => {
    setMode(m);
    if (m === 'None') setPolicy('None');
    else if (policy === 'None') setPolicy('Basic256Sha256');
  };

  return (
    <form className="inline-form" onSubmit={submit} data-testid="opcua-add">
      <label>
        Name <input data-testid="opcua-name" value={name} size={14} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Endpoint URL <input data-testid="opcua-url" value={url} size={30} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <label>
        Security mode{' '}
        <select data-testid="opcua-mode" value={mode} onChange={(e) => pickMode(e.target.value as EndpointInput['securityMode'])}>
          {SECURITY_MODES.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>
      <label>
        Policy{' '}
        <select data-testid="opcua-policy" value={policy} onChange={(e) => setPolicy(e.target.value as EndpointInput['securityPolicy'])}>
          {SECURITY_POLICIES.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <label>
        Identity{' '}
        <select data-testid="opcua-identity" value={identity} onChange={(e) => setIdentity(e.target.value as EndpointInput['identity']['type'])}>
          <option value="anonymous">anonymous</option>
          <option value="username">user name and password</option>
          <option value="certificate">user certificate</option>
        </select>
      </label>
      {identity === 'username' && (
        <>
          <label>
            User <input data-testid="opcua-username" value={username} size={12} onChange={(e) => setUsername(e.target.value)} />
          </label>
          <label>
            Password <input data-testid="opcua-password" type="password" autoComplete="off" value={password} size={12} onChange={(e) => setPassword(e.target.value)} placeholder="empty: keep" />
          </label>
        </>
      )}
      {identity === 'certificate' && (
        <>
          <label>
            Certificate file (on the host) <input data-testid="opcua-cert-file" value={certFile} size={24} onChange={(e) => setCertFile(e.target.value)} />
          </label>
          <label>
            Private key file <input data-testid="opcua-key-file" value={keyFile} size={24} onChange={(e) => setKeyFile(e.target.value)} />
          </label>
        </>
      )}
      <button type="submit" data-testid="opcua-add-submit" disabled={busy}>
        Add or update endpoint
      </button>
    </form>
  );
}

function MappedTable({ draft, canEdit, onRemove }: { draft: OpcuaDraft; canEdit: boolean; onRemove(server: string, nodeId: string): void }) {
  return (
    <>
      <h4>Mapped variables</h4>
      <table className="data-table" data-testid="opcua-mapped">
        <thead>
          <tr>
            <th>Server</th>
            <th>Node</th>
            <th>Machine</th>
            <th>Metric</th>
            <th>Unit</th>
            <th>Range</th>
            <th>Sampling</th>
            <th>Deadband</th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {draft.servers.flatMap((s) =>
            mappedItems(s).map((item) => (
              <tr key={`${s.name}:${item.nodeId}`} data-testid="opcua-mapped-item" data-node={item.nodeId}>
                <td>{s.name}</td>
                <td>{item.nodeId}</td>
                <td>{item.machine}</td>
                <td>{item.metric}</td>
                <td>{item.unit ?? ''}</td>
                <td>{item.range ? `${item.range.low} … ${item.range.high}` : ''}</td>
                <td className="num">{item.samplingIntervalMs} ms</td>
                <td>{item.deadband.type === 'none' ? 'none' : `${item.deadband.value}${item.deadband.type === 'percent' ? ' %' : ''}`}</td>
                {canEdit && (
                  <td>
                    <button type="button" onClick={() => onRemove(s.name, item.nodeId)}>
                      Unmap
                    </button>
                  </td>
                )}
              </tr>
            )),
          )}
        </tbody>
      </table>
    </>
  );
}
