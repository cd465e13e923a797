import { describe, expect, it } from 'vitest';
import { summaryFixture } from '../test-fixtures';
import { formatHours, formatProbability, formatRul, healthBand, healthView, learningPct, plantHealth, stateShares } from './condition-view';

describe('condition figures', () => {
  it('shows hours with one decimal below 10 h and none from 10 h up', () => {
    expect(formatHours(0)).toBe('0.0 h');
    expect(formatHours(4.25)).toBe('4.3 h');
    expect(formatHours(9.94)).toBe('9.9 h');
    expect(formatHours(10)).toBe('10 h');
    expect(formatHours(153.6)).toBe('154 h');
    expect(formatHours(null)).toBe('—');
    expect(formatHours(Number.NaN)).toBe('—');
  });

  it('shows a probability as a percentage, small ones with a decimal', () => {
    expect(formatProbability(0.012)).toBe('1.2 %');
    expect(formatProbability(0.5)).toBe('50 %');
    expect(formatProbability(1)).toBe('100 %');
    expect(formatProbability(null)).toBe('—');
  });

  it('gives RUL with its 80 % band', () => {
    expect(formatRul({ hours: 42.4, low: 8.25, high: 61 })).toBe('42 h (8.3–61 h)');
  });

  it('colours health only below 70', () => {
    expect(healthBand(100)).toBe('normal');
    expect(healthBand(70)).toBe('normal');
    expect(healthBand(69.9)).toBe('degraded');
    expect(healthBand(39)).toBe('poor');
  });
});

describe('tile health', () => {
  it('says learning while the model learns, never normal or a score', () => {
    const base = summaryFixture({ phase: 'learning', health: null });
    const learning = { ...base, learning: { ...base.learning, hoursSeen: 6, hoursNeeded: 24 } };
    expect(healthView(learning)).toEqual({ kind: 'learning', text: 'learning 25 %' });
    // Past the hours needed but not yet monitoring (a band still unlearned): never 100 %.
    expect(learningPct({ ...learning, learning: { ...learning.learning, hoursSeen: 30 } })).toBe(99);
    expect(healthView({ ...learning, learning: { ...learning.learning, hoursNeeded: 0 } })).toEqual({ kind: 'learning', text: 'learning' });
    expect(JSON.stringify(healthView(learning))).not.toMatch(/normal/);
  });

  it('gives the score, banded below 70, and a dash without one', () => {
    expect(healthView(summaryFixture({ health: 82.4 }))).toEqual({ kind: 'health', text: 'health 82', band: 'normal' });
    expect(healthView(summaryFixture({ health: 55 }))).toEqual({ kind: 'health', text: 'health 55', band: 'degraded' });
    expect(healthView(summaryFixture({ health: null }))).toEqual({ kind: 'none', text: 'health —' });
  });
});

describe('plant health', () => {
  const list = [
    summaryFixture({ machineId: 'a', health: 90 }),
    summaryFixture({ machineId: 'b', health: 40 }),
    summaryFixture({ machineId: 'c', health: 70 }),
    summaryFixture({ machineId: 'd', health: 60 }),
    summaryFixture({ machineId: 'e', phase: 'learning', health: null }),
  ];

  it('averages over the machines with a score and names the worst three', () => {
    const h = plantHealth(list);
    expect(h.average).toBe(65);
    expect(h.scored).toBe(4);
    expect(h.learning).toBe(1);
    expect(h.worst.map((w) => w.machineId)).toEqual(['b', 'd', 'c']);
  });

  it('keeps to the machines asked for and is unknown without scores', () => {
    expect(plantHealth(list, (id) => id === 'a').average).toBe(90);
    expect(plantHealth(list, (id) => id === 'e')).toEqual({ average: null, scored: 0, learning: 1, worst: [] });
  });
});

describe('state shares', () => {
  it('adds hours per state and gives the running share of the range', () => {
    const s = stateShares({ running: 12, idle: 4, off: 6 });
    expect(s.hours).toEqual({ running: 12, idle: 4, off: 6, unknown: 0 });
    expect(s.total).toBe(22);
    expect(s.runningShare).toBeCloseTo(12 / 22);
    expect(stateShares({}).runningShare).toBeNull();
  });
});
