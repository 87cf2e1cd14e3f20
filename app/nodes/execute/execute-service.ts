import { tokenIdFromPubkey } from '../../shared/contracts/index.ts';
import { cidV0 } from '../../shared/cid/index.ts';
import { ExecuteJsRequest, RebindRequest, type ExecuteJsNodeResponse } from '../../shared/node-api.ts';
import type { NodeRouteResponse } from '../../shared/node-protocol.ts';
import { allowListedFetch, type ActionResult, type ActionRunner } from '../actions/index.ts';
import { parseRequest, type Caller } from '../http-server.ts';
import { NodeRequestError } from '../node-request-error.ts';
import type { NodeContext } from '../node-context.ts';
import { openEnvelope } from '../peers/signed-envelope.ts';
import { bindingTags, normalizeKey } from '../signing/sign-routes.ts';
import { ActionMailbox } from './action-mailbox.ts';
import { verifyRequester, type VerifiedRequester } from '../auth/requester.ts';
import { nodeActionBindings } from './node-action-bindings.ts';
import { RunSignRequests } from './run-sign-requests.ts';

/**
 * executeJs at this node: check the code against its CID, run it in a fresh sandbox context,
 * and for every signature the action asked for (permission was checked when it asked) bind
 * one of the offered presignatures to (key, digest) and return the binding. The shares
 * themselves come from /pkp/sign/release, once T nodes bound the same thing. What the host's
 * runs asked to sign is remembered for a while, so that the host's client can have another
 * presignature bound to it (rebind) when the run's own lost holders mid-run.
 */
export class ExecuteService {
  private readonly ctx: NodeContext;
  private readonly runner: ActionRunner;
  private readonly mailbox = new ActionMailbox();
  private readonly signRequests = new RunSignRequests();
  private readonly fetchAllowed: ReturnType<typeof allowListedFetch>;

  constructor(ctx: NodeContext, runner: ActionRunner, fetchAllowList: readonly string[]) {
    this.ctx = ctx;
    this.runner = runner;
    this.fetchAllowed = allowListedFetch({ allowList: fetchAllowList });
  }

  async execute(body: string, caller: Caller): Promise<ExecuteJsNodeResponse> {
    const { ctx } = this;
    const req = parseRequest(ExecuteJsRequest, body);
    const participants = [...new Set(req.participants)].sort((a, b) => a - b);
    if (!participants.includes(ctx.index) || participants.some((i) => !ctx.peers.peer(i)))
      throw new NodeRequestError(400, 'bad_request', 'participants must be registered nodes, this one among them');
    const ipfsId = cidV0(req.code);
    if (req.ipfsId !== undefined && req.ipfsId !== ipfsId)
      throw new NodeRequestError(400, 'cid_mismatch', `the code hashes to ${ipfsId}, not to ${req.ipfsId}`);
    const requester = await verifyRequester(ctx.auth, ctx.authMethodVerifiers, req);

    const effects = new Set<string>();
    const result = await this.runner.execute({
      code: req.code,
      ipfsId,
      requester: requesterKey(requester),
      fromHost: caller.host,
      jsParams: req.jsParams ?? null,
      auth: {
        authSigAddress: requester.address ?? null,
        authMethodContexts: requester.authMethods.map((m) => ({
          userId: m.userId,
          appId: m.appId,
          authMethodType: m.authMethodType,
        })),
      },
      bindings: nodeActionBindings(
        ctx,
        this.mailbox,
        { requestId: req.requestId, ipfsId, requester, participants },
        this.fetchAllowed,
        effects,
      ),
    });
    // No slot for this run: nothing ran, so the client gets a refusal it can retry, not an action error.
    if (result.error?.kind === 'busy')
      throw new NodeRequestError(429, 'busy', `node ${ctx.index}: ${result.error.message}`);
    const answer: ExecuteJsNodeResponse = { node: ctx.index, ipfsId, logs: result.logs, signatures: {} };
    if (effects.size > 0) answer.effects = [...effects].sort();
    if (result.response !== undefined) answer.response = result.response;
    if (result.error) return { ...answer, error: { kind: result.error.kind, message: result.error.message } };

    const requests = [...result.signRequests].sort((a, b) => (a.sigName < b.sigName ? -1 : 1));
    if (requests.length > req.presignatureIds.length)
      return {
        ...answer,
        error: {
          kind: 'limit',
          message: `the action made ${requests.length} signatures; the request offered ${req.presignatureIds.length} presignatures`,
        },
      };
    for (const [i, sign] of requests.entries()) {
      const presignatureId = req.presignatureIds[i]!;
      const toSign = `0x${Buffer.from(sign.toSign).toString('hex')}`;
      const tokenId = tokenIdFromPubkey(sign.publicKey).toString();
      // Its permission held when the action asked (signEcdsa's binding checks it).
      if (caller.host)
        this.signRequests.remember(req.requestId, sign.sigName, {
          tokenId,
          publicKey: normalizeKey(sign.publicKey),
          toSign,
        });
      try {
        await ctx.presigs.bind(presignatureId, tokenId, toSign);
      } catch (err) {
        // This node lacks that presignature (or it went to another message): it gives no
        // share for this signature, but still answers with the response and logs.
        answer.signatureErrors = { ...answer.signatureErrors, [sign.sigName]: (err as Error).message };
        continue;
      }
      answer.signatures[sign.sigName] = {
        presignatureId,
        toSign,
        publicKey: sign.publicKey,
        binding: { node: ctx.index, tags: bindingTags(ctx, presignatureId, tokenId, toSign) },
      };
    }
    return answer;
  }

