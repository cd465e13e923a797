import { replayCsv } from '../sim/replay-csv';
import { numberFlag, stringFlag, UsageError, type Command } from './command';
import { progressReporter } from './progress';

/** "col=metric,col2=metric2" */
function parseMapping(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const mapping: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [column, metric] = pair.split('=').map((s) => s.trim());
    if (!column || !metric) throw new UsageError(`--map expects column=metric pairs separated by commas, got "${pair}"`);
    mapping[column] = metric;
  }
  return mapping;
}

export const replay: Command = {
  summary: 'publish a CSV file (e.g. a SKAB recording) to a broker in event time',
  usage: '<file.csv> --broker URL (--machine ID | --topic T) [--site S] [--area A] [--speed X] [--map col=metric,...] [--time-column C] [--shift-to-now]',
  flags: {
    broker: { type: 'string' },
    machine: { type: 'string' },
    topic: { type: 'string' },
    site: { type: 'string' },
    area: { type: 'string' },
    speed: { type: 'string' },
    map: { type: 'string' },
    'time-column': { type: 'string' },
    'shift-to-now': { type: 'boolean' },
    username: { type: 'string' },
    password: { type: 'string' },
  },
  async run(values, positionals) {
    const [file] = positionals;
    if (!file) throw new UsageError('name the CSV file to replay');
    const brokerUrl = stringFlag(values, 'broker');
    if (!brokerUrl) throw new UsageError('--broker <url> is required');
    if (!values['machine'] && !values['topic']) throw new UsageError('--machine <id> or --topic <topic> is required');
    const result = await replayCsv({
      file,
      brokerUrl,
      username: stringFlag(values, 'username'),
      password: stringFlag(values, 'password'),
      machine: stringFlag(values, 'machine'),
      topic: stringFlag(values, 'topic'),
      site: stringFlag(values, 'site'),
      area: stringFlag(values, 'area'),
      timeColumn: stringFlag(values, 'time-column'),
      mapping: parseMapping(stringFlag(values, 'map')),
      speed: numberFlag(values, 'speed', (n) => n >= 0) ?? 1,
      shiftToNow: values['shift-to-now'] === true,
      onProgress: progressReporter(`replaying ${file} (bytes)`),
    });
    console.log(`published ${result.published} readings; ${result.badLines} bad lines skipped`);
    for (const bad of result.bad.slice(0, 10)) console.log(`  line ${bad.line}: ${bad.reason}`);
    return 0;
  },
};
