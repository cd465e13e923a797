/**
 * Seeded randomness. The simulator must give the same bytes for the same seed and timestamps, so no
 * Math.random anywhere; every stream of draws owns one 32-bit state that the caller stores.
 */

/** One step of mulberry32: small state (one uint32), fast, and good enough for plant noise. */
function mulberry32(state: number): { state: number; value: number } {
  const next = (state + 0x6d2b79f5) | 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { state: next, value: ((t ^ (t >>> 14)) >>> 0) / 4294967296 };
}

/** A draw source over one mutable state, so per-machine state stays a plain number. */
export class Rng {
  constructor(public state: number) {}

  next(): number {
    const r = mulberry32(this.state);
    this.state = r.state;
    return r.value;
  }

  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal by Box-Muller; 1 - u keeps log away from zero. */
  gauss(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Waiting time of a Poisson process with the given rate (events per unit). */
  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

/** Derives independent seeds for each machine and purpose from one user seed (FNV-1a over the label). */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  // One mulberry round so that neighbouring labels do not give neighbouring streams.
  return Math.floor(mulberry32(h).value * 4294967296);
}
