/** The shift log's contract calls; thin adapters over the shift log. */
import type { CallName } from '../../common/contract';
import type { CallContext, Handlers } from '../ipc/router';
import { shiftHandoverDocument } from './shift-log-document';
import type { ShiftLog } from './shift-log';

export type ShiftLogHandlers = Pick<Handlers, Extract<CallName, `shiftlog.${string}`>>;

const username = (ctx: CallContext) => ctx.session!.user.username;

export function createShiftLogHandlers(log: ShiftLog): ShiftLogHandlers {
  return {
    'shiftlog.shifts': () => log.shifts(),
    'shiftlog.list': (q) => log.list(q),
    'shiftlog.add': (entry, ctx) => log.add(username(ctx), entry),
    'shiftlog.ack': ({ ids, note }, ctx) => ({ entries: log.ack(username(ctx), ids, note) }),
    'shiftlog.export': ({ shift, format }) => {
      const { timeZone, current, previous } = log.shifts();
      const s = shift === 'current' ? current : previous;
      return shiftHandoverDocument(s, log.between(s.start, s.end), timeZone, format);
    },
  };
}
