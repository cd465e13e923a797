import { useMemo, useRef, useState } from 'react';
import type { Order, Part } from '../../../common/contract-agents';
import { roleAllows } from '../../../common/roles';
import { useStore } from 'zustand';
import { useServices } from '../app/services-context';
import { download, fixed, useAction, useCall } from '../app/use-call';
import { useTimeFormat } from '../app/time-format';
import { DataTable, type DataColumn } from '../shell/DataTable';

/**
 * Parts (stock and reorder points), suppliers with their delivery record, quotes, deals, purchase
 * orders and their savings. Approve and reject show only for supervisors and admins; the main
 * process enforces it whatever the screen shows.
 */
export function ProcurementView() {
  const { call, session } = useServices();
  const time = useTimeFormat();
  const role = useStore(session, (s) => s.user?.role ?? null);
  const username = useStore(session, (s) => s.user?.username ?? null);
  const parts = useCall('procurement.parts', {}, 'parts');
  const orders = useCall('procurement.orders', { limit: 200 }, 'orders');
  const quotes = useCall('procurement.quotes', { limit: 50 }, 'quotes');
  const suppliers = useCall('procurement.suppliers', {}, 'suppliers');
  const savings = useCall('procurement.savings', { months: 12 }, 'savings');
  const canOperate = roleAllows(role, 'operate');
  const { run, error } = useAction();
  const [partId, setPartId] = useState('');
  const deals = useCall('procurement.deals', { partId: partId || '-', quantity: 1 }, `deals:${partId}`);
  const [csv, setCsv] = useState('');
  const reload = () => {
    orders.reload();
    parts.reload();
    quotes.reload();
    suppliers.reload();
    savings.reload();
  };
  const canApprove = roleAllows(role, 'supervise');
  /** Whoever created an order does not approve it (four eyes); the main process refuses it too. */
  const ownOrder = (o: Order) => username !== null && o.createdBy?.toLowerCase() === username.toLowerCase();
  const exportOrder = (o: Order, format: 'csv' | 'pdf') => call('procurement.orders.export', { id: o.id, format }).then(download, () => undefined);

  // The buttons read the latest handlers through a ref, so the columns (and the table's sorting) survive every render.
  const act = useRef({ run, reload, exportOrder, ownOrder, canApprove });
  act.current = { run, reload, exportOrder, ownOrder, canApprove };
  const orderColumns = useMemo<DataColumn<Order>[]>(
    () => [
      { id: 'id', header: '#', value: (o) => o.id, numeric: true },
      { id: 'part', header: 'Part', value: (o) => o.partName },
      { id: 'supplier', header: 'Supplier', value: (o) => o.supplierName },
      { id: 'quantity', header: 'Qty', value: (o) => o.quantity, numeric: true },
      { id: 'unitPrice', header: 'Unit price', value: (o) => o.unitPrice, render: (o) => fixed(o.unitPrice, 2), numeric: true },
      { id: 'negotiated', header: 'Negotiated', value: (o) => o.negotiatedPrice, render: (o) => fixed(o.negotiatedPrice, 2), numeric: true },
      { id: 'savings', header: 'Savings', value: (o) => o.savings, render: (o) => fixed(o.savings, 2), numeric: true },
      { id: 'target', header: 'Target', value: (o) => o.negotiationTarget, render: (o) => fixed(o.negotiationTarget, 2), numeric: true },
      { id: 'orderBy', header: 'Order by', value: (o) => o.orderBy, render: (o) => time.date(o.orderBy) },
      { id: 'expected', header: 'Expected', value: (o) => o.estimatedDelivery, render: (o) => time.date(o.estimatedDelivery) },
      { id: 'delivered', header: 'Delivered', value: (o) => o.actualDelivery, render: (o) => time.date(o.actualDelivery) },
      { id: 'urgency', header: 'Urgency', value: (o) => o.urgency },
      { id: 'status', header: 'Status', value: (o) => o.status.replace('_', ' ') },
      { id: 'by', header: 'By', value: (o) => `${o.createdBy ?? ''}${o.approvedBy ? ` / ${o.approvedBy}` : ''}` },
      { id: 'actions', header: '', value: () => null, sortable: false, render: (o) => <OrderActions order={o} {...act.current} /> },
    ],
    [time],
  );

  return (
    <main className="settings procurement" data-testid="procurement">
      <h2 className="view-title">Procurement</h2>
      {(error ?? orders.error) && <p className="unknown-note">{error ?? orders.error}</p>}
      <section className="panel panel-wide">
        <h3>Purchase orders</h3>
        <DataTable
          rows={orders.data ?? []}
          columns={orderColumns}
          rowKey={(o) => String(o.id)}
          testId="order-table"
          filterLabel="Filter orders"
          rowClass={(o) => (o.status === 'pending_approval' && (o.urgency === 'critical' || o.urgency === 'high') ? 'abnormal' : undefined)}
        />
        {canOperate && parts.data && suppliers.data && <NewOrderForm parts={parts.data} suppliers={suppliers.data} onCreate={(request) => void run('procurement.orders.create', request, reload)} />}
      </section>

      <section className="panel" data-testid="savings-panel">
        <h3>Savings per month</h3>
        <p className="hint">Negotiated below the quoted or list price, on orders approved, placed or delivered; by the month they were created (plant time).</p>
        <table className="data-table" data-testid="savings-table">
          <thead>
            <tr>
              <th>Month</th>
              <th>Orders</th>
              <th>Savings</th>
            </tr>
          </thead>
          <tbody>
            {(savings.data ?? []).map((m) => (
              <tr key={m.month}>
                <td>{m.month}</td>
                <td>{m.orders}</td>
                <td>{fixed(m.savings, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {savings.data?.length === 0 && <p className="hint">No savings recorded yet.</p>}
      </section>

      <section className="panel" data-testid="supplier-panel">
        <h3>Suppliers</h3>
        <p className="hint">Delivery record from delivered orders: on time means within a day of the expected date (supplier's delivery days after the order was placed).</p>
        <table className="data-table" data-testid="supplier-table">
          <thead>
            <tr>
              <th>Supplier</th>
              <th>Reliability (catalog)</th>
              <th>Delivery (d)</th>
              <th>Delivered</th>
              <th>On time</th>
              <th>Average delay (d)</th>
            </tr>
          </thead>
          <tbody>
            {(suppliers.data ?? []).map((s) => (
              <tr key={s.id} data-testid="supplier-row" data-id={s.id}>
                <td>{s.name}</td>
                <td>{fixed(s.reliability, 2)}</td>
                <td>{s.deliveryDays}</td>
                <td>{s.performance.delivered}</td>
                <td data-testid="supplier-on-time">{s.performance.onTimeShare === null ? '—' : `${Math.round(s.performance.onTimeShare * 100)} %`}</td>
                <td>{fixed(s.performance.averageDelayDays, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel">
        <h3>Parts</h3>
        {parts.data?.some((p) => p.examplePrice) && <p className="hint">Prices marked “example” come with the app; enter your own.</p>}
        <PartsTable parts={parts.data ?? []} editable={canOperate} onSave={(id, change) => void run('procurement.parts.update', { id, ...change }, reload)} onDeals={setPartId} />
        {partId && (
          <table className="data-table" data-testid="deal-table">
            <caption>Deals for {partId}: score = 0.4 savings + 0.3 reliability + 0.3 delivery speed</caption>
            <thead>
              <tr>
                <th>Supplier</th>
                <th>Price</th>
                <th>Savings</th>
                <th>Reliability</th>
                <th>Delivery (d)</th>
                <th>Score</th>
              </tr>
            </thead>
            <tbody>
              {(deals.data ?? []).map((d) => (
                <tr key={d.supplierId}>
                  <td>
                    {d.supplierName}
                    {d.quoteId !== null ? ` (quote #${d.quoteId})` : ' (list)'}
                  </td>
                  <td>{fixed(d.price, 2)}</td>
                  <td>{fixed(d.savings, 2)}</td>
                  <td>{fixed(d.reliabilityScore, 2)}</td>
                  <td>{d.deliveryDays}</td>
                  <td>{fixed(d.score, 2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel">
        <h3>Quotes</h3>
        {canOperate && parts.data && suppliers.data && <QuoteForm parts={parts.data} suppliers={suppliers.data} onAdd={(request) => void run('procurement.quotes.add', request, reload)} />}
        <p className="hint">Import CSV with columns supplier_id, part_id, quantity, quoted_price, negotiated_price, valid_until.</p>
        <textarea rows={4} cols={80} value={csv} onChange={(e) => setCsv(e.target.value)} data-testid="quote-csv" />{' '}
        <button
          type="button"
          disabled={!csv.trim()}
          onClick={() =>
            void run('procurement.quotes.import', { csv }, () => {
              setCsv('');
              reload();
            })
          }
        >
          Import
        </button>
        <table className="data-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Supplier</th>
              <th>Part</th>
              <th>Qty</th>
              <th>Quoted</th>
              <th>Negotiated</th>
              <th>Savings</th>
            </tr>
          </thead>
          <tbody>
            {(quotes.data ?? []).map((q) => (
              <tr key={q.id}>
                <td>{q.id}</td>
                <td>{q.supplierId}</td>
                <td>{q.partId}</td>
                <td>{q.quantity}</td>
                <td>{fixed(q.quotedPrice, 2)}</td>
                <td>{fixed(q.negotiatedPrice, 2)}</td>
                <td>{fixed(q.savings, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}

/** On hand and reorder point edited in place; saved together, audited in the main process. */
/** What can be done with an order in its state, by this role; the main process checks again. */
function OrderActions({
  order: o,
  run,
  reload,
  exportOrder,
  ownOrder,
  canApprove,
}: {
  order: Order;
  run: ReturnType<typeof useAction>['run'];
  reload: () => void;
  exportOrder: (o: Order, format: 'csv' | 'pdf') => Promise<void>;
  ownOrder: (o: Order) => boolean;
  canApprove: boolean;
}) {
  return (
    <>
      {o.status === 'draft' && (
        <button type="button" onClick={() => void run('procurement.orders.submit', { id: o.id }, reload)}>
          Submit
        </button>
      )}
      {o.status === 'pending_approval' && canApprove && (
        <>
          {ownOrder(o) ? (
            <span className="hint">your order: another supervisor approves</span>
          ) : (
            <button type="button" data-testid={`approve-${o.id}`} onClick={() => void run('procurement.orders.approve', { id: o.id }, reload)}>
              Approve
            </button>
          )}{' '}
          <button type="button" onClick={() => void run('procurement.orders.reject', { id: o.id, reason: 'rejected on the procurement screen' }, reload)}>
            Reject
          </button>
        </>
      )}
      {o.status === 'approved' && (
        <button type="button" onClick={() => void run('procurement.orders.advance', { id: o.id, to: 'ordered' }, reload)}>
          Mark ordered
        </button>
      )}
      {o.status === 'ordered' && (
        <button type="button" onClick={() => void run('procurement.orders.advance', { id: o.id, to: 'delivered' }, reload)}>
          Mark delivered
        </button>
      )}{' '}
      <button type="button" onClick={() => void exportOrder(o, 'pdf')}>
        PDF
      </button>{' '}
      <button type="button" onClick={() => void exportOrder(o, 'csv')}>
        CSV
      </button>
    </>
  );
}

interface PartDraft {
  onHand: string;
  reorderPoint: string;
}
/** A draft belongs to the part as it was when editing began; once the host's figures change, the inputs show them. */
const partVersion = (p: Part) => `${p.id}:${p.onHand}:${p.reorderPoint}`;

/** Parts with stock and reorder point edited in place; sortable and filterable like every table that grows. */
function PartsTable({ parts, editable, onSave, onDeals }: { parts: readonly Part[]; editable: boolean; onSave(id: string, change: { onHand: number; reorderPoint: number }): void; onDeals(id: string): void }) {
  const [drafts, setDrafts] = useState<Readonly<Record<string, PartDraft>>>({});
  const act = useRef({ onSave, onDeals });
  act.current = { onSave, onDeals };
  const columns = useMemo<DataColumn<Part>[]>(() => {
    const draftOf = (p: Part, from = drafts): PartDraft => from[partVersion(p)] ?? { onHand: String(p.onHand), reorderPoint: String(p.reorderPoint) };
    const edit = (p: Part, field: keyof PartDraft, value: string) => setDrafts((d) => ({ ...d, [partVersion(p)]: { ...draftOf(p, d), [field]: value } }));
    const input = (p: Part, field: keyof PartDraft, label: string, testId: string) => (
      <input type="number" min={0} step="any" size={6} aria-label={`${p.name} ${label}`} data-testid={testId} value={draftOf(p)[field]} onChange={(e) => edit(p, field, e.target.value)} />
    );
    return [
      { id: 'name', header: 'Part', value: (p) => p.name },
      {
        id: 'onHand',
        header: 'On hand',
        value: (p) => p.onHand,
        render: (p) => (
          <>
            {editable ? input(p, 'onHand', 'on hand', 'part-on-hand') : p.onHand} {p.unit}
          </>
        ),
      },
      { id: 'reorderPoint', header: 'Reorder point', value: (p) => p.reorderPoint, render: (p) => (editable ? input(p, 'reorderPoint', 'reorder point', 'part-reorder-point') : p.reorderPoint) },
      { id: 'leadTime', header: 'Lead time (d)', value: (p) => p.leadTimeDays, numeric: true },
      { id: 'price', header: 'Price', value: (p) => p.unitPrice, render: (p) => `${fixed(p.unitPrice, 2)}${p.examplePrice ? ' (example)' : ''}` },
      {
        id: 'actions',
        header: '',
        value: () => null,
        sortable: false,
        render: (p) => {
          const d = draftOf(p);
          const changed = Number(d.onHand) !== p.onHand || Number(d.reorderPoint) !== p.reorderPoint;
          const valid = d.onHand.trim() !== '' && d.reorderPoint.trim() !== '' && Number(d.onHand) >= 0 && Number(d.reorderPoint) >= 0;
          return (
            <>
              {editable && (
                <button type="button" data-testid="part-save" disabled={!changed || !valid} onClick={() => act.current.onSave(p.id, { onHand: Number(d.onHand), reorderPoint: Number(d.reorderPoint) })}>
                  Save
                </button>
              )}{' '}
              <button type="button" onClick={() => act.current.onDeals(p.id)}>
                Deals
              </button>
            </>
          );
        },
      },
    ];
  }, [drafts, editable]);
  return <DataTable rows={parts} columns={columns} rowKey={(p) => p.id} testId="part" filterLabel="Filter parts" rowClass={(p) => (p.onHand < p.reorderPoint ? 'abnormal' : undefined)} />;
}

interface Choices {
  parts: readonly Part[];
  suppliers: readonly { id: string; name: string }[];
}

const optionalNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** A purchase order entered by hand: it starts as a draft, and is submitted for approval like the agent's. */
function NewOrderForm({ parts, suppliers, onCreate }: Choices & { onCreate(request: { partId: string; supplierId?: string; quantity: number; unitPrice?: number; negotiatedPrice?: number; note?: string }): void }) {
  const [partId, setPartId] = useState(parts[0]?.id ?? '');
  const [supplierId, setSupplierId] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [unitPrice, setUnitPrice] = useState('');
  const [negotiated, setNegotiated] = useState('');
  const [note, setNote] = useState('');
  return (
    <form
      data-testid="order-new"
      onSubmit={(e) => {
        e.preventDefault();
        onCreate({ partId, quantity: Number(quantity), ...(supplierId ? { supplierId } : {}), ...(optionalNumber(unitPrice) !== undefined ? { unitPrice: optionalNumber(unitPrice) } : {}), ...(optionalNumber(negotiated) !== undefined ? { negotiatedPrice: optionalNumber(negotiated) } : {}), ...(note.trim() ? { note: note.trim() } : {}) });
      }}
    >
      <h4>New order</h4>
      <select aria-label="part" data-testid="order-part" value={partId} onChange={(e) => setPartId(e.target.value)}>
        {parts.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>{' '}
      <select aria-label="supplier" data-testid="order-supplier" value={supplierId} onChange={(e) => setSupplierId(e.target.value)}>
        <option value="">supplier later</option>
        {suppliers.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>{' '}
      <input aria-label="quantity" data-testid="order-quantity" type="number" min={0} step="any" size={5} value={quantity} onChange={(e) => setQuantity(e.target.value)} required />{' '}
      <input aria-label="unit price" data-testid="order-price" type="number" step="any" size={8} placeholder="unit price" value={unitPrice} onChange={(e) => setUnitPrice(e.target.value)} />{' '}
      <input aria-label="negotiated price" data-testid="order-negotiated" type="number" step="any" size={8} placeholder="negotiated" value={negotiated} onChange={(e) => setNegotiated(e.target.value)} />{' '}
      <input aria-label="note" placeholder="note" value={note} onChange={(e) => setNote(e.target.value)} />{' '}
      <button type="submit" data-testid="order-create">
        Create draft
      </button>
    </form>
  );
}

/** One supplier's quote, typed in from a phone call or an e-mail. */
function QuoteForm({ parts, suppliers, onAdd }: Choices & { onAdd(request: { supplierId: string; partId: string; quantity: number; quotedPrice: number; negotiatedPrice?: number }): void }) {
  const [supplierId, setSupplierId] = useState(suppliers[0]?.id ?? '');
  const [partId, setPartId] = useState(parts[0]?.id ?? '');
  const [quantity, setQuantity] = useState('1');
  const [quoted, setQuoted] = useState('');
  const [negotiated, setNegotiated] = useState('');
  return (
    <form
      data-testid="quote-new"
      onSubmit={(e) => {
        e.preventDefault();
        onAdd({ supplierId, partId, quantity: Number(quantity), quotedPrice: Number(quoted), ...(optionalNumber(negotiated) !== undefined ? { negotiatedPrice: optionalNumber(negotiated) } : {}) });
      }}
    >
      <select aria-label="quote supplier" data-testid="quote-supplier" value={supplierId} onChange={(e) => setSupplierId(e.target.value)}>
        {suppliers.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>{' '}
      <select aria-label="quote part" data-testid="quote-part" value={partId} onChange={(e) => setPartId(e.target.value)}>
        {parts.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>{' '}
      <input aria-label="quote quantity" type="number" min={0} step="any" size={5} value={quantity} onChange={(e) => setQuantity(e.target.value)} required />{' '}
      <input aria-label="quoted price" data-testid="quote-price" type="number" step="any" size={8} placeholder="quoted price" value={quoted} onChange={(e) => setQuoted(e.target.value)} required />{' '}
      <input aria-label="quote negotiated price" type="number" step="any" size={8} placeholder="negotiated" value={negotiated} onChange={(e) => setNegotiated(e.target.value)} />{' '}
      <button type="submit" data-testid="quote-add">
        Add quote
      </button>
    </form>
  );
}
