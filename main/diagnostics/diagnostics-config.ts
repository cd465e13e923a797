/**
 * The diagnostics settings (config.json `diagnostics`): the window the figures are taken over and
 * the thresholds of the alarms that follow from them. Each alarm clears at a lower value than it
 * is raised at, so a figure hovering at its limit does not chatter.
 */
import { z } from 'zod';

const Band = (raise: number, clear: number, max: number) =>
  z
    .object({ raise: z.number().positive().max(max).default(raise), clear: z.number().positive().max(max).default(clear) })
    .strict()
    .refine((b) => b.clear < b.raise, { message: 'clear must be below raise, or the alarm chatters' })
    .prefault({});

export const DiagnosticsConfigSchema = z
  .object({
    /** Calls, inference runs and rates are figured over this many seconds. */
    windowSeconds: z.number().int().min(10).max(3600).default(60),
    /** A call is judged only once it was made this often in the window: two slow logins are not a trend. */
    minCalls: z.number().int().min(1).max(100_000).default(20),
    /** Share of a call's answers that failed inside the application: warning (system:contract-errors). */
    contractErrorRate: Band(0.05, 0.02, 1),
    /** p99 latency of a call, ms: warning (system:contract-latency). */
    contractLatencyMs: Band(500, 400, 600_000),
    /** A failed scoring run keeps the critical system:model-failure alarm up this long after it. */
    modelFailureHoldSeconds: z.number().int().min(1).max(86_400).default(60),
    /** Database statements at least this slow are listed on the screen. */
    slowQueryMs: z.number().int().min(1).max(600_000).default(100),
  })
  .strict();
export type DiagnosticsConfig = z.infer<typeof DiagnosticsConfigSchema>;
