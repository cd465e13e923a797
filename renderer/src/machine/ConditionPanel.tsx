import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { CallResponse } from '../../../common/contract';
import { roleAllows } from '../../../common/roles';
import { useAction, useCall } from '../analytics/use-call';
import { useServices } from '../app/services-context';
import { formatTime } from '../plant/format';

/** Model outputs change with every scoring run; the screen asks again this often. */
const REFRESH_MS = 5_000;

type MachineModels = CallResponse<'models.machine'>;

const pct = (p: number) => `${(p * 100).toFixed(p < 0.1 ? 1 : 0)} %`;
const label = (s: string) => s.replace(/_/g, ' ');

/** What the anomaly detector last said, in words; null state reads as "no output yet", never as normal. */
export function anomalyLine(m: MachineModels): { text: string; abnormal: boolean; unknown: boolean } {
  const a = m.anomaly;
  if (!a) return { text: m.calibration.state === 'calibrating' ? 'commissioning' : 'no output yet', abnormal: false, unknown: true };
  if (a.state === 'calibrating') return { text: a.detail ?? 'commissioning', abnormal: false, unknown: true };
  if (a.state === 'uncertain') return { text: `uncertain: ${a.detail ?? 'model unavailable'}`, abnormal: false, unknown: true };
  const moved = a.contributors.map((c) => `${c.sensor} ${c.contribution.toFixed(1)} σ`).join(', ');
  const score = `score ${a.score!.toFixed(1)} against a limit of ${a.threshold!.toFixed(1)}`;
  if (a.state === 'anomaly') return { text: `ANOMALY, ${label(a.type ?? 'unclassified')}: ${score}; moved most: ${moved}`, abnormal: true, unknown: false };
  return { text: `normal: ${score}`, abnormal: false, unknown: false };
}

export function failureLine(m: MachineModels): { text: string; unknown: boolean } {
  const f = m.failure;
  if (!f) return { text: 'no output: this machine does not report the failure model’s inputs', unknown: true };
  if (f.state === 'uncertain' || f.pFailure === null) return { text: `uncertain: ${f.detail ?? 'model unavailable'}`, unknown: true };
  return { text: `${pct(f.pFailure)} within the horizon${f.likelyType ? `, most likely ${f.likelyType}` : ''}`, unknown: false };
}

export function rulLine(m: MachineModels): { text: string; unknown: boolean } {
  const r = m.rul;
  if (!r) return { text: 'no output: this machine does not report the RUL model’s inputs', unknown: true };
  if (r.state === 'uncertain' || r.rul === null) return { text: `uncertain: ${r.detail ?? 'model unavailable'}`, unknown: true };
  const band = r.low !== null && r.high !== null ? ` (80 % band ${r.low.toFixed(0)}–${r.high.toFixed(0)})` : '';
  return { text: `${r.rul.toFixed(0)} cycles${band}`, unknown: false };
}

/** Level 3's condition: anomaly verdict with the sensors behind it, failure probability, remaining useful life, calibration. */
export function ConditionPanel({ machineId }: { machineId: string }) {
  const { preferences, session } = useServices();
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  const canRecalibrate = roleAllows(useStore(session, (s) => s.user?.role ?? null), 'supervise');
  const models = useCall('models.machine', { machineId }, machineId);
  const { run, error } = useAction();
  const { reload } = models;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const m = models.data;
  return (
    <section className="panel panel-wide" data-testid="condition">
      <h3>Condition</h3>
      {!m ? (
        <p className="unknown-note">{models.error ? `Model outputs: not available (${models.error})` : 'Loading model outputs…'}</p>
      ) : (
        <dl className="condition">
          <Row name="Anomaly" testId="condition-anomaly" {...anomalyLine(m)} />
          <Row name="Failure probability" testId="condition-failure" abnormal={false} {...failureLine(m)} />
          <Row name="Remaining useful life" testId="condition-rul" abnormal={false} {...rulLine(m)} />
          <Row
            name="Calibration"
            testId="condition-calibration"
            abnormal={false}
            unknown={m.calibration.state !== 'calibrated'}
            text={
              m.calibration.state === 'calibrated'
                ? `from ${formatTime(m.calibration.from!, utc)} to ${formatTime(m.calibration.to!, utc)}, ${m.calibration.sensors.length} sensors`
                : m.calibration.state === 'calibrating'
                  ? 'commissioning window open'
                  : 'none yet'
            }
          />
        </dl>
      )}
      {/* After maintenance or a process change, "normal" is new. The host enforces the role; the button only follows it. */}
      {canRecalibrate && (
        <button type="button" data-testid="recalibrate" onClick={() => void run('models.recalibrate', { machineId }, reload)}>
          Recalibrate
        </button>
      )}
      {error && <p className="unknown-note">Recalibration refused: {error}</p>}
    </section>
  );
}

function Row({ name, text, testId, abnormal, unknown }: { name: string; text: string; testId: string; abnormal: boolean; unknown: boolean }) {
  return (
    <>
      <dt>{name}</dt>
      <dd className={unknown ? 'unknown-note' : abnormal ? 'condition-abnormal' : undefined} data-testid={testId}>
        {text}
      </dd>
    </>
  );
}
