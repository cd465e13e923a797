/**
 * The engineer's record of what the app did, for reading after the fact: one JSON object a line
 * (pino), in files that roll daily in the log folder (pino-roll), kept `retentionDays` days.
 *
 * Writes are synchronous: the app logs tens of lines a minute, not per reading, and a line written
 * before a crash must be on disk when the process dies. A log folder that cannot be created or
 * written, or a disk that fills, never stops the app: the problem is said once on the console and
 * in `status()` (health, Settings), and the lines go on to the console only.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import pinoRoll from 'pino-roll';
import type { WallMs } from '../../common/time';

export const LOG_BASENAME = 'factorybrain';
const DAY_MS = 86_400_000;
/** factorybrain.2026-12-06.1.log: the date pino-roll writes, then its number for the day. */
const FILE_PATTERN = new RegExp(`^${LOG_BASENAME}\\.(\\d{4}-\\d{2}-\\d{2})\\.(\\d+)\\.log$`);

export interface LogStatus {
  dir: string;
  retentionDays: number;
  /** ok: lines go to the files; unavailable: to the console only, for `problem`. */
  state: 'ok' | 'unavailable';
  problem: string | null;
}

export interface LogStream {
  write(line: string): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  flushSync?(): void;
  end(): unknown;
}

export interface AppLogOptions {
  dir: string;
  retentionDays: number;
  /** The host's console: problems with the log files are told here, and every line once they fail. */
  console(message: string): void;
  now?: () => WallMs;
  /** Opens the rolling file; tests inject a failing one. */
  openStream?: (dir: string, retentionDays: number) => Promise<LogStream>;
}

export type Fields = Record<string, unknown>;

export interface AppLog {
  info(event: string, fields?: Fields, message?: string): void;
  warn(event: string, fields?: Fields, message?: string): void;
  error(event: string, fields?: Fields, message?: string): void;
  status(): LogStatus;
  close(): void;
}

async function openRollingFile(dir: string, retentionDays: number): Promise<LogStream> {
  return pinoRoll({
    file: join(dir, LOG_BASENAME),
    extension: '.log',
    frequency: 'daily',
    dateFormat: 'yyyy-MM-dd',
    // Files beside today's: retentionDays days of history in all.
    limit: { count: retentionDays, removeOtherLogFiles: true },
    mkdir: true,
    sync: true,
  });
}

/**
 * Removes log files whose day is more than `retentionDays` before today. pino-roll prunes only when
 * it rolls at midnight; this covers an app that was off for weeks, or a retention made shorter.
 */
export function pruneOldLogs(dir: string, retentionDays: number, now: WallMs): string[] {
  const cutoff = new Date(now - retentionDays * DAY_MS).toISOString().slice(0, 10);
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = FILE_PATTERN.exec(name);
    if (m && m[1]! < cutoff) {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

const describe = (err: unknown) => (err instanceof Error ? `${(err as NodeJS.ErrnoException).code ? `${(err as NodeJS.ErrnoException).code}: ` : ''}${err.message}` : String(err));

export async function openAppLog(options: AppLogOptions): Promise<AppLog> {
  const now = options.now ?? Date.now;
  let problem: string | null = null;
  let stream: LogStream | null = null;

  const fail = (err: unknown) => {
    if (problem !== null) return;
    problem = `cannot write log files in ${options.dir} (${describe(err)})`;
    options.console(`log: ${problem}; logging to the console only`);
    const s = stream;
    stream = null;
    try {
      s?.end();
    } catch {
      // already broken
    }
  };

  let removed: string[] = [];
  try {
    mkdirSync(options.dir, { recursive: true });
    removed = pruneOldLogs(options.dir, options.retentionDays, now());
    stream = await (options.openStream ?? openRollingFile)(options.dir, options.retentionDays);
    stream.on('error', fail);
  } catch (err) {
    fail(err);
  }

  const destination = {
    write(line: string) {
      // Without a file the host's console has the messages already, and `at` echoes warnings and errors.
      if (stream === null) return;
      try {
        stream.write(line);
      } catch (err) {
        fail(err);
      }
    },
  };
  const logger: Logger = pino(
    {
      base: { pid: process.pid, host: hostname() },
      timestamp: () => `,"time":"${new Date(now()).toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );

  if (removed.length > 0) logger.info({ event: 'log-retention', removed }, `removed ${removed.length} log files older than ${options.retentionDays} days`);

  const at = (level: 'info' | 'warn' | 'error') => (event: string, fields: Fields = {}, message?: string) => {
    if (problem !== null && level !== 'info') options.console(`${level} ${event}${message ? `: ${message}` : ''}`);
    logger[level]({ ...fields, event }, message);
  };

  return {
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    status: () => ({ dir: options.dir, retentionDays: options.retentionDays, state: problem === null ? 'ok' : 'unavailable', problem }),
    close() {
      const s = stream;
      stream = null;
      try {
        s?.flushSync?.();
        s?.end();
      } catch {
        // a failing disk at shutdown: nothing left to tell
      }
    },
  };
}
