import { useEffect, useState, type FormEvent } from 'react';
import type { CallResponse } from '../../../common/contract';
import { useServices } from '../app/services-context';
import { describeFailure } from '../transport/client';
import { numberOf, withMapping, type MappingInput, type OpcuaDraft } from './drafts';

type Node = CallResponse<'opcua.browse'>[number];

interface Props {
  draft: OpcuaDraft;
  canEdit: boolean;
  save(next: OpcuaDraft): Promise<boolean>;
}

/** A connected server's address space as a tree, opened a level at a time; a variable is mapped to a machine's metric from here. */
export function AddressSpace({ draft, canEdit, save }: Props) {
  const [server, setServer] = useState(draft.servers[0]?.name ?? '');
  const [picked, setPicked] = useState<Node | null>(null);
  const [opened, setOpened] = useState(0);

  return (
    <div data-testid="address-space">
      <h4>Address space</h4>
      <div className="filter-bar">
        <label>
          Server{' '}
          <select data-testid="browse-server" value={server} onChange={(e) => (setServer(e.target.value), setPicked(null), setOpened(0))}>
            {draft.servers.map((s) => (
              <option key={s.name}>{s.name}</option>
            ))}
          </select>
        </label>
        <button type="button" data-testid="browse-open" onClick={() => setOpened((n) => n + 1)}>
          {opened ? 'Browse again' : 'Browse'}
        </button>
      </div>
      {opened > 0 && (
        <ul className="address-tree" role="tree" key={`${server}:${opened}`}>
          <TreeNode server={server} node={null} picked={picked} onPick={setPicked} />
        </ul>
      )}
      {picked && <MappingForm key={`${server}:${picked.nodeId}`} server={server} node={picked} draft={draft} canEdit={canEdit} save={save} onDone={() => setPicked(null)} />}
    </div>
  );
}

