import type { SignalErrorCode, SignalRefusal } from '../../../protocol/signalling.js';
import { SfuError } from '../../../sfu/index.js';

/**
 * A refusal raised on the server: the client's request (or handshake) cannot be served, and it is told why with one
 * of the contract's codes. Not a fault: never logged as an error. The wire shape it becomes is SignalRefusal.
 */
export class SignalError extends Error {
  constructor(
    readonly code: SignalErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What to tell the client for an error it caused — ours or the media server's; undefined for a server fault. */
export function refusalOf(error: unknown): SignalRefusal | undefined {
  if (error instanceof SignalError || error instanceof SfuError) return { code: error.code, message: error.message };
  return undefined;
}
