import { useState } from 'react';
import type { CallRequest } from '../../../common/contract';
import { connectorCalls } from '../../../common/contract-connectors';
import { useServices } from '../app/services-context';
import { describeFailure } from '../transport/client';
import { check } from './drafts';

type SetCall = 'connectors.opcua.set' | 'connectors.modbus.set' | 'connectors.historian.set';

/**
 * Saving one connector's settings: checked first with the host's own request schema, so the engineer
 * sees every issue at once, then sent; the issues list holds what the check or the host refused.
 * `applied` runs once the host took them, before the settings are reloaded.
 */
export function useConnectorSave<N extends SetCall>(name: N, onSaved: () => Promise<void>, initialIssues: readonly string[] = []) {
  const { call } = useServices();
  const [issues, setIssues] = useState<readonly string[]>(initialIssues);
  const [busy, setBusy] = useState(false);

  const save = async (next: unknown, applied?: () => void): Promise<boolean> => {
    const checked = check(connectorCalls[name].request, next);
    if (!checked.ok) {
      setIssues(checked.issues);
      return false;
    }
    setBusy(true);
    try {
      // The checked value is the schema's output, which the host's request accepts as its input.
      await call(name, checked.value as CallRequest<N>);
      setIssues([]);
      applied?.();
      await onSaved();
      return true;
    } catch (error) {
      setIssues([describeFailure(error)]);
      return false;
    } finally {
      setBusy(false);
    }
  };

  return { issues, setIssues, busy, save };
}