function TreeNode({ server, node, picked, onPick }: { server: string; node: Node | null; picked: Node | null; onPick(node: Node): void }) {
  const { call } = useServices();
  const root = node === null;
  const [open, setOpen] = useState(root);
  const [children, setChildren] = useState<Node[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const variable = node?.nodeClass === 'Variable';

  useEffect(() => {
    if (!open || children) return;
    let live = true;
    call('opcua.browse', { server, ...(node ? { nodeId: node.nodeId } : {}) }).then(
      (answer) => live && setChildren(answer),
      (error: unknown) => live && setFailure(describeFailure(error)),
    );
    return () => {
      live = false;
    };
  }, [open, children, call, server, node]);

  const list = open && (
    <ul role="group">
      {failure && (
        <li className="form-error" role="alert" data-testid="browse-failure">
          {failure}
        </li>
      )}
      {children === null && !failure && <li className="unknown-note">…</li>}
      {children?.length === 0 && <li className="unknown-note">(no children)</li>}
      {children?.map((child) => <TreeNode key={child.nodeId} server={server} node={child} picked={picked} onPick={onPick} />)}
    </ul>
  );
  if (root) return <li role="treeitem" aria-expanded>Objects{list}</li>;
  return (
    <li role="treeitem" aria-expanded={variable ? undefined : open} data-testid="tree-node" data-node={node.nodeId} data-class={node.nodeClass}>
      <button type="button" className="tree-toggle" data-testid="tree-toggle" onClick={() => setOpen((o) => !o)} aria-label={open ? 'close' : 'open'}>
        {open ? '▾' : '▸'}
      </button>{' '}
      {node.displayName} <span className="hint">({node.nodeClass})</span>
      {variable && (
        <>
          {' '}
          <button type="button" data-testid="tree-pick" aria-pressed={picked?.nodeId === node.nodeId} onClick={() => onPick(node)}>
            Map…
          </button>
        </>
      )}
      {list}
    </li>
  );
}

function MappingForm({ server, node, draft, canEdit, save, onDone }: { server: string; node: Node; draft: OpcuaDraft; canEdit: boolean; save(next: OpcuaDraft): Promise<boolean>; onDone(): void }) {
  const { call } = useServices();
  const existing = draft.servers.find((s) => s.name === server);
  const [machine, setMachine] = useState(Object.keys(existing?.machines ?? {})[0] ?? '');
  const [metric, setMetric] = useState(node.browseName.replace(/^\d+:/, '').replace(/[^A-Za-z0-9_.-]+/g, '_').toLowerCase());
  const [unit, setUnit] = useState('');
  const [low, setLow] = useState('');
  const [high, setHigh] = useState('');
  const [sampling, setSampling] = useState('1000');
  const [deadbandType, setDeadbandType] = useState<MappingInput['deadband']['type']>('none');
  const [deadband, setDeadband] = useState('0');
  const [described, setDescribed] = useState<string | null>(null);

  // Units and range come prefilled from the variable's EUInformation and EURange.
  useEffect(() => {
    let live = true;
    call('opcua.describe', { server, nodeId: node.nodeId }).then(
      (info) => {
        if (!live) return;
        if (info.unit) setUnit(info.unit);
        if (info.range) {
          setLow(String(info.range.low));
          setHigh(String(info.range.high));
        }
        setDescribed(info.unit || info.range ? 'Unit and range from the server (EUInformation, EURange).' : 'The server gives no unit or range for this variable.');
      },
      (error: unknown) => live && setDescribed(`No unit or range: ${describeFailure(error)}`),
    );
    return () => {
      live = false;
    };
  }, [call, server, node.nodeId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const range = low.trim() === '' && high.trim() === '' ? undefined : { low: numberOf(low), high: numberOf(high) };
    const next = withMapping(draft, {
      server,
      nodeId: node.nodeId,
      machine: machine.trim(),
      metric: metric.trim(),
      ...(unit.trim() ? { unit: unit.trim() } : {}),
      ...(range ? { range } : {}),
      samplingIntervalMs: numberOf(sampling),
      deadband: { type: deadbandType, value: deadbandType === 'none' ? 0 : numberOf(deadband) },
    });
    if (await save(next)) onDone();
  };

  return (
    <form className="inline-form mapping-form" data-testid="mapping-form" onSubmit={(e) => void submit(e)}>
      <strong>{node.nodeId}</strong>
      <label>
        Machine <input data-testid="map-machine" value={machine} size={14} onChange={(e) => setMachine(e.target.value)} />
      </label>
      <label>
        Metric <input data-testid="map-metric" value={metric} size={14} onChange={(e) => setMetric(e.target.value)} />
      </label>
      <label>
        Unit <input data-testid="map-unit" value={unit} size={6} onChange={(e) => setUnit(e.target.value)} />
      </label>
      <label>
        Range <input data-testid="map-low" className="num-input" value={low} onChange={(e) => setLow(e.target.value)} /> …{' '}
        <input data-testid="map-high" className="num-input" value={high} onChange={(e) => setHigh(e.target.value)} />
      </label>
      <label>
        Sampling <input data-testid="map-sampling" className="num-input" value={sampling} onChange={(e) => setSampling(e.target.value)} /> ms
      </label>
      <label>
        Deadband{' '}
        <select data-testid="map-deadband-type" value={deadbandType} onChange={(e) => setDeadbandType(e.target.value as MappingInput['deadband']['type'])}>
          <option value="none">none</option>
          <option value="absolute">absolute</option>
          <option value="percent">percent of range</option>
        </select>
      </label>
      {deadbandType !== 'none' && <input data-testid="map-deadband" className="num-input" value={deadband} onChange={(e) => setDeadband(e.target.value)} aria-label="deadband" />}
      <button type="submit" data-testid="map-submit" disabled={!canEdit}>
        Map and apply
      </button>
      {described && (
        <span className="hint" data-testid="map-described">
          {described}
        </span>
      )}
    </form>
  );
}
