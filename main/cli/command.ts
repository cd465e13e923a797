import type { ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {}

export type FlagValues = Record<string, string | boolean | undefined>;
export interface Command {
  summary: string;
  usage: string;
  flags: NonNullable<ParseArgsConfig['options']>;
  run(values: FlagValues, positionals: string[]): Promise<number>;
}

export function numberFlag(values: FlagValues, name: string, check: (n: number) => boolean = Number.isFinite): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !check(n)) throw new UsageError(`--${name} ${String(raw)} is not a valid value`);
  return n;
}

export function stringFlag(values: FlagValues, name: string): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}

/** Resolves when the process is asked to stop (Ctrl-C, service manager). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
