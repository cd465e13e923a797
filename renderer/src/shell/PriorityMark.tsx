import type { AlarmPriority } from '../../../common/contract-alarms';
import { PRIORITY_NUMBER } from '../state/alarms';

/**
 * An alarm priority as shape, number and colour together, so that it reads without colour vision
 * and on a monochrome print: 1 square, 2 triangle, 3 diamond, 4 circle, 5 (diagnostic) outlined circle.
 */
export function PriorityMark({ priority }: { priority: AlarmPriority }) {
  const n = PRIORITY_NUMBER[priority];
  return (
    <span className={`prio prio-${priority}`} data-testid="alarm-priority" data-priority={priority} title={`Priority ${n} (${priority})`} aria-label={`priority ${n} ${priority}`}>
      <span className="prio-n">{n}</span>
    </span>
  );
}
