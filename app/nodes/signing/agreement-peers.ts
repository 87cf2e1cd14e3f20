import { z } from 'zod';
import type { NodeContext } from '../node-context.ts';
import { NodeRequestError } from '../node-request-error.ts';
import { callPeer } from '../peers/peer-client.ts';
import { messageBody, openEnvelope, sealEnvelope } from '../peers/signed-envelope.ts';
import type { NodeBinding } from './sign-routes.ts';
import type { AgreementPeers, Commit, Proposal, SigningAgreement } from './signing-agreement.ts';

/**
 * The signing agreement's messages between nodes (signing-agreement.ts): signed peer envelopes
 * whose session is the request key, over the nodes' peer routes. Bindings inside carry their
 * own per-node MACs, checked where they count (releaseShare).
 */
export const AGREEMENT_PATHS = {
  propose: '/peer/sign-agreement/propose',
  commit: '/peer/sign-agreement/commit',
  abort: '/peer/sign-agreement/abort',
} as const;

const Key = z.string().regex(/^[0-9a-f]{64}$/);
const Set = z.array(z.number().int().min(1).max(64)).min(1).max(64);
const Binding = z.object({ node: z.number().int(), tags: z.record(z.string(), z.string().regex(/^[0-9a-f]{32}$/)) });
const ProposalBody = z.object({
  key: Key,
  presignatureId: z.string().min(1).max(200),
  tokenId: z.string().regex(/^\d{1,80}$/),
  digest: z.string().regex(/^0x[0-9a-f]{64}$/),
  set: Set,
});
const CommitBody = z.object({
  key: Key,
  presignatureId: z.string().min(1).max(200),
  bindings: z.array(Binding).max(64),
});
const AbortBody = z.object({ key: Key, reason: z.string().max(2000) });

/** The leader's side: its messages to the other members of the set. */
export function agreementPeers(ctx: NodeContext): AgreementPeers {
  const peer = (index: number) => {
    const info = ctx.peers.peer(index);
    if (!info) throw new NodeRequestError(400, 'unknown_node', `node ${index} is not registered`);
    return info;
  };
  const send = <T>(to: number, kind: keyof typeof AGREEMENT_PATHS, key: string, body: unknown, timeoutMs: number) =>
    callPeer<T>(
      peer(to),
      AGREEMENT_PATHS[kind],
      sealEnvelope(ctx.crypto, ctx.index, `sign-agreement/${kind}`, key, body),
      timeoutMs,
    );
  return {
    propose: (to, proposal) => send<NodeBinding>(to, 'propose', proposal.key, proposal, 10_000),
    commit: async (to, commit) => void (await send(to, 'commit', commit.key, commit, 5_000)),
    abort: async (to, key, reason) => void (await send(to, 'abort', key, { key, reason }, 5_000)),
  };
}

/** A member's side: the peer routes' handlers. */
export function agreementRoutes(
  agreement: () => { ctx: NodeContext; agreement: SigningAgreement },
): { path: string; handle: (raw: unknown) => unknown }[] {
  const open = <T>(kind: keyof typeof AGREEMENT_PATHS, raw: unknown, schema: z.ZodType<T>) => {
    const { ctx } = agreement();
    const { from, session, body } = openEnvelope<unknown>(ctx.crypto, ctx.peers, raw, {
      kind: `sign-agreement/${kind}`,
    });
    const parsed = messageBody(schema, body, `sign-agreement/${kind}`);
    if ((parsed as { key: string }).key !== session)
      throw new NodeRequestError(400, 'bad_envelope', 'the message belongs to another request');
    return { from, body: parsed };
  };
  return [
    {
      path: AGREEMENT_PATHS.propose,
      handle: (raw) => {
        const { from, body } = open('propose', raw, ProposalBody);
        return agreement().agreement.onPropose(from, body as Proposal);
      },
    },
    {
      path: AGREEMENT_PATHS.commit,
      handle: (raw) => {
        const { from, body } = open('commit', raw, CommitBody);
        agreement().agreement.onCommit(from, body as Commit);
        return { ok: true };
      },
    },
    {
      path: AGREEMENT_PATHS.abort,
      handle: (raw) => {
        const { from, body } = open('abort', raw, AbortBody);
        agreement().agreement.onAbort(from, body.key, body.reason);
        return { ok: true };
      },
    },
  ];
}
