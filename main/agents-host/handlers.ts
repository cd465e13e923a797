/** The agents' contract calls over the agent host; each a thin adapter, like main/ipc/handlers. */
import type { EnergySummary } from '../../common/contract-agents';
import type { ShiftLogEntry } from '../../common/contract-shiftlog';
import { baselineSavings, fitBaseline, tariffPrice, estimate } from '../../agents/energy';
import { addLocalDays, formatLocal, localParts, localToInstant, startOfLocalDay } from '../../common/plant-time';
import { roleAllows } from '../../common/roles';
import { CallFailure } from '../../common/errors';
import { specificEnergy, totals } from '../../agents/kpi';
import { DAY_MS, HOUR_MS } from '../../agents/model';
import { rankDeals } from '../../agents/procurement';
import { reliability } from '../../agents/reliability';
import type { AppConfig } from '../config';
import type { AgentCallName } from '../ipc/handlers';
import type { CallContext, Handlers } from '../ipc/router';
import type { RepairGuide } from './maintenance/repair-guide';
import { kpiExport, kpiRows, optimizationReport, purchaseOrderDocument, reportPeriod } from './reports/reports';
import type { AgentHost } from './host';
import { wallFromEvent, type EventMs, type WallMs } from '../../common/time';

export type AgentHandlers = Pick<Handlers, Exclude<AgentCallName, 'voice.repairSteps'>>;

/** The repair guide's spoken steps for a maintenance ticket. */
export function createRepairStepHandlers(guide: Pick<RepairGuide, 'act'>): Pick<Handlers, 'voice.repairSteps'> {
  return { 'voice.repairSteps': ({ ticketId, action }) => guide.act(ticketId, action) };
}

const user = (ctx: CallContext) => ({ username: ctx.session!.user.username, role: ctx.session!.user.role });

/** Assigning work to a person is a supervisor's decision (the roles of the seed); the call itself needs only an operator. */
function needsSupervisor(ctx: CallContext): void {
  if (!roleAllows(ctx.session!.user.role, 'supervise')) throw new CallFailure('forbidden', 'assigning a ticket to someone needs the supervisor role');
}

/** Hours before the last day form the baseline period; the last day is the reporting period. */
const REPORTING_MS = DAY_MS;

export function energySummary(host: AgentHost, config: AppConfig['agents'], plant: AppConfig['plant'], ts: EventMs): EnergySummary {
  // "Today" is the plant's calendar day: 23 or 25 hours long where daylight saving changes.
  const dayStart = startOfLocalDay(plant.timeZone, ts);
  const { price, period } = tariffPrice(config.tariff, ts, plant.timeZone);
  let plantKw = 0;
  let plantKwh = 0;
  let plantSaved = 0;
  let plantExpected = 0;
  // Today's load profile against the baselines: per hour, what the machines with an accepted baseline would have used.
  const expectedByHour = new Map<number, number>();
  const machines = host.machineInfos().map((m) => {
    const history = host.accumulator.history(m.id);
    const current = host.accumulator.current(m.id);
    const today = [...history.filter((h) => h.hour >= dayStart), ...(current && current.hour >= dayStart ? [current] : [])];
    const kwh = today.reduce((s, h) => s + h.kwh, 0);
    const kw = host.accumulator.lastPower(m.id);
    const baselinePeriod = history.filter((h) => h.hour < ts - REPORTING_MS && h.observedMs > 0);
    const baseline = fitBaseline(baselinePeriod);
    const reporting = history.filter((h) => h.hour >= ts - REPORTING_MS);
    const against = baseline?.accepted && reporting.length > 0 ? baselineSavings(baseline, reporting) : null;
    const savedKwh = against?.savedKwh ?? null;
    plantExpected += against?.expectedKwh ?? 0;
    if (baseline?.accepted) for (const h of today) expectedByHour.set(h.hour, (expectedByHour.get(h.hour) ?? 0) + baselineSavings(baseline, [h]).expectedKwh);
    plantKw += kw ?? 0;
    plantKwh += kwh;
    plantSaved += savedKwh ?? 0;
    return { machineId: m.id, name: m.name, type: m.type, kw, today: estimate(kwh, config, price), specificEnergy: specificEnergy(totals(history.slice(-8))), baseline, savedKwh };
  });
  return { ts, currency: config.tariff.currency, tariffPeriod: period, price, factors: config.emissions, plant: { kw: plantKw, today: estimate(plantKwh, config, price), savedKwh: plantSaved, expectedKwh: plantExpected }, machines, today: todayProfile(config, plant, dayStart, expectedByHour) };
}

