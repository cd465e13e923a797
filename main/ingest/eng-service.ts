/**
 * Units and ranges per machine: what sources publish, with the engineers' edits per machine type
 * and per machine on top. The registry merges them into every machine it hands out; this keeps
 * the edits and the last published set in the store, so exports and restarts have them too.
 */
import type { EngOverridesDto, SensorEngEdit } from '../../common/contract-eng';
import type { SensorEng } from '../../common/telemetry';
import type { EngOverrides } from './machine-registry';

export interface EngStore {
  saveSource(machineId: string, eng: Record<string, SensorEng>): void;
  sources(): Map<string, Record<string, SensorEng>>;
  overrides(): EngOverridesDto;
  saveOverrides(overrides: EngOverridesDto): void;
}

export class EngService {
  private current: EngOverridesDto;

  constructor(
    private readonly store: EngStore,
    private readonly registry: { setEngOverrides(overrides: EngOverrides): void },
    /** Told after an engineer's edit is kept (the condition monitor reads the ranges). */
    private readonly changed: () => void = () => {},
  ) {
    this.current = store.overrides();
    registry.setEngOverrides(this.current);
  }

  overrides(): EngOverridesDto {
    return this.current;
  }

  /** Sets one metric's units and ranges for a machine type or a machine; `null` removes the edit. */
  set(scope: 'type' | 'machine', key: string, sensor: string, eng: SensorEngEdit | null): EngOverridesDto {
    const bucket = scope === 'type' ? 'types' : 'machines';
    const forKey = { ...this.current[bucket][key] };
    if (eng === null) delete forKey[sensor];
    else forKey[sensor] = { ...eng };
    const nextBucket = { ...this.current[bucket] };
    if (Object.keys(forKey).length === 0) delete nextBucket[key];
    else nextBucket[key] = forKey;
    const next = { ...this.current, [bucket]: nextBucket };
    // stored first: an edit the store refused is not shown as if it were kept
    this.store.saveOverrides(next);
    this.current = next;
    this.registry.setEngOverrides(next);
    this.changed();
    return next;
  }

  /** A source published its units (meta, birth); kept for exports made while it is away. */
  published(machineId: string, eng: Record<string, SensorEng> | undefined): void {
    if (eng !== undefined) this.store.saveSource(machineId, eng);
  }
}
