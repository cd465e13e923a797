/** The units-and-ranges form: text fields as typed, checked with the contract's own schema before anything is sent. */
import { SensorEngEditSchema, type SensorEngEdit } from '../../../common/contract-eng';
import type { SensorEng } from '../../../common/telemetry';

export interface EngDraft {
  unit: string;
  normalLow: string;
  normalHigh: string;
  displayLow: string;
  displayHigh: string;
  counter: boolean;
}

const text = (v: number | undefined) => (v === undefined ? '' : String(v));

export function toEngDraft(eng: SensorEng | undefined): EngDraft {
  return {
    unit: eng?.unit ?? '',
    normalLow: text(eng?.normal?.low),
    normalHigh: text(eng?.normal?.high),
    displayLow: text(eng?.display?.low),
    displayHigh: text(eng?.display?.high),
    counter: eng?.counter ?? false,
  };
}

/** A pair of fields: both empty is no range; one empty, or not a number, is an error that names the field. */
function range(label: string, low: string, high: string): { ok: true; value?: { low: number; high: number } } | { ok: false; error: string } {
  if (low.trim() === '' && high.trim() === '') return { ok: true };
  const l = Number(low);
  const h = Number(high);
  if (low.trim() === '' || high.trim() === '' || !Number.isFinite(l) || !Number.isFinite(h)) return { ok: false, error: `${label}: give both bounds as numbers` };
  return { ok: true, value: { low: l, high: h } };
}

export function engEditOf(draft: EngDraft): { ok: true; edit: SensorEngEdit } | { ok: false; error: string } {
  const normal = range('normal range', draft.normalLow, draft.normalHigh);
  if (!normal.ok) return normal;
  const display = range('display range', draft.displayLow, draft.displayHigh);
  if (!display.ok) return display;
  const candidate = {
    ...(draft.unit.trim() !== '' ? { unit: draft.unit } : {}),
    ...(normal.value ? { normal: normal.value } : {}),
    ...(display.value ? { display: display.value } : {}),
    counter: draft.counter,
  };
  const parsed = SensorEngEditSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue?.path.join(' ') || 'value'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, edit: parsed.data };
}
