/** factorybrain audit verify|export: checks the audit log's hash chain, or writes it out with its hashes. */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { readKey } from '../store/key-file';
import { createAuditLog, verifyAuditChain } from '../store/audit-log';
import { openDatabase } from '../store/open-database';
import { stringFlag, UsageError, type Command } from './command';
import { AUDIT_KEY_FILE, databasePath, dataFlags } from './data-commands';

const PAGE = 5000;

export const auditCommand: Command = {
  summary: 'verify the audit log hash chain, or export it (JSON lines, oldest first, with hashes)',
  usage: '<verify|export> [--out FILE] [--data-dir DIR]',
  flags: { ...dataFlags, out: { type: 'string' } },
  async run(values, positionals) {
    const action = positionals[0];
    if (action !== 'verify' && action !== 'export') throw new UsageError('name what to do: verify or export');
    const path = databasePath(values);
    const db = openDatabase(path, { readonly: true });
    try {
      if (action === 'verify') {
        const result = verifyAuditChain(db, readKey(join(dirname(path), AUDIT_KEY_FILE), 'audit key', (m) => console.error(m)));
        const prefix = result.unchained > 0 ? ` (${result.unchained} rows from before the chain cannot be verified)` : '';
        if (result.ok) {
          console.log(`audit log intact: ${result.rows} rows${prefix}`);
          return 0;
        }
        console.log(`audit log BROKEN at row ${result.firstBroken!.id}: ${result.firstBroken!.reason}${prefix}`);
        return 3;
      }
      const outFile = stringFlag(values, 'out');
      const out = outFile ? createWriteStream(outFile) : process.stdout;
      const audit = createAuditLog(db);
      let afterId = 0;
      let rows = 0;
      for (;;) {
        const page = audit.export({ afterId, limit: PAGE });
        if (page.length === 0) break;
        // Backpressure: a large log must not pile up in memory when stdout is a slow pipe.
        if (!out.write(page.map((e) => JSON.stringify(e)).join('\n') + '\n')) await once(out, 'drain');
        rows += page.length;
        afterId = page.at(-1)!.id;
      }
      if (outFile) {
        out.end();
        await finished(out);
      }
      console.error(`exported ${rows} audit rows${outFile ? ` to ${outFile}` : ''}`);
      return 0;
    } finally {
      db.close();
    }
  },
};
