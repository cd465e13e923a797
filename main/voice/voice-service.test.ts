import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoiceEvent } from '../../common/contract-voice';
import { ConfigSchema } from '../config';
import { openDatabase } from '../store/open-database';
import type { Db } from '../store/open-database';
import type { SpeechEngine } from './engine';
import type { SecretStore } from '../secrets/secret-store';
import { createVoiceService, type VoiceServiceDeps } from './voice-service';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-voice-'));
  db = openDatabase(join(dir, 'test.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const offline: SpeechEngine = {
  id: 'offline-fake',
  voice: 'en',
  format: 'wav',
  synthesize: async () => ({ bytes: new Uint8Array([1, 2, 3]), mime: 'audio/wav', durationMs: 1500, engine: 'offline-fake', cached: false }),
};

const memorySecrets = (): SecretStore => {
  const m = new Map<string, string>();
  return { get: (k) => m.get(k) ?? null, set: (k, v) => (v === null ? m.delete(k) : m.set(k, v)) };
};

function service(over: Partial<VoiceServiceDeps> = {}) {
  const events: VoiceEvent[] = [];
  const logs: string[] = [];
  const voice = createVoiceService({ db, config: ConfigSchema.parse({}).voice, dataDir: dir, secrets: memorySecrets(), emit: (e) => events.push(e), log: (m) => logs.push(m), offlineEngine: offline, ...over });
  return { voice, events, logs };
}

/** A port on 127.0.0.1 that refuses connections: ElevenLabs with no network. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('voice service', () => {
  it('keeps settings in the store and the API key in the secret store only', () => {
    const secrets = memorySecrets();
    const { voice } = service({ secrets });
    expect(voice.settings()).toMatchObject({ enabled: true, engine: 'elevenlabs', minPriority: 'low', elevenlabs: { hasApiKey: false } });
    const after = voice.updateSettings({ minPriority: 'high', elevenlabs: { voiceId: 'abc' }, apiKey: 'sk_0123456789' });
    expect(after).toMatchObject({ minPriority: 'high', elevenlabs: { voiceId: 'abc', modelId: 'eleven_flash_v2_5', hasApiKey: true } });
    expect(JSON.stringify(db.prepare('SELECT * FROM settings').all())).not.toContain('sk_0123456789');
    voice.stop();
    const again = service({ secrets }).voice;
    expect(again.settings()).toEqual(after);
    again.stop();
  });

  it('refuses to store a key on a host without encryption', () => {
    const { voice } = service({ secrets: null });
    expect(() => voice.updateSettings({ apiKey: 'sk_0123456789' })).toThrow(/configuration file/);
    voice.stop();
  });

  it('speaks a test phrase, logs it and lists the log newest first', async () => {
    const { voice, events } = service();
    voice.test({ priority: 'high' });
    await voice.idle();
    expect(events).toEqual([expect.objectContaining({ kind: 'speak', text: expect.stringContaining('FactoryBrain voice'), audioBase64: 'AQID', mime: 'audio/wav' })]);
    const { entries } = voice.log({ limit: 10 });
    expect(entries).toEqual([expect.objectContaining({ id: 1, engine: 'offline-fake', cached: false, durationMs: 1500, alarmIds: [], error: null })]);
    voice.stop();
  });

  it('speaks offline at once when ElevenLabs has a key but no network, and caches the phrase', async () => {
    const { voice, events, logs } = service({ config: { ...ConfigSchema.parse({}).voice, elevenlabsApiKey: 'sk_from_config', elevenlabsBaseUrl: await deadUrl() } });
    expect(voice.settings().elevenlabs.hasApiKey).toBe(true);
    voice.announce({ alarmId: 'a1', machineId: 'm014', machineName: 'M014', area: 'line1', priority: 'critical', message: 'bearings overheating', sensor: 'temperature', value: 95, unit: '°C', eventTs: 0 });
    await voice.idle();
    expect(events[0]).toMatchObject({ kind: 'speak', priority: 'critical', audioBase64: 'AQID' });
    expect(voice.log({ limit: 1 }).entries[0]).toMatchObject({ engine: 'offline-fake', alarmIds: ['a1'] });
    expect(logs.join()).toMatch(/ElevenLabs failed/);
    voice.stop();
  });

  it('says nothing while turned off', () => {
    const { voice, events } = service();
    voice.updateSettings({ enabled: false });
    expect(voice.announce({ alarmId: 'a', machineId: 'm', machineName: 'm', area: 'x', priority: 'critical', message: 'fire', eventTs: 0 })).toBe('disabled');
    expect(() => voice.test({ priority: 'high' })).toThrow(/turned off/);
    expect(events).toEqual([]);
    voice.stop();
  });
});
