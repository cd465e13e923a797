/**
 * The three clocks, as types. The brand is optional, so number literals and arithmetic still fit any
 * of them, but a value of one kind handed where another is expected fails to compile: a mix-up of
 * device time and this console's clock is then a type error instead of a comment to remember.
 */
import { z } from 'zod';

/** Device (event) time, ms since the epoch: what a reading says it was measured at. */
export type EventMs = number & { readonly __time?: 'event' };
/** This console's wall clock, ms since the epoch (Date.now()). */
export type WallMs = number & { readonly __time?: 'wall' };
/** A monotonic clock, ms (performance.now()); never compared with the other two. */
export type MonoMs = number & { readonly __time?: 'mono' };

/**
 * A value whose source keeps no clock of its own (a Modbus register, an OPC UA value without
 * timestamps, or one whose time is implausible) is stamped with the moment it reached this console.
 */
export const eventFromWall = (at: WallMs): EventMs => at as number;

/** Zod checks a plain number (the wire knows no brands); these type what it parsed as the clock it is. */
export const eventMs = (schema: z.ZodNumber = z.number()) => schema as z.ZodType<EventMs, number>;
export const wallMs = (schema: z.ZodNumber = z.number()) => schema as z.ZodType<WallMs, number>;

/**
 * A span of the plant's calendar (a shift, a day) is the same on both clocks; only what each stamps
 * differs. So a period's records on this console's clock (the shift log) are looked up by its device-time bounds.
 */
export const wallFromEvent = (at: EventMs): WallMs => at as number;
