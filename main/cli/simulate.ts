import { ConfigSchema } from '../config';
import { runSimulator } from '../sim/simulate';
import { numberFlag, stringFlag, untilSignal, UsageError, type Command } from './command';

const defaults = ConfigSchema.parse({}).simulator;

export const simulate: Command = {
  summary: 'publish a simulated plant to an MQTT broker',
  usage: '--broker URL [--machines N] [--rate HZ] [--speed X] [--faults PER_MACHINE_PER_DAY] [--seed N] [--site NAME] [--duration S] [--username U] [--password P]',
  flags: {
    broker: { type: 'string' },
    machines: { type: 'string' },
    rate: { type: 'string' },
    speed: { type: 'string' },
    faults: { type: 'string' },
    seed: { type: 'string' },
    site: { type: 'string' },
    duration: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
  },
  async run(values) {
    const brokerUrl = stringFlag(values, 'broker');
    if (!brokerUrl) throw new UsageError('--broker <url> is required, e.g. mqtt://127.0.0.1:1883');
    const positive = (n: number) => Number.isFinite(n) && n > 0;
    const handle = await runSimulator({
      brokerUrl,
      username: stringFlag(values, 'username'),
      password: stringFlag(values, 'password'),
      machines: numberFlag(values, 'machines', (n) => Number.isInteger(n) && n > 0) ?? defaults.machines,
      rateHz: numberFlag(values, 'rate', positive) ?? defaults.rateHz,
      speed: numberFlag(values, 'speed', (n) => n >= 0) ?? 1,
      faultsPerMachinePerDay: numberFlag(values, 'faults', (n) => n >= 0) ?? defaults.faultsPerMachinePerDay,
      seed: numberFlag(values, 'seed', Number.isInteger) ?? defaults.seed,
      site: stringFlag(values, 'site') ?? defaults.site,
      durationS: numberFlag(values, 'duration', positive),
      onError: (err) => console.error(`broker: ${err.message}`),
      onProgress: (s) => process.stderr.write(`\rsimulated ${s.ticks} ticks, ${s.messages} messages, event time ${new Date(s.eventTs).toISOString()}, ${s.activeFaults} active faults\x1b[K`),
    });
    console.error(`simulating ${handle.plant.machines.length} machines on ${brokerUrl}; Ctrl-C stops`);
    await Promise.race([handle.done, untilSignal()]);
    await handle.stop();
    process.stderr.write('\n');
    return 0;
  },
};
