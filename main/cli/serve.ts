import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { guardProcess } from '../process-guards';
import { startRuntime } from '../runtime';
import { checkBind, startHeadlessHost } from '../server/headless-host';
import { hasRuntimeV8Flags, RUNTIME_V8_FLAGS } from '../v8-flags';
import { numberFlag, stringFlag, untilSignal, type Command } from './command';

export const RENDERER_BUILD = join(import.meta.dirname, '../../out/renderer');

export const serve: Command = {
  summary: 'run FactoryBrain with the headless host: the control-room UI in a browser',
  usage: '[--port N] [--host ADDR] [--data-dir DIR] [--broker URL] [--config FILE] [--machines N]',
  flags: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    broker: { type: 'string' },
    config: { type: 'string' },
    machines: { type: 'string' },
    'static-dir': { type: 'string' },
  },
  async run(values) {
    const config = loadConfig({
      file: stringFlag(values, 'config'),
      overrides: {
        dataDir: stringFlag(values, 'data-dir'),
        server: { port: numberFlag(values, 'port', Number.isInteger), host: stringFlag(values, 'host') },
        broker: { url: stringFlag(values, 'broker') },
        simulator: { machines: numberFlag(values, 'machines', Number.isInteger) },
      },
    });
    const { tls: tlsFiles, insecure } = config.server;
    const tls = tlsFiles && { cert: readFileSync(tlsFiles.certFile), key: readFileSync(tlsFiles.keyFile) };
    // Before the runtime starts: a refused bind must not leave ingest running with no way in.
    checkBind({ host: config.server.host, tls, insecure });
    const log = (message: string) => console.log(`${new Date().toISOString()} ${message}`);
    guardProcess(log);
    // npm start and npm run serve give Node the flags; a bare `node bin/factorybrain.mjs serve` does not.
    if (!hasRuntimeV8Flags()) log(`started without the V8 flags ${RUNTIME_V8_FLAGS.join(' ')}: works, but ingests a backlog about 6% slower (add them to the node command or NODE_OPTIONS)`);
    const runtime = await startRuntime(config, { log, setupToken: true });
    const host = await startHeadlessHost({
      host: config.server.host,
      port: config.server.port,
      allowedHosts: config.server.allowedHosts,
      staticDir: stringFlag(values, 'static-dir') ?? RENDERER_BUILD,
      dispatch: runtime.dispatch,
      sessionLive: runtime.sessionLive,
      subscribe: runtime.subscribe,
      health: runtime.health,
      log,
      tls,
      insecure,
      loginLimit: { burst: config.server.loginBurst, refillMs: config.server.loginRefillMs },
    });
    // Whoever reaches the page first must not become administrator: the first setup needs this token.
    if (runtime.setupToken) console.log(`First run: no account exists yet. Setup token for the first administrator: ${runtime.setupToken} (or go to ${host.url}#setup=${runtime.setupToken})`);
    console.log(`FactoryBrain is running. Open ${host.url} (data: ${config.dataDir}, broker: ${runtime.health().broker.url})`);
    const signal = await untilSignal();
    log(`${signal}: stopping`);
    await host.close();
    await runtime.stop();
    return 0;
  },
};
