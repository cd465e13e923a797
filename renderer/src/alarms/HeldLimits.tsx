import { useTimeFormat } from '../app/time-format';
import { useSuppressed } from './use-suppressed';

/**
 * A machine's alarms held out of play by design now (its low limits while it stands or starts up),
 * each with why, so the machine screen says which protection is not active.
 */
export function HeldLimits({ machineId }: { machineId: string }) {
  const { list, failure } = useSuppressed(machineId);
  const format = useTimeFormat();
  if (failure) return <p className="unknown-note">Held limits: not available ({failure})</p>;
  if (!list || list.length === 0) return null;
  return (
    <div className="held-limits" data-testid="machine-held-limits">
      <h4>Suppressed by design ({list.length})</h4>
      <ul>
        {list.map((a) => (
          <li key={a.id} data-testid="held-limit" data-alarm-id={a.id}>
            {a.message} <span className="tile-meta">— {a.modeReason ?? 'no reason given'}</span>
            {a.suppressedSince !== null && (
              <span className="tile-meta" data-testid="held-limit-since">
                {' '}
                · Suppressed since {format.dateTime(a.suppressedSince)}
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
