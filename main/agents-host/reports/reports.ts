/**
 * The documents the agents' screens export: KPI trends by day or week, the optimizer's shift and
 * daily reports, and purchase orders. Each is built once as rows and rendered to CSV or PDF. Days,
 * weeks and shifts are the plant's (its IANA time zone), and times print on its clock with the offset.
 */
import type { AgentDecision, ExportFile, KpiRow, Order } from '../../../common/contract-agents';
import { demonstratedRate } from '../../../agents/kpi';
import { HOUR_MS, type MachineHour, type MachineInfo } from '../../../agents/model';
import { machineKpis } from '../../../agents/optimizer';
import { formatLocal, shiftAt, startOfLocalDay, startOfLocalWeek } from '../../../common/plant-time';
import type { ShiftLogEntry } from '../../../common/contract-shiftlog';
import { shiftLogLines } from '../../shiftlog/shift-log-document';
import { toCsv } from '../../../common/csv';
import { textPdf, type PdfLine } from '../../documents/pdf';
import type { EventMs } from '../../../common/time';

/** Start of the plant day, or of the plant week (Monday, ISO 8601), holding `ts`. */
/** An hour bucket is the stored machine-hour itself (hours are whole UTC hours); days and weeks follow the plant's calendar. */
export const bucketStart = (ts: number, bucket: 'hour' | 'day' | 'week', timeZone = 'UTC'): number =>
  bucket === 'hour' ? Math.floor(ts / 3_600_000) * 3_600_000 : bucket === 'day' ? startOfLocalDay(timeZone, ts) : startOfLocalWeek(timeZone, ts);

/**
 * Plant-wide KPI rows per bucket (or per machine with `perMachine`). Performance uses each machine's
 * demonstrated rate over all the hours given, as the optimizer does.
 */
export function kpiRows(hours: readonly MachineHour[], bucket: 'hour' | 'day' | 'week', co2KgPerKwh: number, perMachine = false, timeZone = 'UTC'): KpiRow[] {
  const byMachine = new Map<string, MachineHour[]>();
  for (const h of hours) (byMachine.get(h.machineId) ?? byMachine.set(h.machineId, []).get(h.machineId)!).push(h);
  const rate = new Map([...byMachine].map(([id, list]) => [id, demonstratedRate(list)]));
  const groups = new Map<string, { bucket: number; machineId: string | null; hs: MachineHour[] }>();
  for (const h of hours) {
    const b = bucketStart(h.hour, bucket, timeZone);
    const key = perMachine ? `${b}|${h.machineId}` : String(b);
    (groups.get(key) ?? groups.set(key, { bucket: b, machineId: perMachine ? h.machineId : null, hs: [] }).get(key)!).hs.push(h);
  }
  return [...groups.values()]
    .sort((a, b) => a.bucket - b.bucket || (a.machineId ?? '').localeCompare(b.machineId ?? ''))
    .map(({ bucket: b, machineId, hs }) => {
      let kwh = 0;
      let production = 0;
      let parts: number | null = null;
      let rejected: number | null = null;
      let observed = 0;
      let run = 0;
      let ideal = 0;
      let downMs = 0;
      for (const h of hs) {
        kwh += h.kwh;
        production += h.production;
        downMs += h.observedMs - h.runMs;
        const r = rate.get(h.machineId) ?? null;
        if (h.parts === null || r === null) continue;
        parts = (parts ?? 0) + h.parts;
        rejected = (rejected ?? 0) + (h.rejected ?? 0);
        observed += h.observedMs;
        run += h.runMs;
        ideal += r * h.runMs;
      }
      const availability = parts !== null && observed > 0 ? run / observed : null;
      const performance = parts !== null && ideal > 0 ? Math.min(1, parts / ideal) : null;
      const quality = parts !== null && parts > 0 ? (parts - (rejected ?? 0)) / parts : null;
      const oee = availability !== null && performance !== null && quality !== null ? availability * performance * quality : null;
      return { bucket: b, machineId, kwh, co2Kg: kwh * co2KgPerKwh, production, parts, rejected, availability, performance, quality, oee, downtimeH: downMs / HOUR_MS };
    });
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '' : (x * 100).toFixed(1));
const num = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '' : x.toFixed(digits));

