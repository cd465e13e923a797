/** The diagnostics screen's contract call: a thin adapter over the runtime's diagnostics. */
import type { CallName } from '../../common/contract';
import type { Handlers } from '../ipc/router';
import type { DiagnosticsSnapshot } from '../../common/contract-diagnostics';

export type DiagnosticsHandlers = Pick<Handlers, Extract<CallName, `diagnostics.${string}`>>;

export function createDiagnosticsHandlers(snapshot: () => DiagnosticsSnapshot): DiagnosticsHandlers {
  return { 'diagnostics.snapshot': () => snapshot() };
}
