import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '../../../common/contract-agents';
import { refuseTransition } from './order-states';

describe('purchase order state machine', () => {
  it('walks the happy path with a supervisor approving', () => {
    const path = ['draft', 'pending_approval', 'approved', 'ordered', 'delivered'] as const;
    for (let i = 1; i < path.length; i++) expect(refuseTransition(path[i - 1]!, path[i]!, 'supervisor')).toBeNull();
  });

  it('lets only supervisors and admins approve or reject', () => {
    for (const to of ['approved', 'rejected'] as const) {
      expect(refuseTransition('pending_approval', to, 'operator')).toMatch(/only a supervisor/);
      expect(refuseTransition('pending_approval', to, 'viewer')).toMatch(/only a supervisor/);
      expect(refuseTransition('pending_approval', to, null)).toMatch(/only a supervisor/);
      expect(refuseTransition('pending_approval', to, 'admin')).toBeNull();
    }
  });

  it('refuses an approval by the order’s own creator, whatever the case of the name; a rejection is theirs to make', () => {
    expect(refuseTransition('pending_approval', 'approved', 'supervisor', { actor: 'Sam', createdBy: 'sam' })).toMatch(/other than its creator \(sam\)/);
    expect(refuseTransition('pending_approval', 'approved', 'supervisor', { actor: 'ann', createdBy: 'sam' })).toBeNull();
    expect(refuseTransition('pending_approval', 'approved', 'supervisor', { actor: 'ann', createdBy: null })).toBeNull();
    expect(refuseTransition('pending_approval', 'rejected', 'supervisor', { actor: 'sam', createdBy: 'sam' })).toBeNull();
  });

  it('refuses skipping approval and any step out of a final state', () => {
    expect(refuseTransition('draft', 'approved', 'admin')).toMatch(/cannot become approved/);
    expect(refuseTransition('draft', 'ordered', 'admin')).toMatch(/cannot become ordered/);
    expect(refuseTransition('ordered', 'cancelled', 'admin')).toMatch(/cannot/);
    for (const from of ['delivered', 'rejected', 'cancelled'] as const) for (const to of ORDER_STATUSES) expect(refuseTransition(from, to, 'admin')).not.toBeNull();
  });
});
