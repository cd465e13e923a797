import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { untilConnected, withCredentials, withoutCredentials } from './broker-url';

describe('broker URL', () => {
  it('drops the credentials a URL carries, also from one URL() cannot parse', () => {
    expect(withoutCredentials('mqtt://app:s3cret@127.0.0.1:1883')).toBe('mqtt://127.0.0.1:1883');
    expect(withoutCredentials('mqtt://127.0.0.1:1883')).toBe('mqtt://127.0.0.1:1883');
    expect(withoutCredentials('not a url //user:pw@host')).toBe('not a url //host');
  });

  it('adds credentials', () => {
    expect(withCredentials('mqtt://127.0.0.1:1883', { username: 'app', password: 'p w' })).toBe('mqtt://app:p%20w@127.0.0.1:1883');
  });

  it('waits for the first connection, or gives up after the timeout', async () => {
    const events = new EventEmitter();
    const source = { state: 'connecting' as string, onState: (fn: (s: string) => void) => (events.on('state', fn), () => events.off('state', fn)) };
    const waiting = untilConnected(source as never, 60_000);
    events.emit('state', 'connected');
    await waiting;
    expect(events.listenerCount('state')).toBe(0);
    await untilConnected(source as never, 1);
  });
});
