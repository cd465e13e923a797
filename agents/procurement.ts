/**
 * The procurement agent and its arithmetic. It checks the spare parts a predicted repair needs and
 * drafts orders that a supervisor approves; it never orders by itself.
 *
 * - Order-by date = earliest predicted failure − supplier lead time − safety margin.
 * - Urgency from the time left until the order-by date sets how hard to negotiate: there is no time
 *   to haggle for a part needed tomorrow.
 * - savings = (quoted − negotiated) × quantity, only from recorded quotes; list prices save nothing.
 * - deal score = 0.4 × price savings + 0.3 × reliability + 0.3 × delivery speed, each on 0..1.
 */
import { AGENT, TOPIC, type PrepareSparesPayload } from './names';
import { DAY_MS, OPEN_ORDER_STATUSES, type OrderRef, type PartInfo, type SupplierOffer } from './model';
import { partsFor } from './maintenance';
import type { Agent, ProposedDecision } from './sdk';

export const URGENCIES = ['low', 'medium', 'high', 'critical'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Discount aimed for in negotiation, by urgency. */
export const NEGOTIATION_DISCOUNT: Readonly<Record<Urgency, number>> = { low: 0.1, medium: 0.06, high: 0.03, critical: 0 };

export const DEFAULT_MARGIN_DAYS = 2;

export function orderByDate(failureLowTs: number, leadTimeDays: number, marginDays = DEFAULT_MARGIN_DAYS): number {
  return failureLowTs - (leadTimeDays + marginDays) * DAY_MS;
}

export function urgencyOf(orderBy: number | null, now: number): Urgency {
  if (orderBy === null) return 'critical';
  const left = orderBy - now;
  if (left <= 0) return 'critical';
  if (left <= 2 * DAY_MS) return 'high';
  if (left <= 7 * DAY_MS) return 'medium';
  return 'low';
}

export const negotiationTarget = (quotedPrice: number, urgency: Urgency): number => Math.round(quotedPrice * (1 - NEGOTIATION_DISCOUNT[urgency]) * 100) / 100;

/** Savings of a deal; zero without a recorded quote and a negotiated price. */
export function savings(offer: Pick<SupplierOffer, 'quoteId' | 'unitPrice' | 'negotiatedPrice'>, quantity: number): number {
  if (offer.quoteId === undefined || offer.negotiatedPrice === undefined || offer.negotiatedPrice === null) return 0;
  return Math.max(0, (offer.unitPrice - offer.negotiatedPrice) * quantity);
}

export interface RankedDeal {
  offer: SupplierOffer;
  savings: number;
  /** The price the order would be placed at: negotiated where there is one. */
  price: number;
  priceScore: number;
  reliabilityScore: number;
  speedScore: number;
  score: number;
}

/**
 * Ranks offers for one part, best first. Savings are normalised by the largest among the offers,
 * delivery speed as fastest / this; ties go to the lower price.
 */
export function rankDeals(offers: readonly SupplierOffer[], quantity: number): RankedDeal[] {
  if (offers.length === 0) return [];
  const saved = offers.map((o) => savings(o, quantity));
  const maxSaved = Math.max(...saved);
  const fastest = Math.min(...offers.map((o) => Math.max(0.5, o.deliveryDays)));
  return offers
    .map((offer, i) => {
      const priceScore = maxSaved > 0 ? saved[i]! / maxSaved : 0;
      const reliabilityScore = Math.min(1, Math.max(0, offer.reliability));
      const speedScore = fastest / Math.max(0.5, offer.deliveryDays);
      return {
        offer,
        savings: saved[i]!,
        price: offer.negotiatedPrice ?? offer.unitPrice,
        priceScore,
        reliabilityScore,
        speedScore,
        score: 0.4 * priceScore + 0.3 * reliabilityScore + 0.3 * speedScore,
      };
    })
    .sort((a, b) => b.score - a.score || a.price - b.price);
}

export interface ProcurementInputs {
  parts: readonly PartInfo[];
  offers: readonly SupplierOffer[];
  orders: readonly OrderRef[];
  marginDays: number;
}
export const PROCUREMENT_INPUTS = ['parts', 'offers', 'orders', 'marginDays'] as const;

export function createProcurementAgent(options: { periodMs?: number } = {}): Agent {
  return {
    name: AGENT.procurement,
    periodMs: options.periodMs ?? 5 * 60_000,
    inputs: PROCUREMENT_INPUTS,
    actions: ['check_part', 'draft_order'],
    run(ctx) {
      const inputs = ctx.inputs as unknown as ProcurementInputs;
      const decisions: ProposedDecision[] = [];
      const openByPart = new Map<string, number>();
      for (const o of inputs.orders) if (OPEN_ORDER_STATUSES.includes(o.status)) openByPart.set(o.partId, (openByPart.get(o.partId) ?? 0) + o.quantity);
      /** Parts drafted in this run: a part two machines need is drafted once, not twice. */
      const drafted = new Set<string>();

      /** `failureLowTs` undefined: a replenishment, due now at normal urgency since the reorder point covers the lead time. */
      const draft = (part: PartInfo, quantity: number, failureLowTs: number | null | undefined, why: string, machineId: string | null) => {
        const ranked = rankDeals(
          inputs.offers.filter((o) => o.partId === part.id),
          quantity,
        );
        const best = ranked[0];
        const leadDays = best?.offer.deliveryDays ?? part.leadTimeDays;
        const orderBy = failureLowTs === undefined ? ctx.ts : failureLowTs === null ? null : orderByDate(failureLowTs, leadDays, inputs.marginDays);
        const urgency = failureLowTs === undefined ? 'medium' : urgencyOf(orderBy, ctx.ts);
        const unitPrice = best?.price ?? part.unitPrice;
        drafted.add(part.id);
        decisions.push({
          action: 'draft_order',
          target: part.id,
          explanation:
            `Draft an order for ${quantity} ${part.unit} of ${part.name} ${best ? `from ${best.offer.supplierName}` : 'with no supplier on file'}: ${why}. ` +
            (orderBy === null ? 'No failure date is predicted, so it is treated as urgent. ' : `Order by ${new Date(orderBy).toISOString().slice(0, 10)} (lead time ${leadDays} d + ${inputs.marginDays} d margin). `) +
            (best ? `Best deal score ${best.score.toFixed(2)} of ${ranked.length} offer(s); aim to negotiate to ${negotiationTarget(unitPrice, urgency)} (${urgency} urgency).` : 'Enter a supplier before approval.'),
          inputs: { onHand: part.onHand, reserved: part.reserved, inbound: openByPart.get(part.id) ?? 0, reorderPoint: part.reorderPoint, failureLowTs: failureLowTs ?? null, offers: ranked.map((r) => ({ supplierId: r.offer.supplierId, score: r.score, price: r.price })) },
          params: {
            partId: part.id,
            supplierId: best?.offer.supplierId ?? null,
            quantity,
            unitPrice,
            quoteId: best?.offer.quoteId ?? null,
            orderBy,
            urgency,
            negotiationTarget: negotiationTarget(unitPrice, urgency),
            machineId,
          },
        });
      };

      for (const m of ctx.inbox) {
        if (m.topic !== TOPIC.prepareSpares) continue;
        const need = m.payload as PrepareSparesPayload;
        for (const part of partsFor(inputs.parts, need.machineType, need.failureType)) {
          const available = part.onHand - part.reserved;
          const inbound = openByPart.get(part.id) ?? 0;
          const enough = available >= 1;
          decisions.push({
            action: 'check_part',
            target: part.id,
            explanation: `${part.name} for the ${need.failureType.replaceAll('_', ' ')} repair on ${need.machineId}: ${available} ${part.unit} available${inbound > 0 ? `, ${inbound} on order` : ''}; ${enough ? 'enough for the repair' : 'not enough for the repair'}.`,
            inputs: { onHand: part.onHand, reserved: part.reserved, inbound, needed: 1 },
            params: { partId: part.id, machineId: need.machineId, available, inbound },
          });
          const position = available - 1 + inbound;
          if (!drafted.has(part.id) && position < part.reorderPoint) {
            const quantity = Math.max(part.reorderQuantity, part.reorderPoint - position);
            draft(part, quantity, need.failureLowTs, `the predicted ${need.failureType.replaceAll('_', ' ')} on ${need.machineId} needs one, leaving a stock position of ${position} against a reorder point of ${part.reorderPoint}`, need.machineId);
          }
        }
      }

      for (const part of inputs.parts) {
        if (drafted.has(part.id)) continue;
        const position = part.onHand - part.reserved + (openByPart.get(part.id) ?? 0);
        if (position >= part.reorderPoint) continue;
        draft(part, Math.max(part.reorderQuantity, part.reorderPoint - position), undefined, `stock position ${position} is below the reorder point of ${part.reorderPoint}`, null);
      }
      return { decisions };
    },
  };
}
