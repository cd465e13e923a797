import { useStore } from 'zustand';
import { calls, type CallName } from '../../../common/contract';
import { roleAllows } from '../../../common/roles';
import { useServices } from './services-context';

/** Whether the logged-in role holds a call's permission, so a screen can disable what would be refused; the host checks again on every call. */
export function useAllowed(name: CallName): boolean {
  const { session } = useServices();
  const role = useStore(session, (s) => s.user?.role ?? null);
  return roleAllows(role, calls[name].permission);
}
