/**
 * What a maintenance ticket asks the technician to do, by failure type. The types are those of the
 * simulator's faults and of the anomaly classifier; anything else gets the generic inspection.
 */
export interface RepairPlan {
  steps: readonly string[];
  /** Technician hours for the cost estimate. */
  labourHours: number;
}

const LOTO = 'Isolate and lock out the machine (LOTO); verify zero energy.';

const PLANS: Readonly<Record<string, RepairPlan>> = {
  bearing_wear: {
    labourHours: 4,
    steps: [LOTO, 'Measure vibration spectrum at drive and non-drive end to confirm the bearing defect frequency.', 'Replace the worn bearing and its seals; check shaft and housing fits.', 'Lubricate to specification and check alignment.', 'Run up, record vibration and temperature against the baseline.'],
  },
  vibration_bearing: {
    labourHours: 4,
    steps: [LOTO, 'Check mounting bolts, coupling and alignment.', 'Inspect bearings; replace if pitted or noisy.', 'Run up and record vibration against the baseline.'],
  },
  overheating: {
    labourHours: 2,
    steps: [LOTO, 'Clean cooling fins, fans and filters; check coolant level and flow.', 'Check lubrication and motor current against nameplate.', 'Replace the cooling fan or thermostat if faulty.', 'Run up and watch the temperature settle below the high limit.'],
  },
  thermal: {
    labourHours: 2,
    steps: [LOTO, 'Clean cooling paths and check coolant flow.', 'Check motor current against nameplate.', 'Run up and watch the temperature settle.'],
  },
  leak: {
    labourHours: 3,
    steps: [LOTO, 'Depressurise the circuit and locate the leak (soap test or ultrasound).', 'Replace the failed seal, gasket or hose.', 'Pressure-test before returning to service.'],
  },
  pressure_flow: {
    labourHours: 3,
    steps: [LOTO, 'Check filters, valves and the pump impeller for wear or blockage.', 'Replace worn seals or the impeller.', 'Pressure-test before returning to service.'],
  },
  surge: {
    labourHours: 2,
    steps: [LOTO, 'Check supply voltage, contactors and terminal tightness.', 'Replace pitted contactors; check motor insulation resistance.', 'Run up and record current.'],
  },
  electrical: {
    labourHours: 2,
    steps: [LOTO, 'Check supply voltage, contactors and terminal tightness.', 'Measure motor insulation resistance.', 'Replace failed electrical parts and run up.'],
  },
  stuck_sensor: {
    labourHours: 1,
    steps: ['Compare the sensor with a handheld reference.', 'Check cable, connector and transmitter supply.', 'Replace the sensor and confirm the value moves with the process.'],
  },
  sensor_fault: {
    labourHours: 1,
    steps: ['Compare the sensor with a handheld reference.', 'Check cable, connector and transmitter supply.', 'Replace the sensor if it does not follow the reference.'],
  },
};

const GENERIC: RepairPlan = {
  labourHours: 2,
  steps: [LOTO, 'Inspect the machine for the cause of the predicted failure.', 'Repair or replace what is found; record it on the ticket.', 'Run up and check readings against the baseline.'],
};

export const repairPlan = (failureType: string | null): RepairPlan => (failureType !== null && Object.hasOwn(PLANS, failureType) ? PLANS[failureType]! : GENERIC);