  /**
   * Binds another presignature to what this node's run of a host request asked to sign under
   * `sigName`, and only to exactly that: the client's stand-in for the presignature the run bound
   * when too few of its holders are left (a node went down mid-run). The action is not run again;
   * each node still binds each presignature once, so nothing here lets one sign twice.
   */
  async rebind(body: string): Promise<NodeRouteResponse<'rebind'>> {
    const { ctx } = this;
    const req = parseRequest(RebindRequest, body);
    const asked = this.signRequests.find(req.requestId, req.sigName);
    if (!asked)
      throw new NodeRequestError(
        404,
        'unknown_run',
        `this node has no signature "${req.sigName}" of run ${req.requestId} (it did not run it, or restarted since)`,
      );
    if (asked.publicKey !== req.publicKey || asked.toSign !== req.toSign)
      throw new NodeRequestError(
        409,
        'other_message',
        `this node's run asked to sign something else as "${req.sigName}"`,
      );
    await ctx.presigs.bind(req.presignatureId, asked.tokenId, asked.toSign);
    return { binding: { node: ctx.index, tags: bindingTags(ctx, req.presignatureId, asked.tokenId, asked.toSign) } };
  }

  /**
   * Runs an action for Lit's SDK (/web/execute/v2): the same runner and bindings as execute(),
   * for a requester the node verified from its session signature, among the SDK's signing set.
   * Its signatures are left to the caller (the set's agreement, lit-sdk/execute-js.ts).
   */
  runForLit(input: {
    code: string;
    ipfsId: string;
    requester: VerifiedRequester;
    jsParams: Record<string, unknown> | null;
    /** Names this call's runOnce/broadcastAndCollect exchanges: the same at every node of the set. */
    requestId: string;
    participants: readonly number[];
  }): Promise<ActionResult> {
    return this.runner.execute({
      code: input.code,
      ipfsId: input.ipfsId,
      requester: requesterKey(input.requester),
      fromHost: false,
      jsParams: input.jsParams,
      auth: { authSigAddress: input.requester.address ?? null, authMethodContexts: [] },
      bindings: nodeActionBindings(
        this.ctx,
        this.mailbox,
        {
          requestId: input.requestId,
          ipfsId: input.ipfsId,
          requester: input.requester,
          participants: input.participants,
        },
        this.fetchAllowed,
      ),
    });
  }

  /** A value another node running the same request sent (runOnce, broadcastAndCollect). */
  receiveValue(raw: unknown): { ok: true } {
    const { from, session, body } = openEnvelope<{ name: string; value: string }>(
      this.ctx.crypto,
      this.ctx.peers,
      raw,
      {
        kind: 'action/value',
      },
    );
    if (typeof body?.name !== 'string' || typeof body.value !== 'string')
      throw new NodeRequestError(400, 'bad_request', 'an action value needs a name and a string value');
    this.mailbox.put(session, body.name, from, body.value);
    return { ok: true };
  }
}

/** Whom a run counts against for the runner's per-requester share: what the node verified. */
function requesterKey(requester: VerifiedRequester): string {
  if (requester.address) return `address:${requester.address.toLowerCase()}`;
  const method = requester.authMethods[0];
  if (method) return `auth:${method.authMethodType}:${method.id}`;
  return 'anonymous';
}