async function file(name: string, format: 'csv' | 'pdf', csv: () => string, pdf: () => Promise<Uint8Array>): Promise<ExportFile> {
  return format === 'csv'
    ? { filename: `${name}.csv`, mime: 'text/csv', encoding: 'utf8', content: csv() }
    : { filename: `${name}.pdf`, mime: 'application/pdf', encoding: 'base64', content: Buffer.from(await pdf()).toString('base64') };
}

export function kpiExport(rows: readonly KpiRow[], bucket: 'day' | 'week', timeZone = 'UTC'): ExportFile {
  const header = [bucket === 'day' ? 'day' : 'week_starting', 'kwh', 'co2_kg', 'production', 'parts', 'rejected', 'availability_pct', 'performance_pct', 'quality_pct', 'oee_pct', 'downtime_h'];
  const csv = toCsv(header, rows.map((r) => [formatLocal(timeZone, r.bucket).slice(0, 10), num(r.kwh), num(r.co2Kg), num(r.production, 0), r.parts, r.rejected, pct(r.availability), pct(r.performance), pct(r.quality), pct(r.oee), num(r.downtimeH)]));
  return { filename: `kpis-by-${bucket}.csv`, mime: 'text/csv', encoding: 'utf8', content: csv };
}

export interface OptimizationReportInput {
  period: 'shift' | 'day';
  to: EventMs;
  machines: readonly MachineInfo[];
  /** Per machine, the hours of the period (and before, for demonstrated rates), oldest first. */
  hours: Readonly<Record<string, readonly MachineHour[]>>;
  decisions: readonly AgentDecision[];
  co2KgPerKwh: number;
  /** The plant's IANA time zone and the local hours its shifts start at. */
  timeZone: string;
  shiftStartHours: readonly number[];
  /** Shift log entries written in the period: the handover goes out with the report. */
  shiftLog?: readonly ShiftLogEntry[];
}

/** The plant-clock period a report ending at `to` covers: the shift, or the plant day, holding the instant before `to`. */
export function reportPeriod(period: 'shift' | 'day', to: EventMs, timeZone: string, shiftStartHours: readonly number[]): { from: EventMs; to: EventMs } {
  return { from: period === 'shift' ? shiftAt(timeZone, to - 1, shiftStartHours).start : startOfLocalDay(timeZone, to - 1), to };
}

