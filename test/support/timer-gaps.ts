/**
 * How late a 5 ms timer ticks while `work` runs: every gap between ticks, so a blocked main thread
 * shows as one long gap and a busy machine as scattered short ones. Tests of work moved off the main
 * thread (history and KPI reads) bound these gaps.
 */
export async function timerGaps<T>(work: () => Promise<T>): Promise<{ result: T; gaps: number[]; longest: number; p95: number }> {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 5);
  try {
    const result = await work();
    gaps.push(performance.now() - last);
    const sorted = [...gaps].sort((a, b) => a - b);
    return { result, gaps, longest: sorted[sorted.length - 1] ?? 0, p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0 };
  } finally {
    clearInterval(timer);
  }
}
