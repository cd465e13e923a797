/**
 * The voice part of the contract: announcer settings, a test phrase, the voice log and the `voice`
 * event that carries synthesised speech to the renderer. Spread into the tables of ./contract.
 */
import { z } from 'zod';
import { wallMs } from './time';
import type { Permission } from './roles';

// A local twin of contract.ts's helper: importing it from there would make the two modules a cycle.
const call = <Req extends z.ZodType, Res extends z.ZodType>(spec: { request: Req; response: Res; permission: Permission; audited: boolean }) => spec;

export const VOICE_PRIORITIES = ['critical', 'high', 'medium', 'low', 'diagnostic'] as const;
export const VoicePrioritySchema = z.enum(VOICE_PRIORITIES);
export type VoicePriority = z.infer<typeof VoicePrioritySchema>;

export const VoiceEngineNameSchema = z.enum(['offline', 'elevenlabs']);
export type VoiceEngineName = z.infer<typeof VoiceEngineNameSchema>;

const VoiceId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

export const VoiceSettingsSchema = z.object({
  enabled: z.boolean(),
  /** The preferred engine; the offline voice speaks whenever ElevenLabs has no key or no network. */
  engine: VoiceEngineNameSchema,
  /** The least urgent priority that is still spoken. */
  minPriority: VoicePrioritySchema,
  /** How often an unacknowledged critical alarm is announced again. */
  repeatCriticalS: z.number().int().min(30).max(3600),
  elevenlabs: z.object({ voiceId: VoiceId, modelId: VoiceId, hasApiKey: z.boolean() }),
});
export type VoiceSettings = z.infer<typeof VoiceSettingsSchema>;

export const VoiceSettingsPatchSchema = z
  .object({
    enabled: z.boolean().optional(),
    engine: VoiceEngineNameSchema.optional(),
    minPriority: VoicePrioritySchema.optional(),
    repeatCriticalS: z.number().int().min(30).max(3600).optional(),
    elevenlabs: z.object({ voiceId: VoiceId.optional(), modelId: VoiceId.optional() }).strict().optional(),
    /** Top-level so that the router's audit redaction sees it; null removes the stored key. */
    apiKey: z.string().trim().min(8).max(256).nullable().optional(),
  })
  .strict();
export type VoiceSettingsPatch = z.infer<typeof VoiceSettingsPatchSchema>;

export const VoiceLogEntrySchema = z.object({
  id: z.number(),
  at: wallMs(),
  text: z.string(),
  priority: VoicePrioritySchema,
  alarmIds: z.array(z.string()),
  /** The engine that produced the audio; null when the renderer had to use its own voice. */
  engine: z.string().nullable(),
  cached: z.boolean(),
  /** From the earliest announce() the phrase covers to its audio being sent. */
  latencyMs: z.number(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
});
export type VoiceLogEntry = z.infer<typeof VoiceLogEntrySchema>;

/** Generous for a phrase: 16-bit 22 kHz speech is about 60 kB of base64 a second. */
export const MAX_VOICE_AUDIO_BASE64 = 4_000_000;

export const VoiceStyleSchema = z.object({ rate: z.number().min(0.1).max(3), pitch: z.number().min(0).max(1), volume: z.number().min(0).max(1) });
export type VoiceStyle = z.infer<typeof VoiceStyleSchema>;

export const VoiceEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('speak'),
    id: z.string(),
    text: z.string().max(1000),
    priority: VoicePrioritySchema,
    alarmIds: z.array(z.string()),
    /** Stop what is playing and speak this now: a critical alarm never waits behind a lesser one. */
    interrupt: z.boolean(),
    /** Rate and pitch are already in the audio; the renderer applies volume, or all three to its own voice. */
    style: VoiceStyleSchema,
    mime: z.string().max(64).nullable(),
    /** null: no engine could synthesise it, and the renderer speaks the text with the OS voice. */
    audioBase64: z.string().max(MAX_VOICE_AUDIO_BASE64).nullable(),
  }),
  /** These alarms were acknowledged: stop and drop whatever speaks of them alone. */
  z.object({ kind: z.literal('silence'), alarmIds: z.array(z.string()) }),
]);
export type VoiceEvent = z.infer<typeof VoiceEventSchema>;

export const REPAIR_VOICE_ACTIONS = ['start', 'next', 'repeat', 'stop'] as const;
export type RepairVoiceAction = (typeof REPAIR_VOICE_ACTIONS)[number];
export const RepairVoiceStateSchema = z.object({
  ticketId: z.number(),
  /** 1-based step now read; null once the guide has ended (stop, or past the last step). */
  step: z.number().nullable(),
  total: z.number(),
  /** The phrase spoken. */
  text: z.string(),
  done: z.boolean(),
});
export type RepairVoiceState = z.infer<typeof RepairVoiceStateSchema>;

export const voiceCalls = {
  'voice.settings.get': call({ request: z.object({}).strict(), response: VoiceSettingsSchema, permission: 'view', audited: false }),
  'voice.settings.set': call({ request: VoiceSettingsPatchSchema, response: VoiceSettingsSchema, permission: 'admin', audited: true }),
  /** Speaks a phrase in the room through the same queue and engines as alarms. */
  'voice.test': call({
    request: z.object({ text: z.string().trim().min(1).max(200).optional(), priority: VoicePrioritySchema.default('high') }).strict(),
    response: z.object({ queued: z.literal(true) }),
    permission: 'operate',
    // Words spoken into a control room are an action someone answers for.
    audited: true,
  }),
  /** A maintenance ticket's repair steps read aloud one at a time, at the ticket's priority. */
  'voice.repairSteps': call({
    request: z.object({ ticketId: z.number().int().positive(), action: z.enum(REPAIR_VOICE_ACTIONS) }).strict(),
    response: RepairVoiceStateSchema,
    permission: 'operate',
    audited: true,
  }),
  'voice.log': call({
    request: z.object({ limit: z.number().int().min(1).max(1000).default(100), beforeId: z.number().int().optional() }).strict(),
    response: z.object({ entries: z.array(VoiceLogEntrySchema) }),
    permission: 'view',
    audited: false,
  }),
} as const;

export const voiceEvents = { voice: VoiceEventSchema } as const;