/** Each hour of the plant's day: its tariff band and price, and the baselines' expected kWh where known. */
function todayProfile(config: AppConfig['agents'], plant: AppConfig['plant'], dayStart: number, expected: ReadonlyMap<number, number>): EnergySummary['today'] {
  const end = addLocalDays(plant.timeZone, dayStart, 1);
  const hours: EnergySummary['today'] = [];
  for (let hour = dayStart; hour < end; hour += HOUR_MS) {
    const { price, period } = tariffPrice(config.tariff, hour, plant.timeZone);
    hours.push({ hour, period, price, expectedKwh: expected.get(hour) ?? null });
  }
  return hours;
}

export interface TicketHooks {
  /** A ticket closed with a confirmed failure type: the condition monitor labels the episode behind it. */
  closed?(ticket: { id: number; machineId: string | null; createdAt: number }, failureType: string, username: string): void;
  /** Shift log entries written in [from, to), which go out with the shift and daily reports. */
  shiftLogEntries?(from: WallMs, to: WallMs): ShiftLogEntry[];
}

export function createAgentHandlers(host: AgentHost, config: AppConfig['agents'], plant: AppConfig['plant'], clock: { now(): WallMs; eventTime(): EventMs }, hooks: TicketHooks = {}): AgentHandlers {
  const latestHourEnd = (): EventMs => (host.kpis.latestHour() ?? Math.floor(clock.eventTime() / HOUR_MS) * HOUR_MS - HOUR_MS) + HOUR_MS;
  return {
    'agents.decisions': (q) => host.decisions.list(q),
    'agents.messages': (q) => host.decisions.messages(q),
    'agents.status': () => host.status().map(({ name, runs, lastRunTs, nextDueTs, overruns, lastElapsedMs, consecutiveFailures, suspendedUntil }) => ({ name, runs, lastRunTs, nextDueTs, overruns, lastElapsedMs, consecutiveFailures, suspendedUntil })),
    'agents.commands.approve': ({ decisionId, note }, ctx) => host.approveCommand(decisionId, user(ctx), note),
    'agents.commands.reject': ({ decisionId, note }, ctx) => host.rejectCommand(decisionId, user(ctx), note),

    'tickets.list': (q) => host.tickets.list(q),
    'tickets.create': (r, ctx) => {
      if (r.assignee !== undefined) needsSupervisor(ctx);
      return host.tickets.create(
        {
          machineId: r.machineId ?? null,
          title: r.title,
          description: r.description,
          priority: r.priority,
          reporter: user(ctx).username,
          failureType: r.failureType ?? null,
          assignee: r.assignee ?? null,
          repairSteps: [],
          costEstimate: r.costEstimate ?? null,
          decisionId: null,
        },
        clock.now(),
      );
    },
    'tickets.update': ({ id, ...change }, ctx) => {
      if (change.assignee !== undefined) needsSupervisor(ctx);
      return host.tickets.update(id, change, clock.now());
    },
    'tickets.close': ({ id, actualCost, note, confirmedFailureType, partsUsed }, ctx) => {
      const at = clock.now();
      const ticket = host.procurement.withPartsUsed(id, partsUsed ?? [], user(ctx).username, at, () => host.tickets.close(id, actualCost, note, at));
      const failureType = confirmedFailureType ?? ticket.failureType;
      if (failureType) hooks.closed?.(ticket, failureType, user(ctx).username);
      return ticket;
    },
    'tickets.reliability': ({ from, to }) => reliability(host.tickets.closedBetween(from, to), from, to),

    'procurement.parts': () => host.procurement.parts(),
    'procurement.parts.update': ({ id, ...change }) => host.procurement.updatePart(id, change, clock.now()),
    'procurement.suppliers': () => host.procurement.suppliers(),
    'procurement.quotes': (q) => host.procurement.quotes(q),
    'procurement.quotes.add': (q, ctx) => host.procurement.addQuote({ ...q, negotiatedPrice: q.negotiatedPrice ?? null, validUntil: q.validUntil ?? null }, 'entered', user(ctx).username, clock.now()),
    'procurement.quotes.import': ({ csv }, ctx) => host.procurement.importQuotes(csv, user(ctx).username, clock.now()),
    'procurement.deals': ({ partId, quantity }) =>
      rankDeals(
        host.procurement.offers(clock.now()).filter((o) => o.partId === partId),
        quantity,
      ).map((r) => ({ supplierId: r.offer.supplierId, supplierName: r.offer.supplierName, quoteId: r.offer.quoteId ?? null, price: r.price, savings: r.savings, priceScore: r.priceScore, reliabilityScore: r.reliabilityScore, speedScore: r.speedScore, score: r.score, deliveryDays: r.offer.deliveryDays })),
    'procurement.orders': (q) => host.procurement.orders(q),
    'procurement.orders.create': (r, ctx) =>
      host.procurement.createOrder(
        {
          partId: r.partId,
          supplierId: r.supplierId ?? null,
          quantity: r.quantity,
          unitPrice: r.unitPrice ?? null,
          machineId: r.machineId ?? null,
          quoteId: r.quoteId ?? null,
          orderBy: null,
          urgency: null,
          negotiationTarget: null,
          decisionId: null,
          note: r.note ?? null,
          createdBy: user(ctx).username,
          negotiatedPrice: r.negotiatedPrice ?? null,
        },
        clock.now(),
      ),
    'procurement.savings': ({ months }) => {
      const p = localParts(plant.timeZone, clock.now());
      // The first day of the month `months - 1` before this one, on the plant's calendar.
      const first = new Date(Date.UTC(p.year, p.month - months, 1));
      const since = localToInstant(plant.timeZone, first.getUTCFullYear(), first.getUTCMonth() + 1, 1);
      return host.procurement.savingsByMonth(since, (ts) => formatLocal(plant.timeZone, ts).slice(0, 7));
    },
    'procurement.orders.submit': ({ id }, ctx) => host.procurement.transition(id, 'pending_approval', user(ctx), clock.now()),
    'procurement.orders.approve': ({ id }, ctx) => host.procurement.transition(id, 'approved', user(ctx), clock.now()),
    'procurement.orders.reject': ({ id, reason }, ctx) => host.procurement.transition(id, 'rejected', user(ctx), clock.now(), reason),
    'procurement.orders.advance': ({ id, to }, ctx) => host.procurement.transition(id, to, user(ctx), clock.now()),
    'procurement.orders.export': ({ id, format }) => purchaseOrderDocument(host.procurement.order(id), config.tariff.currency, format, plant.timeZone),

    'energy.summary': () => energySummary(host, config, plant, clock.eventTime()),

    'reports.kpis': ({ from, to, bucket, machineId }) => kpiRows(host.kpis.range(from, to, machineId), bucket, config.emissions.locationKgPerKwh, machineId !== undefined, plant.timeZone),
    'reports.kpis.export': ({ from, to, bucket }) => kpiExport(kpiRows(host.kpis.range(from, to), bucket, config.emissions.locationKgPerKwh, false, plant.timeZone), bucket, plant.timeZone),
    'reports.optimization': ({ period, to, format }) => {
      const end = to ?? latestHourEnd();
      const machines = host.machineInfos();
      const hours = host.kpis.range(end - 8 * DAY_MS, end);
      const byMachine: Record<string, typeof hours> = {};
      for (const h of hours) (byMachine[h.machineId] ??= []).push(h);
      // A plant day can have 25 hours; two days back covers any shift or day.
      const decisions = host.decisions.list({ fromTs: end - 2 * DAY_MS, limit: 5000 });
      const { from } = reportPeriod(period, end, plant.timeZone, plant.shiftStartHours);
      const shiftLog = hooks.shiftLogEntries?.(wallFromEvent(from), wallFromEvent(end));
      return optimizationReport({ period, to: end, machines, hours: byMachine, decisions, co2KgPerKwh: config.emissions.locationKgPerKwh, timeZone: plant.timeZone, shiftStartHours: plant.shiftStartHours, shiftLog }, format);
    },
  };
}
