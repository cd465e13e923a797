/**
 * Runs the four agents in the main process: resolves their inputs from the store and the data path,
 * records every decision and message, applies what needs no approval (tickets, draft orders waiting
 * for approval), and holds machine commands until an operator approves them.
 */
import { z } from 'zod';
import type { AgentDecision, AgentMessageRecord } from '../../common/contract-agents';
import { HeighteningSchema, type Heightening } from '../../common/contract-models';
import { formatLocal } from '../../common/plant-time';
import type { Machine } from '../../common/telemetry';
import { conditionRisk } from '../../agents/condition-risk';
import { createEnergyAgent } from '../../agents/energy';
import { createMaintenanceAgent } from '../../agents/maintenance';
import { DAY_MS, HOUR_MS, type MachineHour, type MachineInfo, type Prediction } from '../../agents/model';
import { AGENT } from '../../agents/names';
import { createOptimizerAgent, type Expectation } from '../../agents/optimizer';
import { HELD_RECOMMENDATIONS, type Hold } from '../../agents/optimizer-adjust';
import { createProcurementAgent } from '../../agents/procurement';
import { createScheduler, type Scheduler } from '../../agents/scheduler';
import type { Agent, Decision } from '../../agents/sdk';
import type { Reading } from '../../common/telemetry';
import type { AuditSink } from '../audit/audit-port';
import { alarmStore } from '../alarms/alarm-store';
import type { AppConfig } from '../config';
import { KpiAccumulator } from './machine-kpis/kpi-accumulator';
import { kpiStore } from './machine-kpis/kpi-store';
import { CallFailure } from '../../common/errors';
import { ticketRepository } from './maintenance/tickets';
import { procurementStore, readCatalog } from './procurement/procurement-store';
import type { Db } from '../store/open-database';
import { decisionLog } from './decision-log';
import { PredictionWindow } from './predictions';
import type { EventMs, MonoMs, WallMs } from '../../common/time';

/** Machine commands the energy agent proposes; they wait for an operator. */
const COMMAND_ACTIONS = new Set(['reduce_load', 'standby', 'schedule_off_peak']);
/** Hours of history the optimizer and the energy agent see. */
const AGENT_HOURS = 25;
/** Expectations recorded this long before the optimizer's last decision are not read back at start; the longest waits 8 h. */
const EXPECTATIONS_MS = 2 * DAY_MS;
/** Heightenings re-applied at start: the latest per machine among this many. */
const HEIGHTENINGS_READ = 500;

const ExpectationSchema = z.object({
  decisionId: z.string(),
  what: z.string(),
  machineId: z.string().nullable(),
  metric: z.enum(['oee', 'plantSpecificEnergy', 'risk']),
  before: z.number(),
  target: z.number(),
  checkAt: z.number(),
});
const HeightenParamsSchema = HeighteningSchema.extend({ machineId: z.string() });
const HoldSchema = z.object({ recommendation: z.enum(HELD_RECOMMENDATIONS), machineId: z.string().nullable(), until: z.number() });
const AdjustParamsSchema = z.object({ evaluationOf: z.string(), hold: HoldSchema });
/** The optimizer's decisions that hold a recommendation back after it did not work (agents/optimizer-adjust). */
const ADJUST_ACTIONS = ['hold_recommendation', 'escalate_inspection'] as const;
const RECOMMENDATION_WORDS: Record<Hold['recommendation'], string> = {
  request_monitoring: 'closer monitoring',
  flag_oee_loss: 'the OEE flag',
  request_energy_reduction: 'energy reduction mode',
};

export interface AgentHostOptions {
  db: Db;
  audit: AuditSink;
  config: AppConfig['agents'];
  /** The plant's time zone and shifts. */
  plant: AppConfig['plant'];
  machines(): readonly Machine[];
  publish(topic: string, payload: string, qos: 0 | 1 | 2): Promise<void>;
  emit(payload: { decisions: AgentDecision[]; messages: AgentMessageRecord[] }): void;
  log(message: string): void;
  /**
   * Lowers a machine's anomaly thresholds for a while (the condition monitor's heighten); absent when
   * the monitor did not load, and a heighten_monitoring decision then fails saying so.
   */
  heighten?(machineId: string, h: Heightening): void;
  /** For the times people act. */
  now(): WallMs;
  /** For agent budgets. */
  monotonic(): MonoMs;
  agents?: readonly Agent[];
}

