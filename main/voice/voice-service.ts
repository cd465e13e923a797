/**
 * The voice as the runtime sees it: the announcer with its engines, settings (in the settings
 * table, the API key in the secret store), and the voice log. The alarm engine calls announce(),
 * acknowledged() and cleared(); the contract's voice.* calls land on the rest.
 */
import { join } from 'node:path';
import { VoiceSettingsSchema, type VoiceEvent, type VoiceSettings, type VoiceSettingsPatch, type VoicePriority } from '../../common/contract-voice';
import type { AppConfig } from '../config';
import { CallFailure } from '../../common/errors';
import type { Db } from '../store/open-database';
import { settingsRepository } from '../store/settings';
import { systemClock, type Clock } from '../clock';
import { Announcer } from './announcer';
import { AudioCache } from './audio-cache';
import { ElevenLabsEngine } from './elevenlabs-engine';
import type { SpeechEngine } from './engine';
import { EspeakEngine } from './espeak-engine';
import { FallbackEngine } from './fallback-engine';
import { DEFAULT_POLICY, VoiceSchedule, type VoicePolicy } from './schedule';
import { ELEVENLABS_KEY, type SecretStore } from '../secrets/secret-store';
import type { VoiceAlarm } from './voice-alarm';
import { voiceLogRepository } from './voice-log';

export interface VoiceServiceDeps {
  db: Db;
  config: AppConfig['voice'];
  /** Holds the audio cache. */
  dataDir: string;
  /** null on hosts that cannot encrypt (headless): the key then comes from config only. */
  secrets: SecretStore | null;
  emit(event: VoiceEvent): void;
  log(message: string): void;
  clock?: Clock;
  /** Replaces the offline engine; for tests and hosts with another offline voice. */
  offlineEngine?: SpeechEngine;
  /** How long ElevenLabs may take before the offline voice speaks instead. */
  onlineBudgetMs?: number;
}

const SETTINGS_KEY = 'voice';
const TEST_PHRASE = 'This is the FactoryBrain voice. Alarms will be announced like this.';
const ONLINE_REST_MS = 60_000;

const StoredSettingsSchema = VoiceSettingsSchema.omit({ elevenlabs: true }).extend({ elevenlabs: VoiceSettingsSchema.shape.elevenlabs.omit({ hasApiKey: true }) });
type StoredSettings = Omit<VoiceSettings, 'elevenlabs'> & { elevenlabs: Omit<VoiceSettings['elevenlabs'], 'hasApiKey'> };

export const DEFAULT_VOICE_SETTINGS: StoredSettings = {
  enabled: true,
  engine: 'elevenlabs',
  minPriority: 'low',
  repeatCriticalS: DEFAULT_POLICY.repeatCriticalMs / 1000,
  // A premade ElevenLabs voice ("George") and the low-latency model.
  elevenlabs: { voiceId: 'JBFqnCBsd6RMkjVDRZzb', modelId: 'eleven_flash_v2_5' },
};

export function createVoiceService(deps: VoiceServiceDeps) {
  const clock = deps.clock ?? systemClock;
  const store = settingsRepository(deps.db);
  const voiceLog = voiceLogRepository(deps.db);
  const cache = new AudioCache({ dir: join(deps.dataDir, 'voice-cache'), maxBytes: deps.config.cacheMaxMb * 1_000_000 });
  const offline = cache.wrap(deps.offlineEngine ?? new EspeakEngine({ command: deps.config.espeakCommand, voice: deps.config.espeakVoice }));

  let settings = loadSettings();
  let engine = buildEngine();
  const schedule = new VoiceSchedule(policyOf(settings));
  const announcer = new Announcer({ schedule, engine: () => engine, emit: deps.emit, record: (e) => voiceLog.append(e), clock, log: deps.log });

  function loadSettings(): StoredSettings {
    const parsed = StoredSettingsSchema.safeParse(store.get(SETTINGS_KEY) ?? DEFAULT_VOICE_SETTINGS);
    if (parsed.success) return parsed.data;
    deps.log(`voice: stored settings are invalid (${parsed.error.message}); using defaults`);
    return DEFAULT_VOICE_SETTINGS;
  }

  function apiKey(): string | null {
    return deps.secrets?.get(ELEVENLABS_KEY) ?? deps.config.elevenlabsApiKey ?? null;
  }

  function buildEngine(): SpeechEngine {
    const key = apiKey();
    if (settings.engine !== 'elevenlabs' || key === null) return offline;
    const online = new ElevenLabsEngine({ apiKey: key, voiceId: settings.elevenlabs.voiceId, modelId: settings.elevenlabs.modelId, baseUrl: deps.config.elevenlabsBaseUrl });
    return new FallbackEngine(cache.wrap(online), offline, {
      budgetMs: deps.onlineBudgetMs ?? 1_500,
      restMs: ONLINE_REST_MS,
      now: clock.now,
      onPrimaryError: (e) => deps.log(`voice: ElevenLabs failed (${e.message}); the offline voice speaks for the next ${ONLINE_REST_MS / 1000} s`),
    });
  }

  function view(): VoiceSettings {
    return { ...settings, elevenlabs: { ...settings.elevenlabs, hasApiKey: apiKey() !== null } };
  }

  return {
    announce(alarm: VoiceAlarm) {
      return settings.enabled ? announcer.announce(alarm) : 'disabled';
    },
    acknowledged: (alarmId: string) => announcer.acknowledged(alarmId),
    cleared: (alarmId: string) => announcer.cleared(alarmId),

    settings: view,
    updateSettings(patch: VoiceSettingsPatch): VoiceSettings {
      if (patch.apiKey !== undefined) {
        if (!deps.secrets) throw new CallFailure('conflict', 'this host cannot keep the API key encrypted; set voice.elevenlabsApiKey in its configuration file instead');
        try {
          deps.secrets.set(ELEVENLABS_KEY, patch.apiKey);
        } catch (e) {
          throw new CallFailure('conflict', `the API key was not stored: ${(e as Error).message}`);
        }
      }
      const { apiKey: _secret, elevenlabs, ...rest } = patch;
      settings = { ...settings, ...rest, elevenlabs: { ...settings.elevenlabs, ...elevenlabs } };
      store.set(SETTINGS_KEY, settings);
      schedule.setPolicy(policyOf(settings));
      engine = buildEngine();
      return view();
    },

    test(request: { text?: string; priority: VoicePriority }): { queued: true } {
      if (!settings.enabled) throw new CallFailure('conflict', 'the voice is turned off');
      announcer.say(request.text ?? TEST_PHRASE, request.priority);
      return { queued: true };
    },

    /** A phrase for the room from another part of the app (the repair guide), through the same queue. */
    say(text: string, priority: VoicePriority): void {
      if (!settings.enabled) throw new CallFailure('conflict', 'the voice is turned off (Voice settings)');
      announcer.say(text, priority);
    },

    log: (query: { limit: number; beforeId?: number }) => ({ entries: voiceLog.list(query) }),
    idle: () => announcer.idle(),
    stop: () => announcer.stop(),
  };
}
export type VoiceService = ReturnType<typeof createVoiceService>;

function policyOf(s: StoredSettings): VoicePolicy {
  return { ...DEFAULT_POLICY, minPriority: s.minPriority, repeatCriticalMs: s.repeatCriticalS * 1000 };
}
