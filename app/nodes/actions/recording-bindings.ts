// An in-memory ActionBindings for tests: it records every call and answers from plain
// fields that a test sets. The node layer provides the real bindings (chain reads, peers).
import type {
  ActionBindings,
  ActionFetchRequest,
  ActionFetchResponse,
  ActionSignRequest,
  DecryptAndCombineArgs,
  PermittedAuthMethod,
} from './types.ts';

export interface RecordedCall {
  readonly method: keyof ActionBindings;
  readonly args: unknown;
}

export class RecordingBindings implements ActionBindings {
  readonly calls: RecordedCall[] = [];
  /** What decryptAndCombine answers (the node layer asks the network for real). */
  decryptedText = 'decrypted';
  /** Permitted action CIDs per token id. */
  readonly permittedActions = new Map<bigint, string[]>();
  /** Permitted addresses per token id. */
  readonly permittedAddresses = new Map<bigint, string[]>();
  readonly permittedAuthMethods = new Map<bigint, PermittedAuthMethod[]>();
  /** Return a message to refuse a signature request. */
  refuseSign: (request: ActionSignRequest) => string | undefined = () => undefined;
  nonce = '0';
  conditionsPass = true;
  leader = true;
  /** What runOnceCollect returns on a non-leader. */
  leaderResult = '';
  readonly broadcasts = new Map<string, string>();
  /** Values of the other nodes for broadcastAndCollect (this node's value is added first). */
  otherNodesValues: string[] = [];
  fetchHandler: (request: ActionFetchRequest) => Promise<ActionFetchResponse> = async (request) => ({
    url: request.url,
    status: 200,
    statusText: 'OK',
    headers: [['content-type', 'text/plain']],
    body: new TextEncoder().encode(`fetched ${request.method} ${request.url}`),
  });

  callsOf(method: keyof ActionBindings): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  async signEcdsa(request: ActionSignRequest): Promise<void> {
    this.calls.push({ method: 'signEcdsa', args: request });
    const refusal = this.refuseSign(request);
    if (refusal !== undefined) throw new Error(refusal);
  }

  async getLatestNonce(args: { address: string; chain: string }): Promise<string> {
    this.calls.push({ method: 'getLatestNonce', args });
    return this.nonce;
  }

  async isPermittedAction(args: { tokenId: bigint; ipfsId: string }): Promise<boolean> {
    this.calls.push({ method: 'isPermittedAction', args });
    return (this.permittedActions.get(args.tokenId) ?? []).includes(args.ipfsId);
  }

  async isPermittedAddress(args: { tokenId: bigint; address: string }): Promise<boolean> {
    this.calls.push({ method: 'isPermittedAddress', args });
    return (this.permittedAddresses.get(args.tokenId) ?? []).includes(args.address);
  }

  async isPermittedAuthMethod(args: { tokenId: bigint; authMethodType: number; userId: Uint8Array }): Promise<boolean> {
    this.calls.push({ method: 'isPermittedAuthMethod', args });
    const id = `0x${Buffer.from(args.userId).toString('hex')}`;
    return (this.permittedAuthMethods.get(args.tokenId) ?? []).some(
      (m) => m.auth_method_type === args.authMethodType && m.id === id,
    );
  }

  async getPermittedActions(args: { tokenId: bigint }): Promise<string[]> {
    this.calls.push({ method: 'getPermittedActions', args });
    return this.permittedActions.get(args.tokenId) ?? [];
  }

  async getPermittedAddresses(args: { tokenId: bigint }): Promise<string[]> {
    this.calls.push({ method: 'getPermittedAddresses', args });
    return this.permittedAddresses.get(args.tokenId) ?? [];
  }

  async getPermittedAuthMethods(args: { tokenId: bigint }): Promise<PermittedAuthMethod[]> {
    this.calls.push({ method: 'getPermittedAuthMethods', args });
    return this.permittedAuthMethods.get(args.tokenId) ?? [];
  }

  async checkConditions(args: {
    conditions: readonly unknown[];
    authSig: unknown;
    chain: string | undefined;
  }): Promise<boolean> {
    this.calls.push({ method: 'checkConditions', args });
    return this.conditionsPass;
  }

  async runOnceIsLeader(args: { name: string }): Promise<boolean> {
    this.calls.push({ method: 'runOnceIsLeader', args });
    return this.leader;
  }

  async runOnceBroadcast(args: { name: string; value: string }): Promise<void> {
    this.calls.push({ method: 'runOnceBroadcast', args });
    this.broadcasts.set(args.name, args.value);
  }

  async runOnceCollect(args: { name: string }): Promise<string> {
    this.calls.push({ method: 'runOnceCollect', args });
    return this.leaderResult;
  }

  async broadcastAndCollect(args: { name: string; value: string }): Promise<string[]> {
    this.calls.push({ method: 'broadcastAndCollect', args });
    return [args.value, ...this.otherNodesValues];
  }

  async decryptAndCombine(args: DecryptAndCombineArgs): Promise<string> {
    this.calls.push({ method: 'decryptAndCombine', args });
    return this.decryptedText;
  }

  async fetch(request: ActionFetchRequest): Promise<ActionFetchResponse> {
    this.calls.push({ method: 'fetch', args: request });
    return this.fetchHandler(request);
  }
}
