import type { MonoMs, WallMs } from '../common/time';

/**
 * The runtime's clocks. WallMs is when people act and what they read; tests inject their own.
 * MonoMs measures durations and budgets, and never jumps when the system clock is set.
 */
export interface Clock {
  now(): WallMs;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const monotonic = (): MonoMs => performance.now();

/** The system's timers under a wall clock that may be injected. */
export const wallClock = (now: () => WallMs): Clock => ({ ...systemClock, now });
