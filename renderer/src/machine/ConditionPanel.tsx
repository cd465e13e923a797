import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { CallResponse } from '../../../common/contract';
import type { ConditionOutput } from '../../../common/contract-models';
import { roleAllows } from '../../../common/roles';
import { useAction, useCall } from '../app/use-call';
import { useServices } from '../app/services-context';
import { useAllowed } from '../app/use-allowed';
import { formatDate, formatTime } from '../app/time-format';
import { HealthChart } from './HealthChart';
import { bandsLine, commLine, conditionRulLine, episodeLine, failureProbabilityLine, healthLine, heightenedLine, phaseLine, signalLine, stateLine, stuckLine, type Line } from './monitor-lines';
import { StateHistoryStrip } from './StateHistory';
import { FormError } from '../shell/FormError';

/** Model outputs change with every scoring run; the screen asks again this often. */
const REFRESH_MS = 5_000;
/** The health trend and the state strip cover the last day and are fetched again this often. */
const HISTORY_MS = 24 * 3_600_000;
const HISTORY_REFRESH_MS = 60_000;

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

/**
 * Level 3's condition, one block per model, each saying which model spoke: the machine's own
 * condition monitor, the AI4I failure model, the C-MAPSS RUL model and the commissioning-window detector.
 */
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
  const time = (ts: number) => formatTime(ts, utc);
  // After maintenance or a process change, "normal" is new. The host enforces the role; the button only follows it.
  const recalibrate = canRecalibrate && (
    <button type="button" data-testid="recalibrate" onClick={() => void run('models.recalibrate', { machineId }, reload)}>
      Recalibrate
    </button>
  );
  const refused = error && <p className="unknown-note">Recalibration refused: {error}</p>;

  return (
    <section className="panel panel-wide" data-testid="condition">
      <h3>Condition</h3>
      {!m ? (
        <>
          <p className="unknown-note">{models.error ? `Model outputs: not available (${models.error})` : 'Loading model outputs…'}</p>
          {recalibrate}
          {refused}
        </>
      ) : (
        <div className="condition-sources">
          <ConditionMonitor machineId={machineId} condition={m.condition ?? null} time={time} utc={utc} onChanged={reload} />
          <div className="condition-source" data-testid="condition-ai4i">
            <h4>AI4I failure model</h4>
            <dl className="condition">
              <Row name="Failure probability" testId="condition-failure" abnormal={false} {...failureLine(m)} />
            </dl>
          </div>
          <div className="condition-source" data-testid="condition-cmapss">
            <h4>C-MAPSS RUL (cycles)</h4>
            <dl className="condition">
              <Row name="Remaining useful life" testId="condition-rul" abnormal={false} {...rulLine(m)} />
            </dl>
          </div>
          <div className="condition-source" data-testid="condition-commissioning">
            <h4>Commissioning-window detector</h4>
            <dl className="condition">
              <Row name="Anomaly" testId="condition-anomaly" {...anomalyLine(m)} />
              <Row
                name="Calibration"
                testId="condition-calibration"
                abnormal={false}
                unknown={m.calibration.state !== 'calibrated'}
                text={
                  m.calibration.state === 'calibrated'
                    ? `from ${time(m.calibration.from!)} to ${time(m.calibration.to!)}, ${m.calibration.sensors.length} sensors`
                    : m.calibration.state === 'calibrating'
                      ? 'commissioning window open'
                      : 'none yet'
                }
              />
            </dl>
            {recalibrate}
            {refused}
          </div>
        </div>
      )}
    </section>
  );
}

interface MonitorProps {
  machineId: string;
  condition: ConditionOutput | null;
  time: (ts: number) => string;
  utc: boolean;
  onChanged: () => void;
}

/** The machine's own condition monitor: state, learning, health with its trend, risk, RUL, episode, sensors and link. */
export function ConditionMonitor({ machineId, condition: c, time, utc, onChanged }: MonitorProps) {
  return (
    <div className="condition-source condition-monitor" data-testid="condition-monitor">
      <h4>Condition monitor (this machine’s own model)</h4>
      {!c ? (
        <p className="unknown-note" data-testid="monitor-none">
          No output yet from this machine’s condition monitor.
        </p>
      ) : (
        <dl className="condition">
          <LineRow name="Operating state" testId="monitor-state" line={stateLine(c)} />
          <LineRow name="State signal" testId="monitor-signal" line={signalLine(c)} />
          <LineRow name="Phase" testId="monitor-phase" line={phaseLine(c)} />
          {c.heightened && <LineRow name="Monitoring" testId="monitor-heightened" line={heightenedLine(c, time, (ts) => formatDate(ts, utc))!} />}
          <LineRow name="Hours per load band" testId="monitor-bands" line={bandsLine(c)} />
          <LineRow name="Health" testId="monitor-health" line={healthLine(c)} />
          <LineRow name="Failure probability" testId="monitor-failure" line={failureProbabilityLine(c)} />
          <LineRow name="Remaining useful life" testId="monitor-rul" line={conditionRulLine(c)} />
          <LineRow name="Anomaly episode" testId="monitor-anomaly" line={episodeLine(c, time)} />
          <LineRow name="Stuck sensors" testId="monitor-stuck" line={stuckLine(c)} />
          <LineRow name="Communication" testId="monitor-comm" line={commLine(c)} />
          {c.detail && <LineRow name="Detail" testId="monitor-detail" line={{ text: c.detail, abnormal: false, unknown: true }} />}
        </dl>
      )}
      <MonitorHistory machineId={machineId} time={time} utc={utc} eventTs={c?.ts ?? null} />
      <MarkNormal machineId={machineId} onDone={onChanged} />
    </div>
  );
}

