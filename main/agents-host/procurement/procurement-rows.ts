/** The procurement tables' rows and how they read as the contract's parts, quotes and orders. */
import type { Order, OrderStatus, Part, Quote } from '../../../common/contract-agents';

export interface PartRow {
  id: string;
  name: string;
  machine_types: string;
  failure_types: string;
  unit: string;
  on_hand: number;
  reserved: number;
  reorder_point: number;
  reorder_quantity: number;
  lead_time_days: number;
  unit_price: number;
  example_price: number;
}
export interface QuoteRow {
  id: number;
  supplier_id: string;
  part_id: string;
  quantity: number;
  quoted_price: number;
  negotiated_price: number | null;
  valid_until: number | null;
  source: 'entered' | 'csv';
  created_by: string | null;
  created_at: number;
}
export interface OrderRow {
  id: number;
  part: string;
  part_name: string | null;
  supplier: string | null;
  supplier_name: string | null;
  quantity: number;
  unit_price: number | null;
  status: OrderStatus;
  machine_id: string | null;
  created_by: string | null;
  approved_by: string | null;
  created_at: number;
  updated_at: number;
  quote_id: number | null;
  order_by: number | null;
  urgency: Order['urgency'];
  negotiation_target: number | null;
  decision_id: string | null;
  note: string | null;
  negotiated_price: number | null;
  savings: number | null;
  estimated_delivery: number | null;
  actual_delivery: number | null;
}

export const DAY_MS = 86_400_000;
/** (unit − negotiated) × quantity, never negative; null without both prices. */
export const savingsOf = (unitPrice: number | null, negotiatedPrice: number | null, quantity: number) => (unitPrice === null || negotiatedPrice === null ? null : Math.max(0, (unitPrice - negotiatedPrice) * quantity));

export const toPart = (r: PartRow): Part => ({
  id: r.id,
  name: r.name,
  machineTypes: JSON.parse(r.machine_types) as string[],
  failureTypes: JSON.parse(r.failure_types) as string[],
  unit: r.unit,
  onHand: r.on_hand,
  reserved: r.reserved,
  reorderPoint: r.reorder_point,
  reorderQuantity: r.reorder_quantity,
  leadTimeDays: r.lead_time_days,
  unitPrice: r.unit_price,
  examplePrice: r.example_price === 1,
});
export const toQuote = (r: QuoteRow): Quote => ({
  id: r.id,
  supplierId: r.supplier_id,
  partId: r.part_id,
  quantity: r.quantity,
  quotedPrice: r.quoted_price,
  negotiatedPrice: r.negotiated_price,
  validUntil: r.valid_until,
  source: r.source,
  createdBy: r.created_by,
  createdAt: r.created_at,
  savings: r.negotiated_price === null ? 0 : Math.max(0, (r.quoted_price - r.negotiated_price) * r.quantity),
});
export const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  partId: r.part,
  partName: r.part_name ?? r.part,
  supplierId: r.supplier,
  supplierName: r.supplier_name,
  quantity: r.quantity,
  unitPrice: r.unit_price,
  status: r.status,
  machineId: r.machine_id,
  createdBy: r.created_by,
  approvedBy: r.approved_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  quoteId: r.quote_id,
  orderBy: r.order_by,
  urgency: r.urgency,
  negotiationTarget: r.negotiation_target,
  decisionId: r.decision_id,
  note: r.note,
  negotiatedPrice: r.negotiated_price,
  savings: r.savings,
  estimatedDelivery: r.estimated_delivery,
  actualDelivery: r.actual_delivery,
});

export const ORDER_SELECT = `SELECT o.*, p.name AS part_name, s.name AS supplier_name FROM procurement_orders o
  LEFT JOIN parts p ON p.id = o.part LEFT JOIN suppliers s ON s.id = o.supplier`;