/** Most grid steps one advance replays; beyond that event time jumps (about a week at 5 minutes). */
const MAX_STEPS = 2016;

export function createAgentHost(options: AgentHostOptions) {
  const { db, config } = options;
  const decisions = decisionLog(db);
  const tickets = ticketRepository(db);
  const procurement = procurementStore(db);
  const kpis = kpiStore(db);
  const accumulator = new KpiAccumulator();
  const predictions = new PredictionWindow();
  const alarmJournal = alarmStore(db, options.audit);
  if (procurement.seed(readCatalog(), options.now())) options.log('procurement: seeded the example parts catalog; enter the plant’s own parts and prices');
  const latest = kpis.latestHour();
  if (latest !== null) accumulator.load(kpis.range(latest - 8 * DAY_MS, latest + 1));

  // The optimizer's expectations not yet evaluated: read back from the decision log at start, then
  // kept as its decisions are recorded, so a run costs no scan of the log.
  const expectations = new Map<string, Expectation>();
  const lastOptimizerTs = decisions.list({ agent: AGENT.optimizer, limit: 1 })[0]?.ts;
  for (const row of lastOptimizerTs === undefined ? [] : decisions.openExpectations(AGENT.optimizer, lastOptimizerTs - EXPECTATIONS_MS)) {
    const e = ExpectationSchema.safeParse(row);
    if (e.success) expectations.set(e.data.decisionId, e.data);
  }
  // Recommendations the optimizer holds back after one did not work: read back the same way, so a
  // restart does not bring a held action straight back; the latest per recommendation and machine.
  const holds = new Map<string, Hold>();
  const trackHold = (d: Pick<Decision, 'id' | 'params'>) => {
    const a = AdjustParamsSchema.safeParse(d.params);
    if (!a.success) return;
    const key = `${a.data.hold.recommendation}\u0000${a.data.hold.machineId ?? ''}`;
    if ((holds.get(key)?.until ?? -Infinity) < a.data.hold.until) holds.set(key, { ...a.data.hold, decisionId: d.id });
  };
  for (const action of lastOptimizerTs === undefined ? [] : ADJUST_ACTIONS) {
    for (const d of decisions.list({ agent: AGENT.optimizer, action, status: 'applied', fromTs: lastOptimizerTs! - EXPECTATIONS_MS, limit: HEIGHTENINGS_READ })) trackHold(d);
  }
  const trackExpectation = (d: Decision) => {
    if (d.agent !== AGENT.optimizer) return;
    if (d.action === 'evaluate_action' && d.target) expectations.delete(d.target);
    if ((ADJUST_ACTIONS as readonly string[]).includes(d.action)) trackHold(d);
    const e = ExpectationSchema.safeParse({ ...(d.params?.expectation ?? {}), decisionId: d.id });
    if (d.params?.expectation && e.success) expectations.set(d.id, e.data);
  };

  let pending: { decisions: AgentDecision[]; messages: AgentMessageRecord[] } = { decisions: [], messages: [] };
  const flushEvents = () => {
    if (pending.decisions.length === 0 && pending.messages.length === 0) return;
    const out = pending;
    pending = { decisions: [], messages: [] };
    options.emit(out);
  };

  const machineInfos = (): MachineInfo[] => options.machines().map((m) => ({ id: m.id, name: m.name, type: m.type, area: m.area }));
  const hoursOf = (ids: readonly string[], count: number): Record<string, MachineHour[]> => Object.fromEntries(ids.map((id) => [id, accumulator.history(id).slice(-count)]));
  const alarmCounts = (ts: EventMs): Record<string, number> => alarmJournal.activationsByMachine(ts - HOUR_MS, ts);

  // Inputs are resolved once per advance and shared by the agents that run in it.
  let cache: { ts: EventMs; values: Map<string, unknown> } = { ts: Number.NaN, values: new Map() };
  const resolvers: Record<string, (ts: EventMs) => unknown> = {
    predictions: (ts) => predictions.window(ts),
    tickets: (ts) => tickets.refs(ts - 3 * DAY_MS),
    machines: () => machineInfos(),
    parts: () => procurement.partInfos(),
    offers: (ts) => procurement.offers(ts),
    orders: () => procurement.orderRefs(),
    hours: (ts) => hoursOf(input<MachineInfo[]>('machines', ts).map((m) => m.id), AGENT_HOURS),
    alarmCounts,
    labourRate: () => config.labourRate,
    marginDays: () => config.marginDays,
    tariff: () => config.tariff,
    emissions: () => config.emissions,
    timeZone: () => options.plant.timeZone,
    shiftableTypes: () => config.shiftableTypes,
    standbyFactor: () => config.standbyFactor,
    expectations: () => [...expectations.values()],
    holds: (ts) => [...holds.values()].filter((h) => h.until > ts),
  };
  function input<T>(name: string, ts: EventMs): T {
    if (cache.ts !== ts) cache = { ts, values: new Map() };
    if (!cache.values.has(name)) {
      const resolve = resolvers[name];
      if (!resolve) throw new Error(`no data source for agent input ${name}`);
      cache.values.set(name, resolve(ts));
    }
    return cache.values.get(name) as T;
  }

  function apply(d: Decision): { status: AgentDecision['status']; outcome: string | null } {
    const p = d.params ?? {};
    if (d.action === 'open_ticket') {
      const t = tickets.create(
        {
          machineId: String(p.machineId),
          title: String(p.title),
          description: String(p.description),
          priority: p.priority as 'medium',
          reporter: `agent:${d.agent}`,
          failureType: String(p.failureType),
          assignee: null,
          repairSteps: p.repairSteps as string[],
          costEstimate: p.costEstimate as number,
          decisionId: d.id,
        },
        d.ts,
      );
      options.audit.append({ at: options.now(), userId: null, username: `agent:${d.agent}`, action: 'tickets.create', target: `ticket:${t.id}`, outcome: 'ok', detail: { decisionId: d.id, machineId: t.machineId, failureType: t.failureType } });
      return { status: 'applied', outcome: `ticket #${t.id}` };
    }
    if (d.action === 'draft_order') {
      const by = `agent:${d.agent}`;
      const order = procurement.createOrder(
        {
          partId: String(p.partId),
          supplierId: (p.supplierId as string | null) ?? null,
          quantity: Number(p.quantity),
          unitPrice: (p.unitPrice as number | null) ?? null,
          machineId: (p.machineId as string | null) ?? null,
          quoteId: (p.quoteId as number | null) ?? null,
          orderBy: (p.orderBy as number | null) ?? null,
          urgency: p.urgency as 'medium',
          negotiationTarget: (p.negotiationTarget as number | null) ?? null,
          decisionId: d.id,
          note: d.explanation,
          createdBy: by,
        },
        d.ts,
      );
      options.audit.append({ at: options.now(), userId: null, username: by, action: 'procurement.orders.create', target: `order:${order.id}`, outcome: 'ok', detail: { decisionId: d.id, partId: order.partId, quantity: order.quantity } });
      if (order.supplierId === null || order.unitPrice === null) return { status: 'applied', outcome: `order #${order.id} (draft: needs a supplier)` };
      procurement.transition(order.id, 'pending_approval', { username: by, role: null }, d.ts);
      options.audit.append({ at: options.now(), userId: null, username: by, action: 'procurement.orders.submit', target: `order:${order.id}`, outcome: 'ok', detail: { decisionId: d.id } });
      return { status: 'applied', outcome: `order #${order.id} pending approval` };
    }
    if (d.action === 'heighten_monitoring') {
      const h = HeightenParamsSchema.parse(p);
      if (!options.heighten) throw new Error('the condition monitor is not running (its model did not load): nothing to heighten');
      options.heighten(h.machineId, { until: h.until, factor: h.factor, reason: h.reason });
      options.audit.append({ at: options.now(), userId: null, username: `agent:${d.agent}`, action: 'agents.monitoring.heighten', target: h.machineId, outcome: 'ok', detail: { decisionId: d.id, until: h.until, factor: h.factor, reason: h.reason } });
      return { status: 'applied', outcome: `anomaly thresholds of ${h.machineId} at ${Math.round(h.factor * 100)} % until ${formatLocal(options.plant.timeZone, h.until, true)}` };
    }
    if ((ADJUST_ACTIONS as readonly string[]).includes(d.action)) {
      const a = AdjustParamsSchema.parse(p);
      const on = a.hold.machineId ?? 'the plant';
      options.audit.append({ at: options.now(), userId: null, username: `agent:${d.agent}`, action: d.action === 'escalate_inspection' ? 'agents.optimizer.escalate' : 'agents.optimizer.hold', target: a.hold.machineId ?? 'plant', outcome: 'ok', detail: { decisionId: d.id, evaluationOf: a.evaluationOf, ...a.hold } });
      const held = `${RECOMMENDATION_WORDS[a.hold.recommendation]} for ${on} held back until ${formatLocal(options.plant.timeZone, a.hold.until, true)}`;
      return { status: 'applied', outcome: d.action === 'escalate_inspection' ? `inspection ticket asked of maintenance; ${held}` : held };
    }
    if (COMMAND_ACTIONS.has(d.action)) return { status: 'awaiting_approval', outcome: null };
    return { status: 'recorded', outcome: null };
  }

  // Heightened monitoring outlives a restart: the latest applied one per machine goes back to the
  // monitor, which judges by event time and so lets one that has run out lapse by itself.
  const heightenedAgain = new Set<string>();
  for (const d of options.heighten ? decisions.list({ action: 'heighten_monitoring', status: 'applied', limit: HEIGHTENINGS_READ }) : []) {
    const h = HeightenParamsSchema.safeParse(d.params);
    if (!h.success || heightenedAgain.has(h.data.machineId)) continue;
    heightenedAgain.add(h.data.machineId);
    options.heighten!(h.data.machineId, { until: h.data.until, factor: h.data.factor, reason: h.data.reason });
  }

  const agents = options.agents ?? [createOptimizerAgent(), createMaintenanceAgent(), createProcurementAgent(), createEnergyAgent()];
  const gridMs = Math.min(...agents.map((a) => a.periodMs));
  let advancedTo: EventMs = 0;
  const step = (ts: EventMs) => {
    closeHours(ts);
    scheduler.advance(ts);
    advancedTo = ts;
  };
  const scheduler: Scheduler = createScheduler({
    agents,
    budgetMs: 50,
    now: options.monotonic,
    readInputs: (names, ts) => Object.fromEntries(names.map((n) => [n, input(n, ts)])),
    onDecision: (d) => {
      if (!decisions.record(d, 'recorded', options.now())) return;
      trackExpectation(d);
      let settled: AgentDecision;
      try {
        const { status, outcome } = db.transaction(() => apply(d))();
        settled = decisions.settle(d.id, status, outcome, null, null);
      } catch (err) {
        options.log(`agent ${d.agent}: ${d.action} ${d.target ?? ''} not applied: ${(err as Error).message}`);
        settled = decisions.settle(d.id, 'failed', (err as Error).message, null, null);
      }
      pending.decisions.push(settled);
      // What an agent changed, the others must see in the same advance.
      cache = { ts: Number.NaN, values: new Map() };
    },
    onMessage: (m) => {
      const stored = decisions.message(m);
      if (stored) pending.messages.push(stored);
    },
    onError: (e) => options.log(`agent ${e.agent}: ${e.kind}: ${e.message}`),
  });

  /** Closed hours go to the store, and feed the condition signal where no model speaks for the machine. */
  function closeHours(watermark: EventMs): void {
    const closed = accumulator.close(watermark);
    if (closed.length === 0) return;
    kpis.save(closed);
    for (const h of closed) {
      if (predictions.hasModel(h.machineId, h.hour - HOUR_MS)) continue;
      const p = conditionRisk(accumulator.history(h.machineId));
      if (p) predictions.add(p, 'condition');
    }
  }

  /** Decisions whose command is being published: a second approval meanwhile is refused, so a command goes out once. */
  const publishing = new Set<string>();

  function decide(decisionId: string, approve: boolean, user: { username: string }, note: string | undefined): Promise<AgentDecision> | AgentDecision {
    const d = decisions.get(decisionId);
    if (!d) throw new CallFailure('not_found', `no decision ${decisionId}`);
    if (d.status !== 'awaiting_approval' || publishing.has(decisionId)) throw new CallFailure('conflict', `decision ${decisionId} is ${publishing.has(decisionId) ? 'being published' : d.status}, not awaiting approval`);
    const at = options.now();
    if (!approve) {
      const rejected = decisions.settleIf(decisionId, 'awaiting_approval', 'rejected', note ?? null, user.username, at);
      if (!rejected) throw new CallFailure('conflict', `decision ${decisionId} was decided meanwhile`);
      options.emit({ decisions: [rejected], messages: [] });
      return rejected;
    }
    const machine = options.machines().find((m) => m.id === d.target);
    if (!machine) throw new CallFailure('not_found', `machine ${d.target} is not known`);
    const topic = commandTopic(config.commands.topicTemplate, machine);
    const payload = JSON.stringify({ command: d.params.command ?? d.action, machineId: machine.id, decisionId, params: d.params, explanation: d.explanation, approvedBy: user.username, approvedAt: at });
    // Claimed before the first await: a second approval in the same turn or while the broker answers finds it taken.
    publishing.add(decisionId);
    return options
      .publish(topic, payload, config.commands.qos)
      .then(
        () => {
          options.audit.append({ at, userId: null, username: user.username, action: 'agents.command.published', target: machine.id, outcome: 'ok', detail: { decisionId, topic, payload: JSON.parse(payload) as unknown } });
          const approved = decisions.settleIf(decisionId, 'awaiting_approval', 'approved', `published to ${topic}${note ? `; ${note}` : ''}`, user.username, at) ?? decisions.get(decisionId)!;
          options.emit({ decisions: [approved], messages: [] });
          return approved;
        },
        (err: Error) => {
          options.audit.append({ at, userId: null, username: user.username, action: 'agents.command.published', target: machine.id, outcome: 'failed', detail: { decisionId, topic, error: err.message } });
          throw new CallFailure('conflict', `the command could not be published to ${topic}: ${err.message}; it still waits for approval`);
        },
      )
      .finally(() => publishing.delete(decisionId));
  }

  return {
    decisions,
    tickets,
    procurement,
    kpis,
    accumulator,
    reading(reading: Reading): void {
      accumulator.add(reading);
    },
    /** A failure prediction from the models (main/inference). */
    predict(p: Prediction): void {
      predictions.add(p, 'model');
    },
    /** Called with the watermark; a zero watermark means nothing has arrived yet. */
    advance(watermark: EventMs): void {
      if (!(watermark > 0) || watermark <= advancedTo) return;
      // Step through event time on the shortest period's grid, so that a replay at 1000x runs the
      // agents at the same instants as living through it does. A jump of more than MAX_STEPS periods
      // (a first reading, a long outage) is not replayed step by step.
      let next = advancedTo > 0 ? (Math.floor(advancedTo / gridMs) + 1) * gridMs : watermark;
      if ((watermark - next) / gridMs > MAX_STEPS) next = watermark;
      for (; next < watermark; next += gridMs) step(next);
      step(watermark);
      flushEvents();
    },
    status: () => scheduler.status(),
    approveCommand: (id: string, user: { username: string }, note?: string) => decide(id, true, user, note),
    rejectCommand: (id: string, user: { username: string }, note?: string) => decide(id, false, user, note),
    machineInfos,
    hoursOf,
  };
}
export type AgentHost = ReturnType<typeof createAgentHost>;

/**
 * The topic a machine's approved command goes to. <machine> is the machine's own topic segment, not
 * its full id (site/area/machine), so the default template gives factory/<site>/<area>/<machine>/command,
 * the topic beside the machine's telemetry. A Sparkplug machine (group/edge[/device]) gets edge and device.
 */
export function commandTopic(template: string, machine: Pick<Machine, 'id' | 'site' | 'area'>): string {
  const prefix = `${machine.site}/${machine.area}/`;
  const own = machine.id.startsWith(prefix) && machine.id.length > prefix.length ? machine.id.slice(prefix.length) : machine.id;
  return template.replaceAll('<site>', machine.site).replaceAll('<area>', machine.area).replaceAll('<machine>', own);
}
