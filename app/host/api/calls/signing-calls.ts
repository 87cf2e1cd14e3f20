import { ethers } from 'ethers';
import { addressOf, authFor, type CallContext, type CallTable } from './call-table.ts';

/** Signatures and transactions by a PKP: a digest, a message, typed data, a transaction, a Ceramic session. */
export function signingCalls(ctx: CallContext) {
  return {
    pkpSign: {
      run: async ({ publicKey, toSign, as }) => {
        const s = ctx.services();
        return s.pkpSigner(publicKey, await authFor(s, as)).signDigest(toSign);
      },
      activity: {
        kind: 'signature',
        about: ({ publicKey }) => addressOf(publicKey),
        describe: (_, { toSign }) => ({ detail: 'signed a digest', digest: toSign }),
      },
    },
    pkpSignMessage: {
      run: async ({ publicKey, message, as }) => {
        const s = ctx.services();
        return s.pkpWallet.signMessage(publicKey, message, await authFor(s, as));
      },
      activity: {
        kind: 'message',
        about: ({ publicKey }) => addressOf(publicKey),
        describe: () => ({ detail: 'signed a personal message (EIP-191)' }),
      },
    },
    pkpSignTypedData: {
      run: async ({ publicKey, typedData, as }) => {
        const s = ctx.services();
        return s.pkpWallet.signTypedData(publicKey, typedData as never, await authFor(s, as));
      },
      activity: {
        kind: 'typed-data',
        about: ({ publicKey }) => addressOf(publicKey),
        describe: (r) => ({ detail: 'signed typed data (EIP-712)', digest: r.digest }),
      },
    },
    pkpTransactionPreview: {
      run: async ({ publicKey, ...request }) => ctx.services().pkpWallet.preview(publicKey, request),
    },
    pkpSignTransactionForChain: {
      run: async ({ publicKey, as, ...tx }) => {
        const s = ctx.services();
        return s.pkpWallet.signTransactionForChain(publicKey, tx, await authFor(s, as));
      },
      activity: {
        kind: 'transaction',
        about: ({ publicKey }) => addressOf(publicKey),
        describe: (r, { chainId }) => ({
          detail: `signed a transaction for chain id ${chainId} (not sent)`,
          digest: r.hash,
        }),
      },
    },
    pkpSend: {
      run: async ({ publicKey, to, valueEth, data, prepared, as }) => {
        const s = ctx.services();
        return s.pkpWallet.send(publicKey, to, valueEth, await authFor(s, as), { data, prepared });
      },
      activity: {
        kind: 'transaction',
        about: ({ publicKey }) => addressOf(publicKey),
        describe: (r) => ({
          detail: `sent ${ethers.formatEther(r.valueWei)} ETH to ${r.to}`,
          transactionHash: r.transactionHash,
        }),
      },
    },
    ceramicSession: {
      run: async ({ publicKey, resources, expiresInSecs, domain, payload, exportSession, as }) => {
        const s = ctx.services();
        const auth = await authFor(s, as);
        // Loaded on first use: did-session's DID stack would add a few hundred ms to every start.
        const { createCeramicSession } = await import('../../wallet/ceramic-session.ts');
        return createCeramicSession({
          publicKey,
          chainId: ctx.supervisor.status().chain.chainId,
          signPersonalMessage: async (message) => (await s.pkpWallet.signMessage(publicKey, message, auth)).signature,
          resources,
          expiresInSecs,
          domain,
          payload,
          exportSession,
        });
      },
      activity: {
        kind: 'message',
        about: ({ publicKey }) => addressOf(publicKey),
        // Not r.session: it holds the session key's seed.
        describe: (r) => ({
          detail: `Ceramic session: ${r.did} delegated ${r.resources.join(' ')} to ${r.sessionDid} until ${r.expiresAt} (CACAO ${r.cacaoCid})`,
        }),
      },
    },
  } satisfies Partial<CallTable>;
}
