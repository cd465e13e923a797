import { useCallback, useEffect, useState } from 'react';
import type { CallName, CallRequest, CallResponse } from '../../../common/contract';
import type { ExportFile } from '../../../common/contract-agents';
import { useServices } from './services-context';
import { subscribeEvents } from '../transport/client';

/**
 * Loads one call's answer and reloads it when `key` changes, when asked, or when the agents report
 * new decisions (tickets, orders and recommendations all change through them).
 */
export function useCall<N extends CallName>(name: N, request: CallRequest<N>, key: string) {
  const { call, bridge } = useServices();
  const [data, setData] = useState<CallResponse<N> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => subscribeEvents(bridge, { agents: () => reload() }), [bridge, reload]);
  useEffect(() => {
    let live = true;
    call(name, request).then(
      (d) => live && (setData(d), setError(null)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
    // The request is described by `key`: an inline object would change on every render.
  }, [call, name, key, tick]);
  return { data, error, reload };
}

/** Runs an action, then reloads; the error, if any, is for the screen to show. */
export function useAction() {
  const { call } = useServices();
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async <N extends CallName>(name: N, request: CallRequest<N>, after?: () => void): Promise<CallResponse<N> | null> => {
      try {
        const result = await call(name, request);
        setError(null);
        after?.();
        return result;
      } catch (e) {
        setError((e as Error).message);
        return null;
      }
    },
    [call],
  );
  return { run, error };
}

export function download(file: ExportFile): void {
  const bytes = file.encoding === 'base64' ? Uint8Array.from(atob(file.content), (c) => c.charCodeAt(0)) : new TextEncoder().encode(file.content);
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.click();
  URL.revokeObjectURL(url);
}

export const fixed = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '—' : x.toFixed(digits));
