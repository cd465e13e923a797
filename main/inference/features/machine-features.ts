/**
 * Whole-machine features: values that need more than one sensor's window, or memory longer than it.
 * A new feature is a MachineFeature added to the engine's options; the frame layout, names and the
 * offline evaluation pick it up without other changes.
 */

export interface MachineFeature {
  /** Slot name in the frame, as `machine.<name>`. */
  readonly name: string;
  /**
   * Returns the updater for one machine. It is called once per accepted reading, in event-time order,
   * with `dtMs` = time since the machine's previous accepted reading (0 for the first one), and returns
   * the feature's value after that reading.
   */
  create(machineId: string): (metrics: Readonly<Record<string, number>>, dtMs: number) => number;
}

/**
 * Production cycles counted from a device counter, since the engine first saw the machine.
 * A drop in the counter is taken as a reset (power cycle, shift rollover), so the new value counts
 * as cycles made since that reset rather than as a negative production.
 */
export function cycleCount(metric = 'cycles', name = 'cycles'): MachineFeature {
  return {
    name,
    create() {
      let last = Number.NaN;
      let total = 0;
      return (metrics) => {
        const v = metrics[metric];
        if (v === undefined || !Number.isFinite(v)) return total;
        if (!Number.isNaN(last)) total += v >= last ? v - last : v;
        last = v;
        return total;
      };
    },
  };
}

export interface StressIntegralOptions {
  metric?: string;
  name?: string;
  /** Level the machine is built to run at continuously; per machine when machine types differ. */
  nominal: number | ((machineId: string) => number);
}

/**
 * Cumulative time spent above nominal, weighted by how far above: sum of max(0, v - nominal) * dt,
 * in metric units x seconds. Running at or below nominal is the wear the machine is rated for, so it
 * adds nothing. The value seen at a reading is held until the next one (what was known at the time),
 * so the integral never uses a value from the future.
 */
export function stressIntegral(options: StressIntegralOptions): MachineFeature {
  const metric = options.metric ?? 'vibration';
  return {
    name: options.name ?? 'stress',
    create(machineId) {
      const nominal = typeof options.nominal === 'function' ? options.nominal(machineId) : options.nominal;
      let held = Number.NaN;
      let total = 0;
      return (metrics, dtMs) => {
        if (held > nominal) total += (held - nominal) * (dtMs / 1000);
        const v = metrics[metric];
        if (v !== undefined && Number.isFinite(v)) held = v;
        return total;
      };
    },
  };
}
