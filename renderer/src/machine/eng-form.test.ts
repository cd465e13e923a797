import { describe, expect, it } from 'vitest';
import { engEditOf, toEngDraft } from './eng-form';

describe('units and ranges form', () => {
  it('round-trips what a machine has', () => {
    const draft = toEngDraft({ unit: '°C', normal: { low: 40, high: 80 }, counter: false });
    expect(draft).toEqual({ unit: '°C', normalLow: '40', normalHigh: '80', displayLow: '', displayHigh: '', counter: false });
    expect(engEditOf(draft)).toEqual({ ok: true, edit: { unit: '°C', normal: { low: 40, high: 80 }, counter: false } });
  });

  it('names what is wrong: a half range, a reversed range, markup, a long unit', () => {
    const base = toEngDraft(undefined);
    expect(engEditOf({ ...base, normalLow: '4' })).toEqual({ ok: false, error: 'normal range: give both bounds as numbers' });
    expect(engEditOf({ ...base, displayLow: 'a', displayHigh: '3' })).toEqual({ ok: false, error: 'display range: give both bounds as numbers' });
    expect(engEditOf({ ...base, normalLow: '9', normalHigh: '3' })).toEqual({ ok: false, error: 'normal: low must be below high' });
    expect(engEditOf({ ...base, unit: '<b>' })).toEqual({ ok: false, error: 'unit: no markup or control characters' });
    expect(engEditOf({ ...base, unit: 'x'.repeat(33) })).toEqual({ ok: false, error: 'unit: at most 32 characters' });
  });
});
