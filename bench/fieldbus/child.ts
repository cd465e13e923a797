/**
 * What the field-bus benchmarks need from a measured child process: it runs one role (a bare client
 * or the console's path) and answers 'measure' with its CPU (all threads, % of one core) and
 * counters over the window since 'start'.
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface Window {
  cpuPct: number;
  seconds: number;
  counters: Record<string, number>;
}

/** In the child: serves 'start' and 'measure' over IPC; `counters` is read at both ends of the window. */
export function serveMeasurements(counters: () => Record<string, number>, onStop?: () => Promise<Record<string, number>>): void {
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  let c0: Record<string, number> = {};
  process.on('message', async (msg) => {
    if (msg === 'start') {
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      c0 = counters();
    } else if (msg === 'measure') {
      const cpu = process.cpuUsage(cpu0);
      const seconds = (performance.now() - t0) / 1000;
      const now = counters();
      const delta = Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (c0[k] ?? 0)]));
      const extra = onStop ? await onStop() : {};
      process.send!({ cpuPct: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100, seconds, counters: { ...delta, ...extra } } satisfies Window);
    }
  });
  process.send!('ready');
}

/** In the parent: starts a role, waits for it, measures `seconds` after `warmupS`, and ends it. */
export async function measureChild(script: string, args: string[], warmupS: number, seconds: number): Promise<Window> {
  const child = fork(script, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`${script} ${args.join(' ')} exited with ${code} before it was ready`)));
    });
    await new Promise((r) => setTimeout(r, warmupS * 1000));
    child.send('start');
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const result = new Promise<Window>((resolve) => child.once('message', (m) => resolve(m as Window)));
    child.send('measure');
    return await result;
  } finally {
    child.kill('SIGTERM');
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
