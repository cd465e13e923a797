/**
 * The broker section of the configuration as mqtt.js takes it: credentials and TLS. Every client of
 * the plant's broker (ingest, alarm sync) connects with these; each adds its own reconnect policy.
 */
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { AppConfig } from './config';

export type BrokerCredentials = Pick<AppConfig['broker'], 'username' | 'password' | 'tls'>;

/** TLS files are read on each call, so a client that builds its options per connect picks up a renewed certificate. */
export function brokerClientOptions(broker: BrokerCredentials, read: (path: string) => Buffer = (path) => readFileSync(path)): IClientOptions {
  const tls = broker.tls;
  return {
    ...(broker.username !== undefined && { username: broker.username }),
    ...(broker.password !== undefined && { password: broker.password }),
    ...(tls && {
      rejectUnauthorized: tls.rejectUnauthorized,
      ...(tls.caFile && { ca: read(tls.caFile) }),
      ...(tls.certFile && { cert: read(tls.certFile) }),
      ...(tls.keyFile && { key: read(tls.keyFile) }),
    }),
  };
}
