import type { CallResponse } from '../../../common/contract';
import { OPERATING_STATES } from '../../../common/contract-models';
import { formatHours, formatProbability, OPERATING_STATE_LABEL, stateShares } from '../plant/condition-view';

type History = CallResponse<'models.stateHistory'>;

/** Off, idle and running over the range as one strip, with hours per state and the running share. */
export function StateHistoryStrip({ history, formatTime }: { history: History; formatTime: (ts: number) => string }) {
  const { from, to } = history.totals;
  const range = Math.max(1, to - from);
  const shares = stateShares(history.totals.hours);
  return (
    <div className="state-history" data-testid="state-history">
      <div className="state-strip" role="img" aria-label={`Operating state from ${formatTime(from)} to ${formatTime(to)}`}>
        {history.spans.map((s) => {
          const start = Math.max(from, s.from);
          const end = Math.min(to, s.to);
          if (end <= start) return null;
          return (
            <span
              key={`${s.from}-${s.state}`}
              className={`state-span op-${s.state}`}
              data-state={s.state}
              style={{ left: `${((start - from) / range) * 100}%`, width: `${((end - start) / range) * 100}%` }}
              title={`${OPERATING_STATE_LABEL[s.state]} ${formatTime(s.from)}–${formatTime(s.to)}`}
            />
          );
        })}
      </div>
      <p className="state-totals" data-testid="state-totals">
        {OPERATING_STATES.map((state) => (
          <span key={state} className="state-total">
            <span className={`state-key op-${state}`} aria-hidden="true" /> {OPERATING_STATE_LABEL[state]} {formatHours(shares.hours[state])}
          </span>
        ))}
        <strong data-testid="running-share">{shares.runningShare === null ? 'running share unknown' : `running ${formatProbability(shares.runningShare)} of ${formatHours(shares.total)}`}</strong>
      </p>
    </div>
  );
}
