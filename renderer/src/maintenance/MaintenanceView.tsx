import { useMemo, useState } from 'react';
import type { Part, Ticket } from '../../../common/contract-agents';
import type { RepairVoiceAction, RepairVoiceState } from '../../../common/contract-voice';
import { fixed, useAction, useCall } from '../app/use-call';
import { useTimeFormat } from '../app/time-format';
import { useAllowed } from '../app/use-allowed';
import { useServices } from '../app/services-context';
import { useStore } from 'zustand';
import { roleAllows } from '../../../common/roles';
import { DataTable, type DataColumn } from '../shell/DataTable';

const DAY = 86_400_000;

/** Tickets from people and from the maintenance agent: create, assign, work, close with the actual cost; MTBF and MTTR per machine. */
export function MaintenanceView() {
  const tickets = useCall('tickets.list', { limit: 200 }, 'all');
  const parts = useCall('procurement.parts', {}, 'parts');
  const [to] = useState(() => Date.now());
  const reliability = useCall('tickets.reliability', { from: to - 90 * DAY, to }, 'r90');
  const { run, error } = useAction();
  const [title, setTitle] = useState('');
  const [machineId, setMachineId] = useState('');
  const [priority, setPriority] = useState<Ticket['priority']>('medium');
  const reload = () => {
    tickets.reload();
    reliability.reload();
  };

  return (
    <main className="settings" data-testid="maintenance">
      <h2 className="view-title">Maintenance</h2>
      {(error ?? tickets.error) && <p className="unknown-note">{error ?? tickets.error}</p>}
      <section className="panel">
        <h3>New ticket</h3>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run('tickets.create', { title, priority, ...(machineId ? { machineId } : {}) }, () => {
              setTitle('');
              reload();
            });
          }}
        >
          <input placeholder="Title" value={title} onChange={(e) => setTitle(e.target.value)} required data-testid="ticket-title" />{' '}
          <input placeholder="Machine id" value={machineId} onChange={(e) => setMachineId(e.target.value)} />{' '}
          <select value={priority} onChange={(e) => setPriority(e.target.value as Ticket['priority'])}>
            {(['low', 'medium', 'high', 'critical'] as const).map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>{' '}
          <button type="submit">Create</button>
        </form>
      </section>
      <section className="panel">
        <h3>Tickets</h3>
        <TicketTable tickets={tickets.data ?? []} parts={parts.data ?? []} run={run} reload={reload} />
      </section>
      <section className="panel">
        <h3>Reliability, last 90 days</h3>
        <table className="data-table">
          <thead>
            <tr>
              <th>Machine</th>
              <th>Failures</th>
              <th>MTBF (h)</th>
              <th>MTTR (h)</th>
            </tr>
          </thead>
          <tbody>
            {(reliability.data ?? []).map((r) => (
              <tr key={r.machineId}>
                <td>{r.machineId}</td>
                <td>{r.failures}</td>
                <td>{fixed(r.mtbfHours)}</td>
                <td>{fixed(r.mttrHours)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}

const urgent = (t: Ticket) => t.status !== 'closed' && (t.priority === 'high' || t.priority === 'critical');

/** Tickets sortable and filterable by every column; "Details" opens a ticket's steps and actions under its row. */
function TicketTable({ tickets, parts, run, reload }: { tickets: readonly Ticket[]; parts: readonly Part[]; run: ReturnType<typeof useAction>['run']; reload: () => void }) {
  const time = useTimeFormat();
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const columns = useMemo<DataColumn<Ticket>[]>(() => {
    const toggle = (id: number) =>
      setOpen((was) => {
        const next = new Set(was);
        if (!next.delete(id)) next.add(id);
        return next;
      });
    return [
      { id: 'id', header: '#', value: (t) => t.id, numeric: true },
      { id: 'machine', header: 'Machine', value: (t) => t.machineId },
      { id: 'title', header: 'Title', value: (t) => t.title },
      { id: 'priority', header: 'Priority', value: (t) => t.priority },
      { id: 'status', header: 'Status', value: (t) => t.status },
      { id: 'assignee', header: 'Assignee', value: (t) => t.assignee },
      { id: 'reporter', header: 'Reporter', value: (t) => t.reporter },
      { id: 'estimate', header: 'Estimate', value: (t) => t.costEstimate, render: (t) => fixed(t.costEstimate, 2), numeric: true },
      { id: 'actual', header: 'Actual', value: (t) => t.actualCost, render: (t) => fixed(t.actualCost, 2), numeric: true },
      { id: 'opened', header: 'Opened', value: (t) => t.createdAt, render: (t) => time.dateTime(t.createdAt) },
      {
        id: 'details',
        header: '',
        value: () => null,
        sortable: false,
        render: (t) => (
          <button type="button" onClick={() => toggle(t.id)}>
            {open.has(t.id) ? 'Hide' : 'Details'}
          </button>
        ),
      },
    ];
  }, [open, time]);
  return (
    <DataTable
      rows={tickets}
      columns={columns}
      rowKey={(t) => String(t.id)}
      testId="ticket-table"
      filterLabel="Filter tickets"
      rowClass={(t) => (urgent(t) ? 'abnormal' : undefined)}
      detail={(t) => (open.has(t.id) ? <TicketDetail ticket={t} parts={parts} run={run} reload={reload} /> : null)}
    />
  );
}

/** A ticket's description, repair steps (read aloud on request) and the actions the role allows. */
function TicketDetail({ ticket: t, parts, run, reload }: { ticket: Ticket; parts: readonly Part[]; run: ReturnType<typeof useAction>['run']; reload: () => void }) {
  const { session } = useServices();
  // Assigning is a supervisor's decision; the main process refuses it for anyone else.
  const canAssign = roleAllows(useStore(session, (s) => s.user?.role ?? null), 'supervise');
  const canWork = useAllowed('tickets.close');
  const [assignee, setAssignee] = useState(t.assignee ?? '');
  const [cost, setCost] = useState('');
  const [used, setUsed] = useState<{ partId: string; quantity: number }[]>([]);
  const [usePart, setUsePart] = useState('');
  const [useQuantity, setUseQuantity] = useState('1');
  const partName = (id: string) => parts.find((p) => p.id === id)?.name ?? id;
  const [reading, setReading] = useState<RepairVoiceState | null>(null);
  const readAloud = (action: RepairVoiceAction) => void run('voice.repairSteps', { ticketId: t.id, action }).then((state) => state && setReading(state));
  return (
    <>
      <p>{t.description}</p>
      {t.failureType && <p>Failure type: {t.failureType}</p>}
      <ol>
        {t.repairSteps.map((s, i) => (
          <li key={s} className={reading && !reading.done && reading.step === i + 1 ? 'abnormal' : undefined}>
            {s}
          </li>
        ))}
      </ol>
      {t.repairSteps.length > 0 && canWork && (
        <div data-testid="repair-voice">
          Read aloud:{' '}
          <button type="button" data-testid="repair-voice-start" onClick={() => readAloud('start')}>
            {reading && !reading.done ? 'Restart' : 'Start'}
          </button>{' '}
          <button type="button" data-testid="repair-voice-next" disabled={!reading || reading.done} onClick={() => readAloud('next')}>
            Next
          </button>{' '}
          <button type="button" data-testid="repair-voice-repeat" disabled={!reading || reading.done} onClick={() => readAloud('repeat')}>
            Repeat
          </button>{' '}
          <button type="button" data-testid="repair-voice-stop" disabled={!reading || reading.done} onClick={() => readAloud('stop')}>
            Stop
          </button>{' '}
          {reading && (
            <span className="hint" data-testid="repair-voice-said">
              {reading.done ? 'Finished' : `Step ${reading.step} of ${reading.total}`}: “{reading.text}”
            </span>
          )}
        </div>
      )}
      {t.status !== 'closed' && canWork && (
        <>
          {canAssign && (
            <>
              <input placeholder="Assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)} data-testid="ticket-assignee" />{' '}
              <button type="button" disabled={!assignee} onClick={() => void run('tickets.update', { id: t.id, assignee }, reload)}>
                Assign
              </button>{' '}
            </>
          )}
          <button type="button" onClick={() => void run('tickets.update', { id: t.id, status: 'in_progress' }, reload)}>
            Start work
          </button>
          <div data-testid="ticket-parts-used">
            Parts used:{' '}
            {used.length === 0 ? 'none' : used.map((u) => `${u.quantity} × ${partName(u.partId)}`).join(', ')}{' '}
            <select aria-label="part used" value={usePart} onChange={(e) => setUsePart(e.target.value)} data-testid="ticket-part">
              <option value="">part…</option>
              {parts.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.onHand} {p.unit} on hand)
                </option>
              ))}
            </select>{' '}
            <input aria-label="quantity used" type="number" min={0} step="any" size={4} value={useQuantity} onChange={(e) => setUseQuantity(e.target.value)} data-testid="ticket-part-quantity" />{' '}
            <button type="button" disabled={!usePart || !(Number(useQuantity) > 0)} onClick={() => setUsed([...used, { partId: usePart, quantity: Number(useQuantity) }])} data-testid="ticket-part-add">
              Add part
            </button>
          </div>
          <input placeholder="Actual cost" inputMode="decimal" value={cost} onChange={(e) => setCost(e.target.value)} data-testid="ticket-cost" />{' '}
          <button
            type="button"
            data-testid="ticket-close"
            disabled={!(Number(cost) >= 0) || cost === ''}
            onClick={() => void run('tickets.close', { id: t.id, actualCost: Number(cost), ...(used.length > 0 ? { partsUsed: used } : {}) }, reload)}
          >
            Close
          </button>
        </>
      )}
    </>
  );
}
