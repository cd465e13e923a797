/** Contract handlers of the connectors: thin adapters; the router has checked role and schema and audits. */
import { readFile } from 'node:fs/promises';
import type { connectorCalls } from '../../common/contract-connectors';
import { CallFailure } from '../../common/errors';
import type { Handlers } from '../ipc/router';
import type { Connectors } from './connectors-host';

export type ConnectorHandlers = Pick<Handlers, keyof typeof connectorCalls>;

/** A refusal the engineer can act on (no such server, not connected, a setting that does not validate). */
async function refused<T>(what: () => T | Promise<T>, code: 'not_found' | 'conflict' | 'bad_request' = 'conflict'): Promise<T> {
  try {
    return await what();
  } catch (err) {
    if (err instanceof CallFailure) throw err;
    const message = (err as Error).message;
    throw new CallFailure(/^no (OPC UA server|rejected server certificate)/.test(message) ? 'not_found' : code, message);
  }
}

export function createConnectorHandlers(connectors: Connectors): ConnectorHandlers {
  const ok = { ok: true as const };
  return {
    'connectors.settings': () => connectors.settings(),
    'connectors.modbus.set': async (request) => (await refused(() => connectors.setModbus(request), 'bad_request'), ok),
    'connectors.opcua.set': async (request) => (await refused(() => connectors.setOpcua(request), 'bad_request'), ok),
    'connectors.opcua.password': async ({ server, password }) => (await refused(() => connectors.setOpcuaPassword(server, password)), ok),
    'connectors.historian.set': async ({ password, ...rest }) => (await refused(() => connectors.setHistorian(rest, password), 'bad_request'), ok),
    'opcua.browse': ({ server, nodeId }) => refused(() => connectors.opcua().browse(server, nodeId)),
    'opcua.describe': ({ server, nodeId }) => refused(() => connectors.opcua().describe(server, nodeId)),
    'opcua.certificates': async () => {
      const store = await refused(() => connectors.opcua().certificateStore());
      const strip = (c: { thumbprint: string; subject: string | null }) => ({ thumbprint: c.thumbprint, subject: c.subject });
      // the PEM is what the server's administrator needs to trust this console
      const own = store.own && { ...strip(store.own), file: store.own.file, pem: await readFile(store.own.file, 'utf8') };
      return { own, trusted: store.trusted.map(strip), rejected: store.rejected.map(strip) };
    },
    'opcua.trust': async ({ thumbprint }) => {
      const c = await refused(() => connectors.opcua().trust(thumbprint));
      return { thumbprint: c.thumbprint, subject: c.subject };
    },
  };
}
