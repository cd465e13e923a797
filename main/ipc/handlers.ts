/** The contract's handlers over the runtime's parts. Each is a thin adapter; the logic lives in its stage. */
import type { Health, History, ParsedRequest } from '../../common/contract';
import type { Machine, QuarantineEntry, QuarantineReason } from '../../common/telemetry';
import type { AuthService } from '../auth/auth-service';
import type { Handlers } from './router';

export interface HandlerDeps {
  auth: AuthService;
  health(): Health;
  machines(): Machine[];
  history(request: ParsedRequest<'readings.history'>): History;
  quarantine: { counts(): Record<string, number>; list(options: { reason?: QuarantineReason; limit: number }): QuarantineEntry[] };
}

export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    'auth.state': (_req, ctx) => ({ needsSetup: deps.auth.needsSetup(), user: ctx.session?.user ?? null }),
    'auth.setup': async ({ username, password }, ctx) => {
      const session = await deps.auth.setup(username, password);
      ctx.setSession(session);
      return { user: session.user, token: session.token };
    },
    'auth.login': async ({ username, password }, ctx) => {
      const session = await deps.auth.login(username, password);
      ctx.setSession(session);
      return { user: session.user, token: session.token };
    },
    'auth.resume': ({ token }, ctx) => {
      const session = deps.auth.resume(token);
      ctx.setSession(session);
      return { user: session.user, token: session.token };
    },
    'auth.logout': (_req, ctx) => {
      if (ctx.session) deps.auth.logout(ctx.session.token);
      ctx.setSession(null);
      return { ok: true as const };
    },
    'health.get': () => deps.health(),
    'machines.list': () => deps.machines(),
    'readings.history': (request) => deps.history(request),
    'ingest.quarantine': ({ reason, limit }) => ({ counts: deps.quarantine.counts(), entries: deps.quarantine.list({ reason, limit }) }),
  };
}
