/**
 * An OPC UA server inside the test (or benchmark) process, from node-opcua's server package: a small
 * address space whose variables change, one that can be switched to a Bad status, values of wrong
 * types, and a restart on the same port. Secure mode requires SignAndEncrypt and a user (name and
 * password, or a certificate).
 */
import { join } from 'node:path';
import { DataType, MessageSecurityMode, OPCUACertificateManager, OPCUAServer, SecurityPolicy, StatusCodes, type UAVariable } from 'node-opcua';

export interface TestServerOptions {
  pkiDir: string;
  /** SignAndEncrypt with Basic256Sha256 and user `engineer` / `correct-horse` only; otherwise None and anonymous. */
  secure?: boolean;
  /** Extra Double variables Bulk.v0..v(n-1), each changing every tickMs. */
  bulk?: number;
  tickMs?: number;
  port?: number;
}

export interface TestServer {
  port: number;
  endpointUrl: string;
  certificate(): Buffer;
  /** The temperature reports BadSensorFailure until set back. */
  bad: boolean;
  /** Values written since start (all variables). */
  writes: number;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export const TEST_USER = { username: 'engineer', password: 'correct-horse' };

export async function startOpcuaTestServer(options: TestServerOptions): Promise<TestServer> {
  const certificates = new OPCUACertificateManager({ rootFolder: join(options.pkiDir, 'server'), automaticallyAcceptUnknownCertificate: true });
  await certificates.initialize();
  const userCertificates = new OPCUACertificateManager({ rootFolder: join(options.pkiDir, 'users'), automaticallyAcceptUnknownCertificate: true });
  await userCertificates.initialize();
  const tickMs = options.tickMs ?? 100;
  let server: OPCUAServer;
  let timer: NodeJS.Timeout | null = null;
  const state: TestServer = {
    port: options.port ?? 0,
    endpointUrl: '',
    bad: false,
    writes: 0,
    certificate: () => server.getCertificate(),
    restart: async () => {
      await stop();
      await start(state.port);
    },
    stop: async () => {
      await stop();
      await certificates.dispose();
      await userCertificates.dispose();
    },
  };

  async function start(port: number) {
    server = new OPCUAServer({
      port,
      serverCertificateManager: certificates,
      securityModes: options.secure ? [MessageSecurityMode.SignAndEncrypt] : [MessageSecurityMode.None],
      securityPolicies: options.secure ? [SecurityPolicy.Basic256Sha256] : [SecurityPolicy.None],
      allowAnonymous: !options.secure,
      userManager: { isValidUser: (user: string, password: string) => user === TEST_USER.username && password === TEST_USER.password },
      // a user may also log in with a certificate; this test server takes any that signs its token
      userCertificateManager: userCertificates,
      maxConnectionsPerEndpoint: 20,
    });
    await server.initialize();
    const space = server.engine.addressSpace!;
    const ns = space.getOwnNamespace();
    const press = ns.addObject({ organizedBy: space.rootFolder.objects, browseName: 'Press1' });
    const temperature = ns.addAnalogDataItem({
      componentOf: press,
      browseName: 'Temperature',
      nodeId: 's=Press1.Temperature',
      dataType: DataType.Double,
      engineeringUnitsRange: { low: 0, high: 150 },
      engineeringUnits: { namespaceUri: 'http://www.opcfoundation.org/UA/units/un/cefact', unitId: 4408652, displayName: { text: '°C' }, description: { text: 'degree Celsius' } } as never,
    });
    const add = (name: string, dataType: DataType, valueRank = -1) => ns.addVariable({ componentOf: press, browseName: name, nodeId: `s=Press1.${name}`, dataType, valueRank });
    const speed = add('Speed', DataType.Int32);
    const running = add('Running', DataType.Boolean);
    const label = add('Label', DataType.String);
    const vector = add('Vector', DataType.Double, 1);
    const broken = add('Broken', DataType.Double);
    const bulkFolder = ns.addFolder(space.rootFolder.objects, { browseName: 'Bulk' });
    const bulk: UAVariable[] = [];
    for (let i = 0; i < (options.bulk ?? 0); i++) bulk.push(ns.addVariable({ organizedBy: bulkFolder, browseName: `v${i}`, nodeId: `s=Bulk.v${i}`, dataType: DataType.Double }));
    let n = 0;
    const tick = () => {
      n++;
      const now = new Date();
      const set = (v: UAVariable, dataType: DataType, value: unknown, status = StatusCodes.Good) => {
        v.setValueFromSource({ dataType, value, ...(value instanceof Float64Array && { arrayType: 1 }) } as never, status, now);
        state.writes++;
      };
      set(temperature, DataType.Double, 60 + (n % 20) / 10, state.bad ? StatusCodes.BadSensorFailure : StatusCodes.Good);
      set(speed, DataType.Int32, 1000 + n);
      set(running, DataType.Boolean, n % 2 === 0);
      set(label, DataType.String, `batch ${n}`);
      set(vector, DataType.Double, Float64Array.from({ length: 5000 }, (_, i) => i + n));
      set(broken, DataType.Double, Number.NaN);
      for (let i = 0; i < bulk.length; i++) set(bulk[i]!, DataType.Double, n + i / 1000);
    };
    tick();
    timer = setInterval(tick, tickMs);
    await server.start();
    state.port = server.endpoints[0]!.port;
    state.endpointUrl = `opc.tcp://127.0.0.1:${state.port}`;
  }

  async function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    await server.shutdown(0);
  }

  await start(state.port);
  return state;
}
