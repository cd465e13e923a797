/**
 * A Modbus TCP device on a loopback port, from modbus-serial's own server, for tests and benchmarks:
 * register tables an address range long, a switch that makes it stop answering (the socket stays
 * open, requests go unanswered), and a count of the requests it served.
 */
import type { AddressInfo, Server } from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { freePort } from './processes';

export interface TestDevice {
  port: number;
  holding: Uint16Array;
  input: Uint16Array;
  coils: boolean[];
  /** When true, requests get no answer at all. */
  silent: boolean;
  requests: number;
  close(): Promise<void>;
}

type Cb<T> = (err: unknown, value: T) => void;
const ILLEGAL_ADDRESS = { modbusErrorCode: 0x02, msg: 'Illegal data address' };

export async function startTestDevice(size = 200): Promise<TestDevice> {
  const device = { holding: new Uint16Array(size), input: new Uint16Array(size), coils: new Array<boolean>(size).fill(false), silent: false, requests: 0 } as TestDevice;
  const words = (table: Uint16Array) => (addr: number, length: number, _unit: number, cb: Cb<number[]>) => {
    device.requests++;
    if (device.silent) return;
    if (addr + length > table.length) return cb(ILLEGAL_ADDRESS, []);
    cb(null, Array.from(table.subarray(addr, addr + length)));
  };
  const word = (table: Uint16Array) => (addr: number, _unit: number, cb: Cb<number>) => {
    if (device.silent) return;
    if (addr >= table.length) return cb(ILLEGAL_ADDRESS, 0);
    cb(null, table[addr]!);
  };
  const vector = {
    getMultipleHoldingRegisters: words(device.holding),
    getMultipleInputRegisters: words(device.input),
    getHoldingRegister: (addr: number, unit: number, cb: Cb<number>) => {
      device.requests++;
      word(device.holding)(addr, unit, cb);
    },
    getInputRegister: (addr: number, unit: number, cb: Cb<number>) => {
      device.requests++;
      word(device.input)(addr, unit, cb);
    },
    getCoil: (addr: number, _unit: number, cb: Cb<boolean>) => {
      if (device.silent) return;
      if (addr >= device.coils.length) return cb(ILLEGAL_ADDRESS, false);
      cb(null, device.coils[addr]!);
    },
  };
  // the library reads port 0 as its default, 502, so a free port is found first
  const server = new ServerTCP(vector as never, { host: '127.0.0.1', port: await freePort(), unitID: 255 });
  const net = (server as unknown as { _server: Server })._server;
  await new Promise<void>((resolve, reject) => {
    if (net.listening) return resolve();
    net.once('listening', () => resolve());
    net.once('error', reject);
  });
  server.on('socketError', () => undefined);
  device.port = (net.address() as AddressInfo).port;
  device.close = () =>
    new Promise<void>((resolve) => {
      // close() waits for open sockets; the pollers' sockets are ended here so it returns
      for (const sock of server.socks.keys()) sock.destroy();
      server.close(() => resolve());
    });
  return device;
}
