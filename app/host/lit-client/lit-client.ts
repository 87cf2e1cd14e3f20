import { attest } from './attest.ts';
import type { ExecuteJsInput, ExecuteJsResult, LastSignature, PkpSignRequest, PkpSignResult } from './client-types.ts';
import { decrypt } from './decrypt.ts';
import { executeJs } from './execute-js.ts';
import { NodeCallError, type NodeEndpoint } from './node-request.ts';
import { NodeChannels, type LitNetwork } from './node-transport.ts';
import { PresignatureQueue, type PresignatureChoice } from './presignature-queue.ts';
import { reachableNodes } from './reachability.ts';
import { pkpSign } from './sign.ts';
import type { DecryptRequest, DecryptResult } from './threshold-decryption.ts';

// What callers use, from the one module they know (each lives in its own).
export type {
  ActionNodeAnswer,
  ExecuteJsInput,
  ExecuteJsResult,
  LastSignature,
  PkpSignRequest,
  PkpSignResult,
} from './client-types.ts';
export { ActionFailedError, NotEnoughNodesError, PresignaturesSpoiledError, SigningRefusedError } from './errors.ts';
export { NodeCallError };

/** Per node request, unless the options say otherwise. */
const REQUEST_TIMEOUT_MS = 5_000;

export interface LitClientOptions {
  nodes: () => readonly NodeEndpoint[];
  nodeCount: number;
  threshold: number;
  /** Per node request. */
  requestTimeoutMs?: number;
}

/**
 * The client side of the network, as the host uses it: owns the channels to the nodes (one
 * WebSocket each, node-transport.ts), the view of their presignatures and the last signature
 * made; each operation is a module of its own over them (sign.ts, execute-js.ts, attest.ts,
 * decrypt.ts). See README.md.
 */
export class LitClient {
  private readonly presignatures: PresignatureQueue;
  private readonly channels: NodeChannels;
  private readonly network: LitNetwork;
  /** For the network page: the nodes that contributed to the latest signature or decryption. */
  lastSignature: LastSignature | null = null;

  constructor(options: LitClientOptions) {
    this.presignatures = new PresignatureQueue(options.nodes, options.threshold);
    // A node that comes back may have lost nothing (its presignatures are durable) but the
    // others signed meanwhile: what it holds fresh is worth asking again.
    this.channels = new NodeChannels(() => this.presignatures.nodeBack());
    this.network = {
      transport: this.channels,
      nodes: options.nodes,
      threshold: options.threshold,
      nodeCount: options.nodeCount,
      requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      presignatures: this.presignatures,
      combined: (last) => (this.lastSignature = last),
    };
  }

  /**
   * Opens the channel to every node and learns the presignatures they hold, so that the first
   * signature after start-up does not pay for either (call it once the network is up).
   */
  async warmUp(): Promise<void> {
    await reachableNodes(this.network);
    await this.presignatures.prefetch();
  }

  /** The nodes as this client reaches them (with the host client key each knows it by). */
  nodeEndpoints(): readonly NodeEndpoint[] {
    return this.network.nodes();
  }

  /** The presignatures this client would offer now, with their holders (for tests and audits). */
  freshPresignatures(): Promise<readonly PresignatureChoice[]> {
    return this.presignatures.peek();
  }

  close(): void {
    this.channels.close();
  }

  /** A threshold BLS signature with the network key over ATTESTATION_PREFIX + message (attest.ts). */
  attest(message: string, networkPublicKey: string): Promise<{ signature: string; nodes: number[] }> {
    return attest(this.network, message, networkPublicKey);
  }

  /** A threshold ECDSA signature by a PKP over a 32-byte digest (sign.ts). */
  pkpSign(request: PkpSignRequest): Promise<PkpSignResult> {
    return pkpSign(this.network, request);
  }

  /** Runs a Lit Action on every reachable node; the outcome T nodes agree on (execute-js.ts). */
  executeJs(request: ExecuteJsInput): Promise<ExecuteJsResult> {
    return executeJs(this.network, request);
  }

  /** Threshold decryption of an access-controlled record (decrypt.ts, threshold-decryption.ts). */
  decrypt(request: DecryptRequest): Promise<DecryptResult> {
    return decrypt(this.network, request);
  }
}
