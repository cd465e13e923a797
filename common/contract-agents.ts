/**
 * The agents' half of the contract: decisions and messages, maintenance tickets, procurement,
 * energy and the optimization reports. Spread into `calls` and `events` of contract.ts.
 *
 * Approval is enforced here by permission (orders need 'supervise') and in the main process by the
 * order state machine, so a renderer cannot approve by calling something else.
 */
import { z } from 'zod';
import { eventMs, wallMs } from './time';
import type { Permission } from './roles';

const call = <Req extends z.ZodType, Res extends z.ZodType>(spec: { request: Req; response: Res; permission: Permission; audited: boolean }) => spec;

const Id = z.number().int().positive();
const Text = (max: number) => z.string().trim().max(max);
const Money = z.number().finite().min(0, 'cannot be negative').max(1e9);
const Limit = z.number().int().min(1).max(5000).default(200);
const Json = z.record(z.string(), z.unknown());

export const DECISION_STATUSES = ['recorded', 'applied', 'awaiting_approval', 'approved', 'rejected', 'failed'] as const;
export const AgentDecisionSchema = z.object({
  id: z.string(),
  agent: z.string(),
  ts: eventMs(),
  action: z.string(),
  target: z.string().nullable(),
  explanation: z.string(),
  inputs: Json,
  params: Json,
  confidence: z.number().nullable(),
  /** recorded: information only; applied: the host acted (ticket, draft order); awaiting_approval: a machine command. */
  status: z.enum(DECISION_STATUSES),
  decidedBy: z.string().nullable(),
  decidedAt: wallMs().nullable(),
  /** What applying it produced (ticket or order id, published topic) or why it failed. */
  outcome: z.string().nullable(),
});
export type AgentDecision = z.infer<typeof AgentDecisionSchema>;

export const AgentMessageSchema = z.object({ seq: z.number(), ts: eventMs(), from: z.string(), to: z.string(), topic: z.string(), payload: z.unknown() });
export type AgentMessageRecord = z.infer<typeof AgentMessageSchema>;

export const AgentStatusSchema = z.object({
  name: z.string(),
  runs: z.number(),
  lastRunTs: eventMs().nullable(),
  nextDueTs: eventMs().nullable(),
  overruns: z.number(),
  lastElapsedMs: z.number().nullable(),
  consecutiveFailures: z.number(),
  suspendedUntil: eventMs().nullable(),
});

export const TICKET_STATUSES = ['open', 'assigned', 'in_progress', 'closed'] as const;
export const TicketStatusSchema = z.enum(TICKET_STATUSES);
export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export const TicketPrioritySchema = z.enum(TICKET_PRIORITIES);

export const TicketSchema = z.object({
  id: z.number(),
  machineId: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  status: TicketStatusSchema,
  priority: TicketPrioritySchema,
  assignee: z.string().nullable(),
  reporter: z.string().nullable(),
  failureType: z.string().nullable(),
  repairSteps: z.array(z.string()),
  costEstimate: z.number().nullable(),
  actualCost: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  closedAt: z.number().nullable(),
  /** The agent decision that opened it; null for a ticket made by hand. */
  decisionId: z.string().nullable(),
});
export type Ticket = z.infer<typeof TicketSchema>;

export const ReliabilitySchema = z.object({ machineId: z.string(), failures: z.number(), mtbfHours: z.number().nullable(), mttrHours: z.number().nullable() });

export const PartSchema = z.object({
  id: z.string(),
  name: z.string(),
  machineTypes: z.array(z.string()),
  failureTypes: z.array(z.string()),
  unit: z.string(),
  onHand: z.number(),
  reserved: z.number(),
  reorderPoint: z.number(),
  reorderQuantity: z.number(),
  leadTimeDays: z.number(),
  unitPrice: z.number(),
  /** True while the price is the shipped example, not one the plant entered. */
  examplePrice: z.boolean(),
});
export type Part = z.infer<typeof PartSchema>;

export const SupplierSchema = z.object({
  id: z.string(),
  name: z.string(),
  reliability: z.number(),
  deliveryDays: z.number(),
  example: z.boolean(),
  prices: z.array(z.object({ partId: z.string(), unitPrice: z.number() })),
  /** From its delivered orders that had an expected date: share on time, mean delay of all of them (days). */
  performance: z.object({ delivered: z.number(), onTime: z.number(), onTimeShare: z.number().nullable(), averageDelayDays: z.number().nullable() }),
});

