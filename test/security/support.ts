/**
 * What the security tests that go through the headless host share: the real runtime behind a real
 * host serving a stub page, a WebSocket peer that speaks the contract, and the audit log as written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { CallResult, WsServerFrame } from '../../common/contract';
import type { AppConfig } from '../../main/config';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../main/runtime';
import { startHeadlessHost, type HeadlessHost } from '../../main/server/headless-host';
import { DATABASE_FILE } from '../../main/store/database-file';
import { openDatabase } from '../../main/store/open-database';

/** The runtime with `config` and a headless host in front of it on a free port; the page is a stub, the WebSocket is real. */
export async function startHostedRuntime(config: AppConfig, options: RuntimeOptions): Promise<{ runtime: Runtime; host: HeadlessHost }> {
  const runtime = await startRuntime(config, options);
  const staticDir = join(config.dataDir, 'site');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
  const host = await startHeadlessHost({ host: '127.0.0.1', port: 0, staticDir, dispatch: runtime.dispatch, sessionLive: runtime.sessionLive, subscribe: runtime.subscribe, health: runtime.health, log: () => {} });
  return { runtime, host };
}

/** One browser's WebSocket: calls answered by id, events counted, and how the host closed it. */
export class WsClient {
  private next = 1;
  private readonly waiting = new Map<number, (r: CallResult<unknown>) => void>();
  events = 0;
  closed: { code: number; reason: string } | null = null;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as WsServerFrame;
      if ('id' in frame) this.waiting.get(frame.id)?.(frame.result);
      else this.events++;
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }
  static async open(host: HeadlessHost): Promise<WsClient> {
    const ws = new WebSocket(host.url.replace('http', 'ws') + 'ws');
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new WsClient(ws);
  }
  call(call: string, request: unknown): Promise<CallResult<unknown>> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ id, call, request }));
    });
  }
}

/** The audit log as the runtime wrote it, oldest first, read through a read-only connection of its own. */
export function auditRows(dataDir: string): { action: string; outcome: string; detail: string }[] {
  const db = openDatabase(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT action, outcome, detail FROM audit ORDER BY id').all() as { action: string; outcome: string; detail: string }[];
  } finally {
    db.close();
  }
}
