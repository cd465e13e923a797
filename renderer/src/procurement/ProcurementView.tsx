import { useState } from 'react';
import type { Order } from '../../../common/contract-agents';
import { roleAllows } from '../../../common/roles';
import { useStore } from 'zustand';
import { useServices } from '../app/services-context';
import { download, fixed, useAction, useCall, when } from '../analytics/use-call';

/**
 * Parts, quotes, deals and purchase orders. Approve and reject show only for supervisors and
 * admins; the main process enforces it whatever the screen shows.
 */
export function ProcurementView() {
  const { call, session } = useServices();
  const role = useStore(session, (s) => s.user?.role ?? null);
  const parts = useCall('procurement.parts', {}, 'parts');
  const orders = useCall('procurement.orders', { limit: 200 }, 'orders');
  const quotes = useCall('procurement.quotes', { limit: 50 }, 'quotes');
  const { run, error } = useAction();
  const [partId, setPartId] = useState('');
  const deals = useCall('procurement.deals', { partId: partId || '-', quantity: 1 }, `deals:${partId}`);
  const [csv, setCsv] = useState('');
  const reload = () => {
    orders.reload();
    parts.reload();
    quotes.reload();
  };
  const canApprove = roleAllows(role, 'supervise');
  const exportOrder = (o: Order, format: 'csv' | 'pdf') => call('procurement.orders.export', { id: o.id, format }).then(download, () => undefined);

  return (
    <main className="settings" data-testid="procurement">
      <h2 className="view-title">Procurement</h2>
      {(error ?? orders.error) && <p className="unknown-note">{error ?? orders.error}</p>}
      <section className="panel">
        <h3>Purchase orders</h3>
        <table className="data-table" data-testid="order-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Part</th>
              <th>Supplier</th>
              <th>Qty</th>
              <th>Unit price</th>
              <th>Target</th>
              <th>Order by</th>
              <th>Urgency</th>
              <th>Status</th>
              <th>By</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(orders.data ?? []).map((o) => (
              <tr key={o.id} className={o.status === 'pending_approval' && (o.urgency === 'critical' || o.urgency === 'high') ? 'abnormal' : undefined}>
                <td>{o.id}</td>
                <td>{o.partName}</td>
                <td>{o.supplierName ?? '—'}</td>
                <td>{o.quantity}</td>
                <td>{fixed(o.unitPrice, 2)}</td>
                <td>{fixed(o.negotiationTarget, 2)}</td>
                <td>{when(o.orderBy).slice(0, 10)}</td>
                <td>{o.urgency ?? '—'}</td>
                <td>{o.status.replace('_', ' ')}</td>
                <td>
                  {o.createdBy}
                  {o.approvedBy ? ` / ${o.approvedBy}` : ''}
                </td>
                <td>
                  {o.status === 'draft' && (
                    <button type="button" onClick={() => void run('procurement.orders.submit', { id: o.id }, reload)}>
                      Submit
                    </button>
                  )}
                  {o.status === 'pending_approval' && canApprove && (
                    <>
                      <button type="button" data-testid={`approve-${o.id}`} onClick={() => void run('procurement.orders.approve', { id: o.id }, reload)}>
                        Approve
                      </button>{' '}
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
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel">
        <h3>Parts</h3>
        {parts.data?.some((p) => p.examplePrice) && <p className="hint">Prices marked “example” come with the app; enter your own.</p>}
        <table className="data-table">
          <thead>
            <tr>
              <th>Part</th>
              <th>On hand</th>
              <th>Reorder point</th>
              <th>Lead time (d)</th>
              <th>Price</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(parts.data ?? []).map((p) => (
              <tr key={p.id} className={p.onHand < p.reorderPoint ? 'abnormal' : undefined}>
                <td>{p.name}</td>
                <td>
                  {p.onHand} {p.unit}
                </td>
                <td>{p.reorderPoint}</td>
                <td>{p.leadTimeDays}</td>
                <td>
                  {fixed(p.unitPrice, 2)}
                  {p.examplePrice ? ' (example)' : ''}
                </td>
                <td>
                  <button type="button" onClick={() => setPartId(p.id)}>
                    Deals
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
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
