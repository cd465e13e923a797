import { z } from 'zod';
import {
  CallErrorSchema,
  EVENT_NAMES,
  calls,
  events,
  type Bridge,
  type CallName,
  type CallRequest,
  type CallResponse,
  type ErrorCode,
  type EventName,
  type EventPayload,
} from '../../../common/contract';

/** The envelope of every answer; the data inside is checked against the call's own schema. */
export const CallResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: CallErrorSchema }),
]);

/** Thrown by the transport when the host went away before answering. */
export class HostDisconnectedError extends Error {
  override readonly name = 'HostDisconnectedError';
}

export type FailureCode = ErrorCode | 'disconnected' | 'invalid_response';

export class CallError extends Error {
  override readonly name = 'CallError';
  constructor(
    readonly call: CallName,
    readonly code: FailureCode,
    message: string,
  ) {
    super(message);
  }
}

export type Caller = <N extends CallName>(name: N, request: CallRequest<N>) => Promise<CallResponse<N>>;

/** Returns the parsed data of a call, or throws a CallError; nothing unparsed reaches the caller. */
export function createCaller(bridge: Bridge): Caller {
  return async (name, request) => {
    let raw: unknown;
    try {
      raw = await bridge.invoke(name, request);
    } catch (error) {
      throw new CallError(name, 'disconnected', error instanceof Error ? error.message : String(error));
    }
    const result = CallResultSchema.safeParse(raw);
    if (!result.success) throw new CallError(name, 'invalid_response', `malformed answer to ${name}`);
    if (!result.data.ok) throw new CallError(name, result.data.error.code, result.data.error.message);
    const data = calls[name].response.safeParse(result.data.data);
    if (!data.success) throw new CallError(name, 'invalid_response', `answer to ${name} does not match the contract: ${data.error.message}`);
    return data.data as CallResponse<typeof name>;
  };
}

export const isEventName = (name: unknown): name is EventName => EVENT_NAMES.includes(name as EventName);

export type EventHandlers = { [E in EventName]?: (payload: EventPayload<E>) => void };

/** Routes events to handlers after parsing; a payload that fails its schema is dropped, never half-used. */
export function subscribeEvents(bridge: Bridge, handlers: EventHandlers): () => void {
  return bridge.onEvent((name, payload) => {
    if (isEventName(name)) deliver(name, payload, handlers);
  });
}

function deliver<E extends EventName>(name: E, payload: unknown, handlers: EventHandlers): void {
  const handler = handlers[name] as ((payload: EventPayload<E>) => void) | undefined;
  if (!handler) return;
  const parsed = events[name].safeParse(payload);
  if (!parsed.success) {
    console.warn(`dropped a malformed "${name}" event`, parsed.error.issues);
    return;
  }
  handler(parsed.data as EventPayload<E>);
}

/** One line for an operator: what went wrong, without a stack trace. */
export function describeFailure(error: unknown): string {
  if (error instanceof CallError) {
    if (error.code === 'disconnected') return 'Cannot reach the FactoryBrain host.';
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