/** The shift or daily report: KPIs per machine over the period, then the agents' actions and how they turned out. */
export function optimizationReport(input: OptimizationReportInput, format: 'csv' | 'pdf'): Promise<ExportFile> {
  const { from } = reportPeriod(input.period, input.to, input.timeZone, input.shiftStartHours);
  const local = (ts: number) => formatLocal(input.timeZone, ts, true);
  const inPeriod = Object.fromEntries(Object.entries(input.hours).map(([id, hs]) => [id, hs.filter((h) => h.hour < input.to)]));
  const periodHours = Object.fromEntries(Object.entries(inPeriod).map(([id, hs]) => [id, hs.filter((h) => h.hour >= from)]));
  const kpis = machineKpis({ machines: input.machines, hours: inPeriod, predictions: [], alarmCounts: {} }).map((k) => {
    const hs = periodHours[k.machineId] ?? [];
    return { ...k, kwh: hs.reduce((s, h) => s + h.kwh, 0), production: hs.reduce((s, h) => s + h.production, 0) };
  });
  const decisions = input.decisions.filter((d) => d.ts >= from && d.ts < input.to).sort((a, b) => a.ts - b.ts);
  const evaluations = new Map(decisions.filter((d) => d.action === 'evaluate_action').map((d) => [String(d.params.decisionId), d]));
  const totalKwh = kpis.reduce((s, k) => s + k.kwh, 0);
  const title = `FactoryBrain ${input.period === 'shift' ? 'shift' : 'daily'} optimization report, ${local(from)} to ${local(input.to)} (${input.timeZone})`;
  const name = `optimization-${input.period}-${formatLocal(input.timeZone, input.to).slice(0, 13).replace(/[ :]/g, '-')}`;

  return file(
    name,
    format,
    () =>
      toCsv(
        ['section', 'time', 'machine', 'name', 'oee_pct', 'availability_pct', 'performance_pct', 'quality_pct', 'kwh', 'co2_kg', 'production', 'agent', 'action', 'status', 'result', 'explanation'],
        [
          ...kpis.map((k) => ['kpi', local(from), k.machineId, k.name, pct(k.oee?.oee), pct(k.oee?.availability), pct(k.oee?.performance), pct(k.oee?.quality), num(k.kwh), num(k.kwh * input.co2KgPerKwh), num(k.production, 0), '', '', '', '', '']),
          ...(input.shiftLog ?? []).map((e) => ['shiftlog', local(e.at), e.machineId ?? '', e.author, '', '', '', '', '', '', '', '', e.alarmId ? `alarm ${e.alarmId}` : 'handover', e.ackedBy ? `acknowledged by ${e.ackedBy}` : 'not acknowledged', e.ackNote ?? '', e.text]),
          ...decisions.map((d) => ['decision', local(d.ts), d.target ?? '', '', '', '', '', '', '', '', '', d.agent, d.action, d.status, evaluations.get(d.id)?.params.met === undefined ? '' : evaluations.get(d.id)!.params.met ? 'met' : 'not met', d.explanation]),
        ],
      ),
    () => {
      const lines: (string | PdfLine)[] = [
        `Plant energy ${totalKwh.toFixed(1)} kWh, ${(totalKwh * input.co2KgPerKwh).toFixed(1)} kg CO2 (location-based); ${decisions.length} agent decisions.`,
        '',
        { text: 'Machines (OEE = availability × performance × quality)', bold: true },
        ...kpis.map((k) => ({ text: `${k.name.padEnd(14)} OEE ${pct(k.oee?.oee).padStart(5)} %  A ${pct(k.oee?.availability).padStart(5)}  P ${pct(k.oee?.performance).padStart(5)}  Q ${pct(k.oee?.quality).padStart(5)}  ${num(k.kwh).padStart(8)} kWh  ${num(k.production, 0).padStart(8)} units`, mono: true })),
        '',
        { text: 'Agent actions and results', bold: true },
        ...decisions.map((d) => {
          const result = evaluations.get(d.id);
          return `${local(d.ts)} ${d.agent}/${d.action} [${d.status}]${result ? ` → ${result.params.met ? 'met' : 'not met'}` : ''}: ${d.explanation}`;
        }),
        ...(input.shiftLog ? ['', { text: 'Shift log', bold: true }, ...shiftLogLines(input.shiftLog, input.timeZone)] : []),
      ];
      return textPdf(title, lines);
    },
  );
}

export function purchaseOrderDocument(order: Order, currency: string, format: 'csv' | 'pdf', timeZone = 'UTC'): Promise<ExportFile> {
  const local = (ts: number) => formatLocal(timeZone, ts, true);
  // What is paid: the negotiated price where one was agreed.
  const price = order.negotiatedPrice ?? order.unitPrice;
  const total = price === null ? null : price * order.quantity;
  const fields: [string, unknown][] = [
    ['order', order.id],
    ['status', order.status],
    ['part_id', order.partId],
    ['part', order.partName],
    ['supplier_id', order.supplierId],
    ['supplier', order.supplierName],
    ['quantity', order.quantity],
    ['unit_price', order.unitPrice],
    ['negotiated_price', order.negotiatedPrice],
    ['savings', order.savings],
    ['total', total],
    ['currency', currency],
    ['order_by', order.orderBy === null ? null : local(order.orderBy).slice(0, 10)],
    ['urgency', order.urgency],
    ['negotiation_target', order.negotiationTarget],
    ['estimated_delivery', order.estimatedDelivery === null ? null : local(order.estimatedDelivery).slice(0, 10)],
    ['actual_delivery', order.actualDelivery === null ? null : local(order.actualDelivery).slice(0, 10)],
    ['machine', order.machineId],
    ['created_by', order.createdBy],
    ['approved_by', order.approvedBy],
    ['created', local(order.createdAt)],
  ];
  return file(
    `purchase-order-${order.id}`,
    format,
    () => toCsv(fields.map(([k]) => k), [fields.map(([, v]) => v)]),
    () =>
      textPdf(`Purchase order #${order.id}`, [
        ...fields.map(([k, v]) => ({ text: `${k.replaceAll('_', ' ').padEnd(20)} ${v === null || v === undefined ? '–' : String(v)}`, mono: true })),
        '',
        order.status === 'approved' || order.status === 'ordered' || order.status === 'delivered' ? `Approved by ${order.approvedBy ?? '-'}.` : 'NOT APPROVED: not valid for ordering.',
      ]),
  );
}
