/** CLI commands over the store: export, backup, restore. They open the database file directly. */
import { createWriteStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { loadConfig } from '../config';
import { DATABASE_FILE } from '../runtime';
import { runningInstance } from '../run-lock';
import { backupTo, restoreFrom } from '../store/backup';
import { backupFileName } from '../store/backup-schedule';
import { exportRows, type ExportKind } from '../store/export';
import { openDatabase } from '../store/open-database';
import { stringFlag, UsageError, type Command, type FlagValues } from './command';
import { progressReporter } from './progress';

const EXPORT_KINDS: readonly ExportKind[] = ['machines', 'readings', 'alarms', 'alarm-events', 'tickets', 'orders'];

export function databasePath(values: FlagValues): string {
  const config = loadConfig({ file: stringFlag(values, 'config'), overrides: { dataDir: stringFlag(values, 'data-dir') } });
  const path = join(config.dataDir, DATABASE_FILE);
  if (!existsSync(path)) throw new UsageError(`no database at ${path}; pass --data-dir of a FactoryBrain installation`);
  return path;
}

function time(values: FlagValues, name: string): number | undefined {
  const raw = stringFlag(values, name);
  if (raw === undefined) return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) throw new UsageError(`--${name} ${raw} is neither epoch ms nor an ISO-8601 time`);
  return ms;
}

export const dataFlags = { 'data-dir': { type: 'string' }, config: { type: 'string' } } as const;

export const exportCommand: Command = {
  summary: 'write machines, readings, alarms, the alarm journal (alarm-events), tickets or orders as CSV or JSON',
  usage: `<${EXPORT_KINDS.join('|')}> [--format csv|json] [--out FILE] [--machine ID] [--from TIME] [--to TIME] [--data-dir DIR]`,
  flags: { ...dataFlags, format: { type: 'string' }, out: { type: 'string' }, machine: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  async run(values, positionals) {
    const kind = positionals[0] as ExportKind | undefined;
    if (!kind || !EXPORT_KINDS.includes(kind)) throw new UsageError(`name what to export: ${EXPORT_KINDS.join(', ')}`);
    const format = stringFlag(values, 'format') ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');
    const from = time(values, 'from');
    const to = time(values, 'to');
    if (from !== undefined && to !== undefined && from > to) throw new UsageError('--from is after --to');
    const db = openDatabase(databasePath(values), { readonly: true });
    const outFile = stringFlag(values, 'out');
    const out = outFile ? createWriteStream(outFile) : process.stdout;
    try {
      const rows = await exportRows(db, kind, format, out, {
        machineId: stringFlag(values, 'machine'),
        from,
        to,
        onProgress: progressReporter(`exporting ${kind}`),
      });
      if (outFile) {
        out.end();
        await finished(out);
      }
      console.error(`exported ${rows} ${kind}${outFile ? ` to ${outFile}` : ''}`);
      return 0;
    } finally {
      db.close();
    }
  },
};

export const backupCommand: Command = {
  summary: 'take an online backup of the database (safe while FactoryBrain runs)',
  usage: '[--out FILE] [--data-dir DIR]',
  flags: { ...dataFlags, out: { type: 'string' } },
  async run(values) {
    const path = databasePath(values);
    const dest = resolve(stringFlag(values, 'out') ?? join(path, '..', 'backups', backupFileName(Date.now())));
    const db = openDatabase(path);
    try {
      console.error(`backing up ${path}...`);
      const { file, bytes } = await backupTo(db, dest);
      console.log(`backup written and verified: ${file} (${(bytes / 1e6).toFixed(1)} MB)`);
      return 0;
    } finally {
      db.close();
    }
  },
};

export const restoreCommand: Command = {
  summary: 'replace the database with a verified backup (FactoryBrain must be stopped)',
  usage: '<backup-file> [--data-dir DIR]',
  flags: { ...dataFlags },
  async run(values, positionals) {
    const [file] = positionals;
    if (!file) throw new UsageError('name the backup file to restore');
    const config = loadConfig({ file: stringFlag(values, 'config'), overrides: { dataDir: stringFlag(values, 'data-dir') } });
    const pid = runningInstance(config.dataDir);
    if (pid !== null) throw new UsageError(`FactoryBrain (pid ${pid}) is running on ${config.dataDir}; stop it before restoring`);
    const { previous } = restoreFrom(resolve(file), join(config.dataDir, DATABASE_FILE));
    console.log(`restored ${file}${previous ? `; the previous database is kept as ${previous}` : ''}`);
    return 0;
  },
};