export const QuoteSchema = z.object({
  id: z.number(),
  supplierId: z.string(),
  partId: z.string(),
  quantity: z.number(),
  quotedPrice: z.number(),
  negotiatedPrice: z.number().nullable(),
  validUntil: z.number().nullable(),
  source: z.enum(['entered', 'csv']),
  createdBy: z.string().nullable(),
  createdAt: z.number(),
  /** (quoted − negotiated) × quantity; zero until a negotiated price is recorded. */
  savings: z.number(),
});
export type Quote = z.infer<typeof QuoteSchema>;

export const DealSchema = z.object({
  supplierId: z.string(),
  supplierName: z.string(),
  quoteId: z.number().nullable(),
  price: z.number(),
  savings: z.number(),
  priceScore: z.number(),
  reliabilityScore: z.number(),
  speedScore: z.number(),
  score: z.number(),
  deliveryDays: z.number(),
});

export const ORDER_STATUSES = ['draft', 'pending_approval', 'approved', 'ordered', 'delivered', 'rejected', 'cancelled'] as const;
export const OrderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;
export const URGENCIES = ['low', 'medium', 'high', 'critical'] as const;

export const OrderSchema = z.object({
  id: z.number(),
  partId: z.string(),
  partName: z.string(),
  supplierId: z.string().nullable(),
  supplierName: z.string().nullable(),
  quantity: z.number(),
  unitPrice: z.number().nullable(),
  status: OrderStatusSchema,
  machineId: z.string().nullable(),
  createdBy: z.string().nullable(),
  approvedBy: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  quoteId: z.number().nullable(),
  orderBy: z.number().nullable(),
  urgency: z.enum(URGENCIES).nullable(),
  negotiationTarget: z.number().nullable(),
  decisionId: z.string().nullable(),
  note: z.string().nullable(),
  /** The price agreed below the quoted or list price (unitPrice), and what it saved: (unitPrice − negotiated) × quantity. */
  negotiatedPrice: z.number().nullable(),
  savings: z.number().nullable(),
  /** Set when the order is placed (supplier's delivery days), and when it arrives. */
  estimatedDelivery: z.number().nullable(),
  actualDelivery: z.number().nullable(),
});
export type Order = z.infer<typeof OrderSchema>;

/** A generated document; PDF travels as base64. */
export const FileSchema = z.object({ filename: z.string(), mime: z.string(), encoding: z.enum(['utf8', 'base64']), content: z.string() });
export type ExportFile = z.infer<typeof FileSchema>;

const EstimateSchema = z.object({ kwh: z.number(), co2Kg: z.number(), co2MarketKg: z.number().nullable(), cost: z.number() });
export const BaselineSchema = z.object({ intercept: z.number(), slope: z.number(), n: z.number(), cvRmse: z.number(), nmbe: z.number(), r2: z.number(), accepted: z.boolean(), reason: z.string().nullable() });

export const EnergySummarySchema = z.object({
  ts: eventMs(),
  currency: z.string(),
  tariffPeriod: z.string(),
  price: z.number(),
  factors: z.object({ locationKgPerKwh: z.number(), marketKgPerKwh: z.number().nullable() }),
  plant: z.object({
    kw: z.number(),
    today: EstimateSchema,
    savedKwh: z.number(),
    /** What the machines with an accepted baseline would have used over the last day; savedKwh / expectedKwh is the reduction. */
    expectedKwh: z.number().default(0),
  }),
  /** The plant's day hour by hour: tariff band and price, and the accepted baselines' expected kWh (null where none). */
  today: z.array(z.object({ hour: z.number(), period: z.string(), price: z.number(), expectedKwh: z.number().nullable() })).default([]),
  machines: z.array(
    z.object({
      machineId: z.string(),
      name: z.string(),
      type: z.string(),
      kw: z.number().nullable(),
      today: EstimateSchema,
      specificEnergy: z.number().nullable(),
      baseline: BaselineSchema.nullable(),
      /** Against the accepted baseline since the baseline period ended; null without one. */
      savedKwh: z.number().nullable(),
    }),
  ),
});
export type EnergySummary = z.infer<typeof EnergySummarySchema>;

