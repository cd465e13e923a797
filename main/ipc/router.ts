/**
 * The one dispatcher behind every transport (Electron IPC, WebSocket). It owns the order of checks
 * so that no transport can skip one: known call, live session, role, request schema, handler, audit.
 */
import { createHash } from 'node:crypto';
import { calls, isCallName, type CallName, type CallResponse, type CallResult, type ParsedRequest } from '../../common/contract';
import { roleAllows } from '../../common/roles';
import type { AuditSink } from '../audit/audit-port';
import type { Session } from '../auth/sessions';
import { CallFailure } from '../../common/errors';
import type { MonoMs, WallMs } from '../../common/time';

export interface CallContext {
  /** The caller's session, already checked as live by the router. */
  session: Session | null;
  transport: 'ipc' | 'ws';
  /** The connection's remote address (headless host); absent for the desktop window. */
  peer?: string;
  /** Lets login/setup/resume/logout bind or clear the transport connection's session. */
  setSession(session: Session | null): void;
}

export type Handlers = {
  [N in CallName]: (request: ParsedRequest<N>, ctx: CallContext) => CallResponse<N> | Promise<CallResponse<N>>;
};

/** Per connection: the transport keeps the token, the router asks whether it is still live. */
export interface Connection {
  token: string | null;
  transport: 'ipc' | 'ws';
  /** The remote address, where the transport has one: an administrator's failed logins lock per address. */
  peer?: string;
}

export interface RouterDeps {
  handlers: Handlers;
  audit: AuditSink;
  touchSession(token: string): Session | null;
  now(): WallMs;
  log?(message: string, error: unknown): void;
  /** Told of every answered call of the contract: its time from arrival to answer and 'ok' or the error code (diagnostics). */
  observe?(name: CallName, ms: number, code: string): void;
  /** Clock for observe; default performance.now. */
  monotonic?(): MonoMs;
}

/** What a locked session may still do: the lock screen's own calls. */
const WHILE_LOCKED: ReadonlySet<CallName> = new Set(['auth.state', 'auth.unlock', 'auth.lock', 'auth.logout']);

const SECRET_FIELDS = new Set(['password', 'token', 'apiKey', 'setupToken']);
const redact = (request: unknown): Record<string, unknown> =>
  typeof request === 'object' && request !== null
    ? Object.fromEntries(Object.entries(request).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? '***' : v]))
    : {};

/** Size and SHA-256 of the request as sent (secrets redacted first), enough to match it with a capture. */
function fingerprint(request: unknown): Record<string, unknown> {
  let text: string;
  try {
    text = JSON.stringify(redact(request)) ?? 'undefined';
  } catch {
    text = String(request);
  }
  return { requestBytes: Buffer.byteLength(text), requestSha256: createHash('sha256').update(text).digest('hex') };
}

export function createRouter(deps: RouterDeps) {
  const handle = handleCall(deps);
  const observe = deps.observe;
  if (!observe) return handle;
  const monotonic = deps.monotonic ?? (() => performance.now());
  return async function dispatch(connection: Connection, name: unknown, rawRequest: unknown): Promise<CallResult<unknown>> {
    const t0 = monotonic();
    const result = await handle(connection, name, rawRequest);
    // Unknown names are not timed: a peer could otherwise grow the table with made-up ones.
    if (isCallName(name)) observe(name, monotonic() - t0, result.ok ? 'ok' : result.error.code);
    return result;
  };
}

function handleCall(deps: RouterDeps) {
  return async function dispatch(connection: Connection, name: unknown, rawRequest: unknown): Promise<CallResult<unknown>> {
    if (!isCallName(name)) return { ok: false, error: { code: 'unknown_call', message: `unknown call ${JSON.stringify(String(name).slice(0, 64))}` } };
    const spec = calls[name];
    const session = connection.token ? deps.touchSession(connection.token) : null;
    if (!session) connection.token = null;

    /** Whether the request passed its schema (and so is bounded); until then only its fingerprint is kept. */
    let validated = false;
    const audit = (outcome: string, user: Session['user'] | null, detail: Record<string, unknown> = {}) => {
      if (!spec.audited) return;
      // A refused call records what was tried, not the request itself: the audit log is fsynced and
      // append-only, and an unauthenticated peer must not be able to write a megabyte into it per call.
      const request = validated ? redact(rawRequest) : fingerprint(rawRequest);
      deps.audit.append({ at: deps.now(), userId: user?.id ?? null, username: user?.username ?? null, action: name, target: null, outcome, detail: { ...request, ...detail } });
    };

    // A locked screen keeps its session, and with it the alarm and voice events, but acts only to unlock or leave.
    if (session?.locked && !WHILE_LOCKED.has(name)) {
      audit('locked', session.user);
      return { ok: false, error: { code: 'locked', message: 'the screen is locked; enter your password to unlock it' } };
    }

    if (!roleAllows(session?.user.role ?? null, spec.permission)) {
      const code = session ? 'forbidden' : 'unauthenticated';
      audit(code, session?.user ?? null);
      return { ok: false, error: { code, message: session ? `${name} needs the ${spec.permission} permission` : 'log in first' } };
    }

    const parsed = spec.request.safeParse(rawRequest ?? {});
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
      audit('bad_request', session?.user ?? null);
      return { ok: false, error: { code: 'bad_request', message } };
    }

    validated = true;
    let boundUser = session?.user ?? null;
    const ctx: CallContext = {
      session,
      transport: connection.transport,
      peer: connection.peer,
      setSession(next) {
        connection.token = next?.token ?? null;
        if (next) boundUser = next.user;
      },
    };
    try {
      const handler = deps.handlers[name] as (request: unknown, ctx: CallContext) => unknown;
      const data = await handler(parsed.data, ctx);
      audit('ok', boundUser);
      return { ok: true, data };
    } catch (err) {
      if (err instanceof CallFailure) {
        audit(err.code, boundUser, { reason: err.message });
        return { ok: false, error: { code: err.code, message: err.message } };
      }
      deps.log?.(`call ${name} failed`, err);
      audit('internal', boundUser);
      return { ok: false, error: { code: 'internal', message: `${name} failed inside the application; see the log` } };
    }
  };
}
export type Dispatch = ReturnType<typeof createRouter>;
