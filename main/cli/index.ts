/**
 * factorybrain <command>: the one command-line entry (also `npm run cli --`). Each command parses its
 * own flags; a wrong flag or value ends with a one-line error and exit code 2, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../config';
import { UsageError, type Command, type FlagValues } from './command';
import { commands } from './commands';

function help(): string {
  const lines = ['usage: factorybrain <command> [flags]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'factorybrain <command> --help shows the flags of a command.');
  return lines.join('\n');
}

function commandHelp(name: string, c: Command): string {
  const lines = [`usage: factorybrain ${name} ${c.usage}`, '', c.summary, '', 'flags:'];
  for (const [flag, spec] of Object.entries(c.flags)) lines.push(`  --${flag}${spec.type === 'string' ? ' <value>' : ''}`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(`factorybrain: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandHelp(name, command));
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.flags, allowPositionals: true, strict: true });
    return await command.run(values as FlagValues, positionals);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`factorybrain ${name}: ${(err as Error).message}`);
      return 2;
    }
    console.error(`factorybrain ${name} failed: ${(err as Error).message}`);
    return 1;
  }
}