/**
 * Health over the last 24 h and the state strip; each says where it is not available, and nothing breaks.
 * "Last 24 h" is the machine's own event time (its newest judged reading), as everything the monitor
 * stores is: a replay or a device clock off from the console's still shows its day.
 */
function MonitorHistory({ machineId, time, utc, eventTs }: { machineId: string; time: (ts: number) => string; utc: boolean; eventTs: number | null }) {
  const latest = useRef(eventTs);
  latest.current = eventTs;
  const [range, setRange] = useState(() => lastDay(eventTs));
  useEffect(() => {
    const timer = setInterval(() => setRange(lastDay(latest.current)), HISTORY_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const key = `${machineId}:${range.to}`;
  const health = useCall('models.healthHistory', { machineId, ...range }, key);
  const states = useCall('models.stateHistory', { machineId, ...range }, key);
  return (
    <>
      <h5>Health, last 24 h</h5>
      {health.data && health.data.length >= 2 ? (
        <HealthChart points={health.data} utc={utc} />
      ) : (
        <p className="unknown-note" data-testid="health-history-none">
          {health.error ? `Health history: not available (${health.error})` : health.data ? 'No health history yet.' : 'Loading health history…'}
        </p>
      )}
      <h5>Operating state, last 24 h</h5>
      {states.data ? (
        <StateHistoryStrip history={states.data} formatTime={time} />
      ) : (
        <p className="unknown-note" data-testid="state-history-none">
          {states.error ? `State history: not available (${states.error})` : 'Loading state history…'}
        </p>
      )}
    </>
  );
}

const lastDay = (eventTs: number | null) => {
  const to = Math.round(eventTs ?? Date.now());
  return { from: to - HISTORY_MS, to };
};

const NOTE_MIN = 3;

/**
 * "This anomaly was normal operation": the monitor learns the episode as normal for its state.
 * Supervisors and administrators only; a note is required, and a refusal is shown as it came.
 */
export function MarkNormal({ machineId, onDone }: { machineId: string; onDone: () => void }) {
  const allowed = useAllowed('models.markNormal');
  const { run, error } = useAction();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (!allowed) return null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = note.trim();
    if (text.length < NOTE_MIN) return setProblem(`Write a note of at least ${NOTE_MIN} characters: why this was normal operation.`);
    setProblem(null);
    const answer = await run('models.markNormal', { machineId, note: text }, onDone);
    if (answer) {
      setDone(`Learned as normal operation; the model is now version ${answer.version}.`);
      setNote('');
      setOpen(false);
    }
  };

  return (
    <div className="mark-normal">
      {!open ? (
        <button type="button" data-testid="mark-normal" onClick={() => (setOpen(true), setDone(null))}>
          Mark as normal operation
        </button>
      ) : (
        <form className="inline-form" onSubmit={(e) => void submit(e)} data-testid="mark-normal-form">
          <label>
            Note (required){' '}
            <input type="text" size={40} maxLength={500} data-testid="mark-normal-note" value={note} onChange={(e) => setNote(e.target.value)} placeholder="why this was normal operation" />
          </label>{' '}
          <button type="submit" data-testid="mark-normal-submit">
            Mark as normal
          </button>{' '}
          <button type="button" onClick={() => (setOpen(false), setProblem(null))}>
            Cancel
          </button>
        </form>
      )}
      <FormError message={problem ?? (error && `Mark as normal refused: ${error}`)} testId="mark-normal-error" />
      {done && !error && (
        <p className="tile-meta" data-testid="mark-normal-done">
          {done}
        </p>
      )}
    </div>
  );
}

function LineRow({ name, testId, line }: { name: string; testId: string; line: Line }) {
  const cls = line.unknown ? 'unknown-note' : line.abnormal ? 'condition-abnormal' : line.band && line.band !== 'normal' ? `health-${line.band}` : undefined;
  return (
    <>
      <dt>{name}</dt>
      <dd className={cls} data-testid={testId} data-band={line.band}>
        {line.text}
      </dd>
    </>
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
