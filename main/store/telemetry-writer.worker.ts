/**
 * Worker thread of the telemetry writer: owns its own write connection so SQLite's share of the
 * pipeline runs on the second core. It never throws across the port; every failure is a message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, WRITER_CHECKPOINT_PAGES, type Db } from './open-database';
import type { PruneBudget } from './retention';
import { TelemetrySink } from './telemetry-sink';
import type { FromWorker, ToWorker, WriterInit } from './writer-protocol';

const PRUNE_BUDGET: PruneBudget = { maxRows: 20_000, maxMs: 20 };

const port = parentPort;
if (!port) throw new Error('telemetry-writer.worker must run in a worker thread');
const post = (msg: FromWorker) => port.postMessage(msg);
const message = (err: unknown) => (err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err));

const init = workerData as WriterInit;
let db: Db | undefined;
let sink: TelemetrySink | undefined;
try {
  db = openDatabase(init.dbPath, { nativeBinding: init.nativeBinding, busyTimeoutMs: init.busyTimeoutMs, synchronous: 'NORMAL', checkpointPages: WRITER_CHECKPOINT_PAGES });
  sink = new TelemetrySink(db, { retention: init.retention, allowedLatenessMs: init.allowedLatenessMs, syncEveryMs: init.syncEveryMs });
} catch (err) {
  db?.close();
  post({ type: 'fatal', error: message(err) });
  port.close();
}

const prune = () => {
  try {
    sink?.prune(PRUNE_BUDGET);
  } catch (err) {
    post({ type: 'error', error: `retention: ${message(err)}` });
  }
};

if (db && sink) {
  const live = { db, sink };
  const timer = setInterval(prune, init.pruneEveryMs);
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'close') {
      clearInterval(timer);
      live.db.close();
      post({ type: 'closed' });
      port.close();
      return;
    }
    try {
      const { written, rejected } = live.sink.write(msg);
      post({ type: 'committed', id: msg.id, written, rejected, committedAt: Date.now() });
    } catch (err) {
      post({ type: 'failed', id: msg.id, error: message(err) });
      return;
    }
    prune();
  });
  post({ type: 'ready' });
}
