import type { AnyNodeErrorCode } from '../shared/node-protocol.ts';

/**
 * An error a node reports on purpose: an HTTP status, a code from the node protocol's closed list
 * (app/shared/node-protocol.ts) and a message the requester can act on. Stores and protocols
 * throw it; the HTTP server turns it into the answer.
 */
export class NodeRequestError extends Error {
  readonly status: number;
  readonly code: AnyNodeErrorCode;
  constructor(status: number, code: AnyNodeErrorCode, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
