/** The broker's URL with and without the credentials it may carry, and the wait for a first connection. */
import type { MqttSource } from './mqtt-source';

/** Health, logs and screens show the broker without its credentials. */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

export function withCredentials(url: string, c: { username: string; password: string }): string {
  const u = new URL(url);
  u.username = c.username;
  u.password = c.password;
  return u.toString();
}

/** Resolves once the source is connected, or after timeoutMs in any case. */
export function untilConnected(source: Pick<MqttSource, 'state' | 'onState'>, timeoutMs: number): Promise<void> {
  if (source.state === 'connected') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const off = source.onState((state) => state === 'connected' && done());
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}
