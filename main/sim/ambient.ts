/**
 * Hall air temperature: a daily swing, a slow drift over days (weather), and a fixed offset per area
 * (the forming hall is warmer than packaging). A pure function of seed and event time, so every
 * machine of an area sees the same air whatever the step size.
 */
import { Rng, deriveSeed } from './random';

/** The air temperature the catalog's nominal temperatures assume, °C. */
export const NOMINAL_AMBIENT_C = 22;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DAILY_AMPLITUDE_K = 3;
/** The warmest hour of the plant-local day. */
const DAILY_PEAK_HOUR = 15;
/** Incommensurate periods, so the drift never repeats within a benchmark; amplitudes add up to a few K. */
const DRIFT: readonly { periodDays: number; amplitudeK: number }[] = [
  { periodDays: 2.7, amplitudeK: 0.6 },
  { periodDays: 5.3, amplitudeK: 1.2 },
  { periodDays: 9.1, amplitudeK: 1.5 },
];
const AREA_OFFSET_K = 1.5;

export class Ambient {
  private readonly phases: number[];
  private readonly areaOffsets = new Map<string, number>();

  constructor(
    private readonly seed: number,
    private readonly utcOffsetMinutes = 0,
  ) {
    const rng = new Rng(deriveSeed(seed, 'ambient/drift'));
    this.phases = DRIFT.map(() => rng.next());
  }

  /** Air temperature of the plant at `ts` without the area offset, °C. */
  plantAt(ts: number): number {
    const local = ts + this.utcOffsetMinutes * 60_000;
    const hour = (local / HOUR) % 24;
    let t = NOMINAL_AMBIENT_C + DAILY_AMPLITUDE_K * Math.cos((2 * Math.PI * (hour - DAILY_PEAK_HOUR)) / 24);
    DRIFT.forEach((d, i) => (t += d.amplitudeK * Math.sin(2 * Math.PI * (ts / (d.periodDays * DAY) + (this.phases[i] ?? 0)))));
    return t;
  }

  /** How much warmer (or cooler) one area runs than the plant, K; fixed per seed and area. */
  areaOffset(area: string): number {
    let offset = this.areaOffsets.get(area);
    if (offset === undefined) {
      offset = new Rng(deriveSeed(this.seed, `ambient/area/${area}`)).range(-AREA_OFFSET_K, AREA_OFFSET_K);
      this.areaOffsets.set(area, offset);
    }
    return offset;
  }

  at(ts: number, area: string): number {
    return this.plantAt(ts) + this.areaOffset(area);
  }
}
