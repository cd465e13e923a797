/** CLI commands over the store: export, backup, restore. They open the database file directly. */
import { createWriteStream, existsSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { loadConfig } from '../config';
import { DATABASE_FILE } from '../store/database-file';
import { runningInstance } from '../run-lock';
import { backupTo, restoreFrom } from '../store/backup';
import { AUDIT_KEY_FILE, readKey } from '../store/key-file';
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

export { AUDIT_KEY_FILE } from '../store/key-file';

export const dataFlags = { 'data-dir': { type: 'string' }, config: { type: 'string' } } as const;

/**
 * An output file must never be the live database or its journal files (writing there destroys the
 * store), and must not silently replace an existing file: --overwrite says so.
 */
function checkOutFile(out: string, dbPath: string, values: FlagValues): void {
  const live = resolve(dbPath);
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (out === live + suffix || real(out) === real(live + suffix)) throw new UsageError(`--out ${out} is the live database${suffix ? `'s ${suffix.slice(1)} file` : ''}; choose another file`);
  }
  if (existsSync(out) && values['overwrite'] !== true) throw new UsageError(`--out ${out} exists; pass --overwrite to replace it`);
}

export const exportCommand: Command = {
  summary: 'write machines, readings, alarms, the alarm journal (alarm-events), tickets or orders as CSV or JSON',
  usage: `<${EXPORT_KINDS.join('|')}> [--format csv|json] [--out FILE [--overwrite]] [--machine ID] [--from TIME] [--to TIME] [--data-dir DIR]`,
  flags: { ...dataFlags, format: { type: 'string' }, out: { type: 'string' }, overwrite: { type: 'boolean' }, machine: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  async run(values, positionals) {
    const kind = positionals[0] as ExportKind | undefined;
    if (!kind || !EXPORT_KINDS.includes(kind)) throw new UsageError(`name what to export: ${EXPORT_KINDS.join(', ')}`);
    const format = stringFlag(values, 'format') ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');
    const from = time(values, 'from');
    const to = time(values, 'to');
    if (from !== undefined && to !== undefined && from > to) throw new UsageError('--from is after --to');
    const path = databasePath(values);
    const outFile = stringFlag(values, 'out');
    if (outFile) checkOutFile(resolve(outFile), path, values);
    const db = openDatabase(path, { readonly: true });
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
  usage: '[--out FILE [--overwrite]] [--data-dir DIR]',
  flags: { ...dataFlags, out: { type: 'string' }, overwrite: { type: 'boolean' } },
  async run(values) {
    const path = databasePath(values);
    const dest = resolve(stringFlag(values, 'out') ?? join(path, '..', 'backups', backupFileName(Date.now())));
    checkOutFile(dest, path, values);
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
  usage: '<backup-file> [--allow-unverified-audit] [--data-dir DIR]',
  flags: { ...dataFlags, 'allow-unverified-audit': { type: 'boolean' } },
  async run(values, positionals) {
    const [file] = positionals;
    if (!file) throw new UsageError('name the backup file to restore');
    const config = loadConfig({ file: stringFlag(values, 'config'), overrides: { dataDir: stringFlag(values, 'data-dir') } });
    const pid = runningInstance(config.dataDir);
    if (pid !== null) throw new UsageError(`FactoryBrain (pid ${pid}) is running on ${config.dataDir}; stop it before restoring`);
    const auditKey = readKey(join(config.dataDir, AUDIT_KEY_FILE), 'audit key', (m) => console.error(m));
    const { previous } = restoreFrom(resolve(file), join(config.dataDir, DATABASE_FILE), { auditKey, allowUnverifiedAudit: values['allow-unverified-audit'] === true });
    console.log(`restored ${file}${previous ? `; the previous database is kept as ${previous}` : ''}`);
    return 0;
  },
};

