import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElevenLabsEngine } from './elevenlabs-engine';
import { styleFor } from './phrases';

/** A stand-in for the ElevenLabs API on 127.0.0.1: the real service is never contacted. */
const requests: { url: string; key: string | undefined; body: Record<string, unknown> }[] = [];
const AUDIO = Buffer.from('ID3\u0004fake mp3 frames'.repeat(100));
let status = 200;
let server: Server;
let baseUrl: string;

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (c: Buffer) => (s += c.toString()));
    req.on('end', () => resolve(s));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    requests.push({ url: req.url!, key: req.headers['xi-api-key'] as string | undefined, body: JSON.parse(await body(req)) as Record<string, unknown> });
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: { status: 'invalid_api_key', message: 'Invalid API key' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'audio/mpeg' });
    // In two parts, as a streamed response arrives.
    res.write(AUDIO.subarray(0, 700));
    res.end(AUDIO.subarray(700));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const engine = (apiKey = 'sk_test_key') => new ElevenLabsEngine({ apiKey, voiceId: 'voice123', modelId: 'eleven_flash_v2_5', baseUrl });

describe('ElevenLabsEngine through the SDK against a fake server', () => {
  it('sends the text, voice, model and style, and returns the whole audio stream', async () => {
    requests.length = 0;
    status = 200;
    const audio = await engine().synthesize('Machine M014 bearings overheating.', styleFor('critical'));
    expect(Buffer.from(audio.bytes).equals(AUDIO)).toBe(true);
    expect(audio).toMatchObject({ mime: 'audio/mpeg', engine: 'elevenlabs', cached: false });
    expect(audio.durationMs).toBeCloseTo((AUDIO.length * 8) / 64, 5);
    expect(requests).toHaveLength(1);
    const [r] = requests;
    expect(r!.url).toBe('/v1/text-to-speech/voice123?output_format=mp3_44100_64');
    expect(r!.key).toBe('sk_test_key');
    expect(r!.body).toMatchObject({ text: 'Machine M014 bearings overheating.', model_id: 'eleven_flash_v2_5', voice_settings: { speed: 0.9, stability: 0.35 } });
  });

  it('fails without retrying when the service refuses', async () => {
    requests.length = 0;
    status = 401;
    await expect(engine('sk_wrong_key').synthesize('hello', styleFor('low'))).rejects.toThrow();
    expect(requests).toHaveLength(1);
    status = 200;
  });

  it('names voice, model and format so that the cache keeps voices apart', () => {
    expect(engine()).toMatchObject({ id: 'elevenlabs', voice: 'voice123', format: 'eleven_flash_v2_5/mp3_44100_64' });
  });
});
