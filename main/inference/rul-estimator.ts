/** Remaining useful life with its uncertainty band, for machines that report the RUL model's inputs. */
import type { Reading } from '../../common/telemetry';
import type { LoadedModel } from './model-set';
import { RulInput, rulInputWidth, type RulParams } from './rul-input';

export interface RulOutput {
  machineId: string;
  ts: number;
  state: 'ok' | 'uncertain';
  /** Cycles; the mean over the model's seed members. */
  rul: number | null;
  /** The band that held params.band.coverage of validation engines' true (uncapped) RUL. */
  low: number | null;
  high: number | null;
  /** Each member's estimate, for the evaluation (per-seed scores). */
  members: number[];
  detail: string | null;
}

export class RulEstimator {
  private readonly input: RulInput;
  /** Each machine's latest model input since the last flush (every reading still updates its window). */
  private queue = new Map<string, { reading: Reading; x: Float32Array }>();

  constructor(
    private readonly model: LoadedModel,
    private readonly params: RulParams,
  ) {
    this.input = new RulInput(params);
  }

  observe(reading: Reading): void {
    if (!this.input.applies(reading)) return;
    const x = this.input.update(reading);
    if (!x) return;
    this.queue.delete(reading.machineId);
    this.queue.set(reading.machineId, { reading, x });
  }

  /** One estimate per machine: for its latest reading since the previous flush. */
  async flush(): Promise<RulOutput[]> {
    const items = [...this.queue.values()];
    this.queue = new Map();
    if (items.length === 0) return [];
    const width = rulInputWidth(this.params);
    const x = new Float32Array(items.length * width);
    items.forEach((item, i) => x.set(item.x, i * width));
    let out;
    try {
      out = await this.model.run({ x: { data: x, dims: [items.length, width] } });
    } catch (err) {
      const detail = `RUL model failed: ${(err as Error).message}`;
      return items.map(({ reading: r }) => ({ machineId: r.machineId, ts: r.ts, state: 'uncertain', rul: null, low: null, high: null, members: [], detail }));
    }
    const rul = out.rul!;
    const k = rul.dims[1]!;
    const { band } = this.params;
    return items.map(({ reading: r }, i) => {
      const members = Array.from(rul.data.subarray(i * k, (i + 1) * k));
      const mean = members.reduce((a, b) => a + b, 0) / k;
      const b = band.bins?.find((bin) => mean < bin.upTo) ?? band;
      // The upper edge may pass the cap: a prediction at the cap says "at least this long".
      return { machineId: r.machineId, ts: r.ts, state: 'ok', rul: mean, low: Math.max(0, mean + b.low), high: mean + b.high, members, detail: null };
    });
  }
}
