/**
 * What the log records about the app itself: each start (and whether the run before it ended
 * cleanly), the configuration it started with and what changed since the last start, each stop, and
 * errors nobody caught. Secrets in the configuration are written as "[redacted]".
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppLog } from './app-log';
import type { WallMs } from '../../common/time';

const RUNNING_FILE = 'running.json';
const LAST_CONFIG_FILE = 'last-config.json';
const SECRET_KEY = /password|apikey|secret|token/i;
/** A loop of the same rejection must not fill the disk: the first ones in full, then one per thousand. */
const FULL_REPORTS = 20;

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && v !== undefined && v !== null ? '[redacted]' : redactSecrets(v)]));
}

/** Dotted paths whose values differ between two configurations (an added or removed key included). */
export function changedKeys(before: unknown, after: unknown, prefix = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedKeys(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || '(root)'];
}

export interface StartRecord {
  dir: string;
  config: unknown;
  versions: Record<string, string>;
  now: WallMs;
  pid?: number;
}

/** Logs the start and the configuration; returns what the stop calls. Files it cannot write are skipped. */
export function recordStart(log: AppLog, start: StartRecord): { stopped(reason: string): void } {
  const running = join(start.dir, RUNNING_FILE);
  const lastConfig = join(start.dir, LAST_CONFIG_FILE);
  const pid = start.pid ?? process.pid;
  let previous: { pid?: number; startedAt?: string } | null = null;
  try {
    if (existsSync(running)) previous = JSON.parse(readFileSync(running, 'utf8')) as typeof previous;
  } catch {
    previous = {};
  }
  if (previous) log.warn('unclean-stop', { previousPid: previous.pid ?? null, previousStart: previous.startedAt ?? null }, 'the previous run ended without a clean stop (crash, kill or power loss)');
  log.info('start', { versions: start.versions }, `FactoryBrain started (pid ${pid})`);

  const config = redactSecrets(start.config);
  let before: unknown = undefined;
  try {
    if (existsSync(lastConfig)) before = JSON.parse(readFileSync(lastConfig, 'utf8'));
  } catch {
    before = undefined;
  }
  const changed = before === undefined ? null : changedKeys(before, config);
  if (changed === null) log.info('config', { config }, 'configuration at start (no earlier one on record)');
  else if (changed.length > 0) log.info('config-changed', { changed, config }, `configuration changed since the last start: ${changed.join(', ')}`);
  else log.info('config', { unchanged: true }, 'configuration unchanged since the last start');

  try {
    writeFileSync(running, JSON.stringify({ pid, startedAt: new Date(start.now).toISOString() }));
    writeFileSync(lastConfig, JSON.stringify(config, null, 1));
  } catch {
    // An unwritable log folder is already in the log's status.
  }
  return {
    stopped(reason) {
      log.info('stop', { reason }, 'FactoryBrain stopped');
      try {
        rmSync(running, { force: true });
      } catch {
        // as above
      }
    },
  };
}

export interface ProcessEvents {
  on(event: 'unhandledRejection' | 'uncaughtExceptionMonitor', listener: (reason: unknown) => void): unknown;
  off(event: 'unhandledRejection' | 'uncaughtExceptionMonitor', listener: (reason: unknown) => void): unknown;
}

/**
 * Writes errors nobody caught to the log. An uncaught exception is only observed (the process still
 * ends, as Node decides); an unhandled rejection is logged, and the process keeps running, as the
 * hosts' guard (main/process-guards.ts) also has it.
 */
export function logProcessErrors(log: AppLog, target: ProcessEvents = process): () => void {
  let rejections = 0;
  const detail = (reason: unknown) => (reason instanceof Error ? { error: reason.message, stack: reason.stack?.slice(0, 8000) } : { error: String(reason).slice(0, 4000) });
  const onRejection = (reason: unknown) => {
    rejections++;
    if (rejections <= FULL_REPORTS || rejections % 1000 === 0) log.error('unhandled-rejection', { count: rejections, ...detail(reason) }, 'a promise was rejected with nobody handling it; the app keeps running');
  };
  const onException = (err: unknown) => log.error('uncaught-exception', detail(err), 'an exception nobody caught ends the process');
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtExceptionMonitor', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtExceptionMonitor', onException);
  };
}
