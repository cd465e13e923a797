import { auditCommand } from './audit-command';
import type { Command } from './command';
import { backupCommand, exportCommand, restoreCommand } from './data-commands';
import { replay } from './replay';
import { serve } from './serve';
import { simulate } from './simulate';

export const commands: Record<string, Command> = {
  serve,
  simulate,
  replay,
  export: exportCommand,
  backup: backupCommand,
  restore: restoreCommand,
  audit: auditCommand,
};
