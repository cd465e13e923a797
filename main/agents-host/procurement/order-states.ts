/**
 * The purchase order's life: draft → pending approval → approved → ordered → delivered, with
 * rejection by an approver and cancellation before the goods are on their way. Only supervisors and
 * admins approve or reject; the check is here as well as on the contract call, so no other path in
 * the main process can approve. Whoever created an order does not approve it (four eyes): a
 * supervisor cannot order something and wave it through alone.
 */
import type { OrderStatus } from '../../../common/contract-agents';
import { roleAllows, type Role } from '../../../common/roles';

const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  draft: ['pending_approval', 'cancelled'],
  pending_approval: ['approved', 'rejected', 'cancelled'],
  approved: ['ordered', 'cancelled'],
  ordered: ['delivered'],
  delivered: [],
  rejected: [],
  cancelled: [],
};

const NEEDS_APPROVER: ReadonlySet<OrderStatus> = new Set(['approved', 'rejected']);

/** Why the step is refused, or null when it is allowed. Usernames compare as accounts do, without case. */
export function refuseTransition(from: OrderStatus, to: OrderStatus, role: Role | null, people?: { actor: string; createdBy: string | null }): string | null {
  if (!NEXT[from].includes(to)) return `an order that is ${from.replace('_', ' ')} cannot become ${to.replace('_', ' ')}`;
  if (NEEDS_APPROVER.has(to) && !roleAllows(role, 'supervise')) return 'only a supervisor or an administrator may approve or reject an order';
  if (to === 'approved' && people?.createdBy != null && people.actor.toLowerCase() === people.createdBy.toLowerCase()) {
    return `only someone other than its creator (${people.createdBy}) may approve an order`;
  }
  return null;
}
