import type { ErrorCode } from './contract';

/** Thrown by handlers for an expected refusal; the router turns it into a typed error result. */
export class CallFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
