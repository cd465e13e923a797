import type { EffectiveLimit, LimitSetting } from '../../../common/contract-alarms';
import { limitKey } from './limit-form';

export interface ProposalRow {
  key: string;
  sensor: string;
  level: LimitSetting['level'];
  /** The default in force now (null: none). */
  current: number | null;
  /** What the meta proposes (null: it removes this default). */
  proposed: number | null;
}

/**
 * What accepting the machine's latest meta would change in its defaults, row by row: only rows that
 * change, with removals as `proposed: null`. Engineer-edited rows are not defaults and stay as they are.
 */
export function proposalChanges(limits: readonly EffectiveLimit[], proposed: readonly LimitSetting[]): ProposalRow[] {
  const current = new Map(limits.filter((l) => l.origin === 'default').map((l) => [limitKey(l), l]));
  const next = new Map(proposed.map((l) => [limitKey(l), l]));
  const rows: ProposalRow[] = [];
  for (const key of new Set([...current.keys(), ...next.keys()])) {
    const now = current.get(key);
    const then = next.get(key);
    const nowSetpoint = now?.enabled === false ? null : (now?.setpoint ?? null);
    const thenSetpoint = then?.enabled === false ? null : (then?.setpoint ?? null);
    if (nowSetpoint === thenSetpoint) continue;
    const row = (now ?? then)!;
    rows.push({ key, sensor: row.sensor, level: row.level, current: nowSetpoint, proposed: thenSetpoint });
  }
  return rows.sort((a, b) => a.key.localeCompare(b.key));
}

interface Props {
  limits: readonly EffectiveLimit[];
  proposed: readonly LimitSetting[];
  canAccept: boolean;
  busy: boolean;
  onAccept(): void;
}

/**
 * A later meta message that would move or remove a machine's default limits waits here until a
 * supervisor accepts it (audited); until then the defaults in force stay as they are.
 */
export function MetaProposal({ limits, proposed, canAccept, busy, onAccept }: Props) {
  const rows = proposalChanges(limits, proposed);
  return (
    <section className="panel panel-wide" data-testid="meta-proposal">
      <h3>Proposed by the machine’s meta</h3>
      <p className="hint">
        The machine published new default limits. They apply only once accepted{canAccept ? '' : ' by a supervisor'}; rows edited on this console keep their values either way.
      </p>
      <table className="data-table" data-testid="meta-proposal-table">
        <thead>
          <tr>
            <th>Sensor</th>
            <th>Level</th>
            <th>Default now</th>
            <th>Proposed</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid="meta-proposal-row" data-key={r.key}>
              <td>{r.sensor}</td>
              <td>{r.level}</td>
              <td>{r.current ?? '—'}</td>
              <td>{r.proposed ?? 'removed'}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={4} className="hint">
                Only delays, priorities or deadbands differ.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {canAccept && (
        <button type="button" data-testid="meta-accept" disabled={busy} onClick={onAccept}>
          Accept the proposed defaults
        </button>
      )}
    </section>
  );
}
