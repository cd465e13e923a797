/**
 * The plant as the agents see it. The host builds these from the store and the data path; agents
 * only read them, so every rule can be tested on a scripted plant with a fake clock.
 */
import type { EventMs } from '../common/time';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const riskRank = (level: RiskLevel): number => RISK_LEVELS.indexOf(level);

/**
 * One failure prediction for one machine, from the models (main/inference) or, while none is loaded,
 * from the condition signal in ./condition-risk.
 */
export interface Prediction {
  machineId: string;
  /** The time the prediction was made for. */
  ts: EventMs;
  failureProbability: number;
  failureType: string;
  /** Remaining useful life; null when the model cannot say. */
  rulHours: number | null;
  /** Lower edge of the RUL band, where the model gives one: procurement plans against it. */
  rulLowHours?: number | null;
  riskLevel: RiskLevel;
  /** Which model spoke: the machine's own condition monitor, the AI4I failure model, or the hourly heuristic (the fallback). */
  source?: 'condition-monitor' | 'failure-model' | 'heuristic';
}

/** One machine over one event-time hour, as the host accumulated it from readings. */
export interface MachineHour {
  machineId: string;
  /** Start of the hour, epoch ms. */
  hour: number;
  /** Time covered by readings (gaps longer than the host's limit are not covered). */
  observedMs: number;
  /** Part of observedMs during which the machine ran (drew more than its idle power). */
  runMs: number;
  kwh: number;
  /** Counter increase of the machine's production counter (parts, m3, ...). */
  production: number;
  /** Good-or-bad unit counts for OEE; null on machines that do not count parts. */
  parts: number | null;
  rejected: number | null;
  avgKw: number | null;
  /** Mean vibration and temperature, the inputs of the condition signal. */
  vibration: number | null;
  temperature: number | null;
}

export interface MachineInfo {
  id: string;
  name: string;
  type: string;
  area: string;
}

export interface TicketRef {
  id: number;
  machineId: string | null;
  failureType: string | null;
  status: TicketStatus;
  createdAt: number;
  closedAt: number | null;
}

export const TICKET_STATUSES = ['open', 'assigned', 'in_progress', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export interface PartInfo {
  id: string;
  name: string;
  /** Machine types it fits; empty fits all. */
  machineTypes: readonly string[];
  /** Failure types whose repair uses it. */
  failureTypes: readonly string[];
  unit: string;
  onHand: number;
  /** Promised to open tickets and not yet taken from the store. */
  reserved: number;
  reorderPoint: number;
  reorderQuantity: number;
  leadTimeDays: number;
  /** List price: an example price until the plant enters its own; never counted as savings. */
  unitPrice: number;
}

export interface SupplierOffer {
  supplierId: string;
  supplierName: string;
  partId: string;
  unitPrice: number;
  /** 0..1: share of past deliveries complete and on time. */
  reliability: number;
  deliveryDays: number;
  /** Present when the price comes from a recorded quote rather than the supplier's list. */
  quoteId?: number;
  negotiatedPrice?: number | null;
}

export interface OrderRef {
  id: number;
  partId: string;
  machineId: string | null;
  status: OrderStatus;
  quantity: number;
}

export const ORDER_STATUSES = ['draft', 'pending_approval', 'approved', 'ordered', 'delivered', 'rejected', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const OPEN_ORDER_STATUSES: readonly OrderStatus[] = ['draft', 'pending_approval', 'approved', 'ordered'];

/** A time-of-use tariff: the first period that matches an hour sets its price. */
export interface Tariff {
  currency: string;
  defaultPrice: number;
  periods: readonly TariffPeriod[];
}
export interface TariffPeriod {
  name: string;
  /** Per kWh. */
  price: number;
  /** 0 = Sunday .. 6 = Saturday, in the plant's local time. */
  days: readonly number[];
  fromHour: number;
  toHour: number;
}

export interface EmissionFactors {
  /** kg CO2 per kWh of the grid mix where the plant is (location-based, GHG Protocol Scope 2). */
  locationKgPerKwh: number;
  /** kg CO2 per kWh under the plant's supply contracts (market-based); null when not known. */
  marketKgPerKwh: number | null;
}
