/**
 * A ticket's repair steps read aloud one at a time, for a technician whose hands are busy: start,
 * next, repeat, stop. Each answer is a phrase in the room's voice (ElevenLabs or the local one),
 * spoken at the ticket's priority, so a critical job sounds like one; every phrase goes to the
 * voice log, and every request to the audit log. Values in a step are read with their units.
 */
import type { RepairVoiceAction, RepairVoiceState } from '../../../common/contract-voice';
import type { Ticket } from '../../../common/contract-agents';
import type { VoicePriority } from '../../../common/contract-voice';
import { CallFailure } from '../../../common/errors';
import { spokenText } from '../../voice/spoken-text';

export interface RepairGuideDeps {
  ticket(id: number): Ticket;
  /** Queues a phrase in the room; throws when the voice is off. */
  say(text: string, priority: VoicePriority): void;
}

const PRIORITY: Record<Ticket['priority'], VoicePriority> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low' };
const sentence = (s: string) => s.trim().replace(/[.!\s]+$/, '');

export function createRepairGuide(deps: RepairGuideDeps) {
  /** The step (0-based) each ticket's guide is at; a guide ends with stop or after the last step. */
  const at = new Map<number, number>();

  return {
    act(ticketId: number, action: RepairVoiceAction): RepairVoiceState {
      const t = deps.ticket(ticketId);
      const steps = t.repairSteps;
      if (steps.length === 0) throw new CallFailure('conflict', `ticket #${ticketId} has no repair steps to read; add the steps to the ticket first`);
      const total = steps.length;
      const stepPhrase = (i: number) => `Step ${i + 1} of ${total}: ${sentence(spokenText(steps[i]!))}.`;
      let index = at.get(ticketId);
      let text: string;
      let done = false;
      if (action === 'start') {
        index = 0;
        text = `Repair steps for ticket ${ticketId}, ${sentence(spokenText(t.title))}. ${total} ${total === 1 ? 'step' : 'steps'}. ${stepPhrase(0)}`;
      } else if (index === undefined) {
        throw new CallFailure('conflict', `the repair steps of ticket #${ticketId} are not being read; start them first`);
      } else if (action === 'repeat') {
        text = stepPhrase(index);
      } else if (action === 'next') {
        if (index + 1 >= total) {
          done = true;
          text = `That was the last step of ticket ${ticketId}. Close the ticket once the machine runs normally.`;
        } else {
          index += 1;
          text = stepPhrase(index);
        }
      } else {
        done = true;
        text = `Repair steps of ticket ${ticketId} stopped at step ${index + 1} of ${total}.`;
      }
      // Spoken first: a voice that is off refuses, and the guide stays where it was.
      deps.say(text, PRIORITY[t.priority]);
      if (done) at.delete(ticketId);
      else at.set(ticketId, index);
      return { ticketId, step: done ? null : index + 1, total, text, done };
    },
  };
}
export type RepairGuide = ReturnType<typeof createRepairGuide>;
