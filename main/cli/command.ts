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

/** A repeat of the stop signal within this long is the same request arriving twice. */
export const SIGNAL_ECHO_MS = 1000;

/**
 * Resolves when the process is asked to stop (Ctrl-C, service manager). The request often arrives
 * twice at once: from the terminal or service manager, which signal the whole process group, and
 * from a parent that passes it on (npm start's scripts/start.mjs). A repeat within
 * SIGNAL_ECHO_MS is ignored, so it cannot kill a shutdown that is storing the last readings; a later
 * one is a second Ctrl-C, and ends the process as usual.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const echo = () => {};
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on).off('SIGTERM', on);
      process.on('SIGINT', echo).on('SIGTERM', echo);
      setTimeout(() => process.off('SIGINT', echo).off('SIGTERM', echo), SIGNAL_ECHO_MS).unref();
      resolve(signal);
    };
    process.on('SIGINT', on).on('SIGTERM', on);
  });
}
