/**
 * A promise rejected with nobody listening ends a Node process by default. In a control room that
 * would silence every alarm for one forgotten catch, so the runtime's hosts log it and keep running;
 * each request already answers its own errors, so this is the last net, and it counts what it caught.
 */
export interface ProcessLike {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export function guardProcess(log: (message: string) => void, target: ProcessLike = process) {
  const state = { caught: 0 };
  const listener = (reason: unknown) => {
    state.caught++;
    const detail = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    // The first ones in full, then one line per thousand, so a loop of them cannot fill the disk.
    if (state.caught <= 10 || state.caught % 1000 === 0) log(`unhandled rejection #${state.caught} (kept running): ${detail.slice(0, 4000)}`);
  };
  target.on('unhandledRejection', listener);
  return {
    get caught() {
      return state.caught;
    },
    remove: () => target.off('unhandledRejection', listener),
  };
}