export const KpiRowSchema = z.object({
  bucket: z.number(),
  machineId: z.string().nullable(),
  kwh: z.number(),
  co2Kg: z.number(),
  production: z.number(),
  parts: z.number().nullable(),
  rejected: z.number().nullable(),
  availability: z.number().nullable(),
  performance: z.number().nullable(),
  quality: z.number().nullable(),
  oee: z.number().nullable(),
  /** Machine-hours observed with power below the machine's run level; a machine without a power sensor counts as running. */
  downtimeH: z.number(),
});
export type KpiRow = z.infer<typeof KpiRowSchema>;

const Range = { from: z.number().int(), to: z.number().int() };

export const agentCalls = {
  'agents.decisions': call({
    request: z.object({ agent: Text(64).optional(), action: Text(64).optional(), status: z.enum(DECISION_STATUSES).optional(), beforeTs: z.number().int().optional(), limit: Limit }).strict(),
    response: z.array(AgentDecisionSchema),
    permission: 'view',
    audited: false,
  }),
  'agents.messages': call({ request: z.object({ beforeSeq: z.number().int().optional(), limit: Limit }).strict(), response: z.array(AgentMessageSchema), permission: 'view', audited: false }),
  'agents.status': call({ request: z.object({}).strict(), response: z.array(AgentStatusSchema), permission: 'view', audited: false }),
  /** Publishes an energy recommendation to the machine's command topic. */
  'agents.commands.approve': call({ request: z.object({ decisionId: Text(200).min(1), note: Text(500).optional() }).strict(), response: AgentDecisionSchema, permission: 'operate', audited: true }),
  'agents.commands.reject': call({ request: z.object({ decisionId: Text(200).min(1), note: Text(500).optional() }).strict(), response: AgentDecisionSchema, permission: 'operate', audited: true }),

  'tickets.list': call({
    request: z.object({ status: TicketStatusSchema.optional(), machineId: Text(256).optional(), limit: Limit }).strict(),
    response: z.array(TicketSchema),
    permission: 'view',
    audited: false,
  }),
  'tickets.create': call({
    request: z
      .object({
        machineId: Text(256).min(1).optional(),
        title: Text(200).min(1),
        description: Text(4000).default(''),
        priority: TicketPrioritySchema.default('medium'),
        failureType: Text(64).min(1).optional(),
        assignee: Text(64).min(1).optional(),
        costEstimate: Money.optional(),
      })
      .strict(),
    response: TicketSchema,
    permission: 'operate',
    audited: true,
  }),
  'tickets.update': call({
    request: z
      .object({
        id: Id,
        status: z.enum(['open', 'assigned', 'in_progress']).optional(),
        assignee: Text(64).min(1).nullable().optional(),
        priority: TicketPrioritySchema.optional(),
        description: Text(4000).optional(),
        repairSteps: z.array(Text(500)).max(50).optional(),
        costEstimate: Money.nullable().optional(),
      })
      .strict(),
    response: TicketSchema,
    permission: 'operate',
    audited: true,
  }),
  /**
   * Closing a ticket with the failure the technician found labels the machine's episode that led to
   * it: the plant's own evaluation set for its condition monitoring.
   */
  /** Parts used leave stock in the same transaction as the close; a part with too little on hand refuses the close. */
  'tickets.close': call({
    request: z
      .object({
        id: Id,
        actualCost: Money,
        note: Text(2000).optional(),
        confirmedFailureType: Text(64).min(1).optional(),
        partsUsed: z
          .array(z.object({ partId: Text(64).min(1), quantity: z.number().finite().positive() }).strict())
          .max(50)
          .optional(),
      })
      .strict(),
    response: TicketSchema,
    permission: 'operate',
    audited: true,
  }),
  /** Savings of approved, placed and delivered orders per calendar month (plant time), oldest first. */
  'procurement.savings': call({
    request: z.object({ months: z.number().int().min(1).max(60).default(12) }).strict(),
    response: z.array(z.object({ month: z.string(), savings: z.number(), orders: z.number() })),
    permission: 'view',
    audited: false,
  }),
  'tickets.reliability': call({ request: z.object(Range).strict(), response: z.array(ReliabilitySchema), permission: 'view', audited: false }),

  'procurement.parts': call({ request: z.object({}).strict(), response: z.array(PartSchema), permission: 'view', audited: false }),
  'procurement.parts.update': call({
    request: z
      .object({
        id: Text(64).min(1),
        onHand: z.number().finite().min(0).optional(),
        reorderPoint: z.number().finite().min(0).optional(),
        reorderQuantity: z.number().finite().min(1).optional(),
        leadTimeDays: z.number().finite().min(0).max(365).optional(),
        unitPrice: Money.optional(),
      })
      .strict(),
    response: PartSchema,
    permission: 'operate',
    audited: true,
  }),
  'procurement.suppliers': call({ request: z.object({}).strict(), response: z.array(SupplierSchema), permission: 'view', audited: false }),
  'procurement.quotes': call({ request: z.object({ partId: Text(64).optional(), limit: Limit }).strict(), response: z.array(QuoteSchema), permission: 'view', audited: false }),
  'procurement.quotes.add': call({
    request: z
      .object({ supplierId: Text(64).min(1), partId: Text(64).min(1), quantity: z.number().finite().positive(), quotedPrice: Money, negotiatedPrice: Money.optional(), validUntil: z.number().int().optional() })
      .strict(),
    response: QuoteSchema,
    permission: 'operate',
    audited: true,
  }),
  /** CSV with a header: supplier_id, part_id, quantity, quoted_price[, negotiated_price][, valid_until]. */
  'procurement.quotes.import': call({
    request: z.object({ csv: z.string().max(1_000_000) }).strict(),
    response: z.object({ imported: z.number(), errors: z.array(z.object({ line: z.number(), message: z.string() })) }),
    permission: 'operate',
    audited: true,
  }),
  'procurement.deals': call({ request: z.object({ partId: Text(64).min(1), quantity: z.number().finite().positive() }).strict(), response: z.array(DealSchema), permission: 'view', audited: false }),
  'procurement.orders': call({ request: z.object({ status: OrderStatusSchema.optional(), limit: Limit }).strict(), response: z.array(OrderSchema), permission: 'view', audited: false }),
  'procurement.orders.create': call({
    request: z
      .object({
        partId: Text(64).min(1),
        supplierId: Text(64).min(1).optional(),
        quantity: z.number().finite().positive(),
        unitPrice: Money.optional(),
        negotiatedPrice: Money.optional(),
        machineId: Text(256).min(1).optional(),
        quoteId: Id.optional(),
        note: Text(2000).optional(),
      })
      .strict(),
    response: OrderSchema,
    permission: 'operate',
    audited: true,
  }),
  'procurement.orders.submit': call({ request: z.object({ id: Id }).strict(), response: OrderSchema, permission: 'operate', audited: true }),
  'procurement.orders.approve': call({ request: z.object({ id: Id }).strict(), response: OrderSchema, permission: 'supervise', audited: true }),
  'procurement.orders.reject': call({ request: z.object({ id: Id, reason: Text(2000).min(1) }).strict(), response: OrderSchema, permission: 'supervise', audited: true }),
  /** Placing, receiving or cancelling; the state machine refuses any step out of order. */
  'procurement.orders.advance': call({ request: z.object({ id: Id, to: z.enum(['ordered', 'delivered', 'cancelled']) }).strict(), response: OrderSchema, permission: 'operate', audited: true }),
  'procurement.orders.export': call({ request: z.object({ id: Id, format: z.enum(['csv', 'pdf']) }).strict(), response: FileSchema, permission: 'view', audited: false }),

  'energy.summary': call({ request: z.object({}).strict(), response: EnergySummarySchema, permission: 'view', audited: false }),

  'reports.kpis': call({
    /** 'hour' gives the load profile of a day (the energy screen). */
    request: z.object({ ...Range, bucket: z.enum(['hour', 'day', 'week']), machineId: Text(256).optional() }).strict(),
    response: z.array(KpiRowSchema),
    permission: 'view',
    audited: false,
  }),
  'reports.kpis.export': call({ request: z.object({ ...Range, bucket: z.enum(['day', 'week']) }).strict(), response: FileSchema, permission: 'view', audited: false }),
  /** The optimizer's shift (8 h) or daily report ending at `to` (default the latest). */
  'reports.optimization': call({
    request: z.object({ period: z.enum(['shift', 'day']), to: eventMs(z.number().int()).optional(), format: z.enum(['csv', 'pdf']) }).strict(),
    response: FileSchema,
    permission: 'view',
    audited: false,
  }),
} as const;

export const agentEvents = {
  /** New decisions and messages as the agents make them, and decisions whose status changed. */
  agents: z.object({ decisions: z.array(AgentDecisionSchema), messages: z.array(AgentMessageSchema) }),
} as const;
