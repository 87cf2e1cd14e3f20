import { AUTH_METHOD_SCOPE, AUTH_METHOD_TYPE, ContractCallError } from '../../shared/contracts/index.ts';
import type { SignAs } from '../../shared/api/contract.ts';
import { ethers } from 'ethers';
import { WalletInputError } from '../wallet/pkp-wallet-service.ts';
import { EncryptionInputError, EncryptionService } from '../wallet/encryption-service.ts';
import { DecryptionRefusedError } from '../lit-client/threshold-decryption.ts';
import { UnknownPkpError } from '../wallet/pkp-details-service.ts';
import type { ActivityKind, KnownPkp } from '../activity/activity-log.ts';
import { ActionFailedError, NotEnoughNodesError, SigningRefusedError } from '../lit-client/lit-client.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import type { WalletServices } from '../wallet-services.ts';
import type { WalletProvider } from '../provider/wallet-provider.ts';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { ApiFailure, type ApiHandlers } from './api-server.ts';
import { SignInFailure } from '../auth/sign-in-service.ts';
import { transactionDetail, type ChainTransfer } from '../wallet/address-history.ts';
import { decodeCall } from '../wallet/transaction-preview.ts';
import type { AccountHistoryEntry } from '../../shared/api/contract.ts';
import type { ActivityEntry } from '../activity/activity-log.ts';
import { CeramicUnavailableError, SocialInputError, type SocialService } from '../ceramic/social-service.ts';
import { verifyStream } from '../ceramic/stream-verifier.ts';

/** The host API's handlers: each call of the contract in app/shared/api, mapped to services. */
export function createApiHandlers(
  supervisor: Supervisor,
  wallet: () => WalletServices | undefined,
  walletProvider: () => WalletProvider | undefined = () => undefined,
  social: () => SocialService | undefined = () => undefined,
  ceramicUrl: () => string | undefined = () => undefined,
): ApiHandlers & { statusNow(): NetworkStatus } {
  const statusNow = (): NetworkStatus => {
    const p = walletProvider();
    return {
      ...supervisor.status(),
      provider: p?.url ? { url: p.url, approveAllFrom: p.state().approveAllFrom } : null,
    };
  };
  const socialOf = (): SocialService => {
    const s = social();
    if (!s)
      throw new ApiFailure(
        'unavailable',
        'the social example needs the Ceramic node: start Litbox with `litbox up --ceramic` (and wait for the network)',
      );
    return s;
  };
  const providerOf = (): WalletProvider => {
    const p = walletProvider();
    if (!p)
      throw new ApiFailure('unavailable', 'the wallet provider starts once the network is up; try again in a moment');
    return p;
  };
  const services = (): WalletServices => {
    const s = wallet();
    if (!s) throw new ApiFailure('unavailable', 'the network is still starting; try again in a moment');
    return s;
  };
  const nodeOf = (index: number) => {
    try {
      return supervisor.node(index);
    } catch (err) {
      throw new ApiFailure('not_found', (err as Error).message);
    }
  };
  const encryption = () => new EncryptionService(services().lit, () => supervisor.status().networkPublicKey);
  const pkpOf = (publicKey: string) => ethers.computeAddress(publicKey.startsWith('0x') ? publicKey : `0x${publicKey}`);
  /** Runs a wallet operation and records it in the activity log, whether it worked or not. */
  const logged = async <T>(
    kind: ActivityKind,
    pkp: string | null,
    describe: (result: T) => { detail: string; pkp?: string; transactionHash?: string; digest?: string },
    remember: boolean,
    run: () => Promise<T>,
  ): Promise<T> => {
    const log = services().activity;
    try {
      const result = await run();
      const d = describe(result);
      log.record({
        kind,
        pkp: d.pkp ?? pkp,
        result: 'ok',
        detail: d.detail,
        transactionHash: d.transactionHash ?? null,
        digest: d.digest ?? null,
      });
      if (remember) log.rememberPkp(result as unknown as KnownPkp);
      // A signature changes the status's lastSignature: push it to live readers now.
      supervisor.emit('change');
      return result;
    } catch (err) {
      log.record({ kind, pkp, result: 'failed', detail: (err as Error).message, transactionHash: null, digest: null });
      throw err;
    }
  };
  return {
    statusNow,
    activity: async ({ query }) => ({ entries: services().activity.search(query) }),
    status: async () => statusNow(),
    socialSetup: () => mapErrors(() => socialOf().setup()),
    socialPost: ({ text }) => mapErrors(() => socialOf().post(text)),
    socialLike: ({ postId }) => mapErrors(() => socialOf().like(postId)),
    verifyStream: ({ streamId, actions }) =>
      mapErrors(async () => {
        const url = ceramicUrl();
        if (!url)
          throw new ApiFailure(
            'unavailable',
            'verifying a stream needs the Ceramic node: start Litbox with `litbox up --ceramic`',
          );
        const s = services();
        return verifyStream({
          ceramicUrl: url,
          streamId,
          actions,
          pkpDetails: (publicKey) => s.pkpDetails.details(publicKey, s.account.address),
        });
      }),
    socialFeed: () =>
      mapErrors(async () => {
        const s = socialOf();
        const feed = await s.feed();
        return { app: s.app()!, posts: feed.posts, commits: feed.commits };
      }),
    providerState: async () => providerOf().state(),
    providerDecide: async ({ id, approve, publicKeys, as }) => {
      const p = providerOf();
      const waiting = p.state().pending.find((r) => r.id === id);
      if (!waiting)
        throw new ApiFailure('not_found', 'that request is no longer waiting (answered, withdrawn or timed out)');
      if (approve && waiting.kind === 'connect' && !publicKeys?.length)
        throw new ApiFailure('bad_request', 'choose at least one PKP the client may see');
      p.decide(id, approve ? { approve: true, publicKeys, as } : { approve: false, reason: 'rejected' });
      return p.state();
    },
    providerDisconnect: async ({ client }) => {
      const p = providerOf();
      if (!p.disconnect(client)) throw new ApiFailure('not_found', `${client} is not connected`);
      return p.state();
    },
    stopNode: async ({ index }) => {
      await nodeOf(index).stop();
      return supervisor.status();
    },
    startNode: async ({ index }) => {
      await nodeOf(index).start();
      return supervisor.status();
    },
    wallet: async () => {
      const s = services();
      return { address: s.account.address, balanceWei: (await s.balanceOf(s.account.address)).toString() };
    },
    pkpMint: () =>
      mapErrors(() =>
        logged(
          'mint',
          null,
          (r) => ({ detail: `minted ${r.ethAddress}`, pkp: r.ethAddress, transactionHash: r.transactionHash }),
          true,
          async () => {
            const started = performance.now();
            const { receipt: _receipt, ...pkp } = await services().pkps.mint();
            return { ...pkp, mintMs: Math.round(performance.now() - started) };
          },
        ),
      ),
    pkpList: async () => {
      const s = services();
      const owned = await s.pkps.listOwnedBy(s.account.address);
      const forAccounts = await Promise.all(
        s.signIn.current().map((a) => s.pkps.listForAuthMethod(AUTH_METHOD_TYPE.GoogleJwt, a.authMethodId)),
      );
      const unique = new Map([...owned, ...forAccounts.flat(), ...s.activity.knownPkps()].map((p) => [p.tokenId, p]));
      const names = s.names.all();
      return {
        pkps: await Promise.all(
          [...unique.values()].map(async (p) => {
            const [owner, balance] = await Promise.all([
              s.pkps.ownerLabel(p, s.account.address),
              s.balanceOf(p.ethAddress),
            ]);
            const name = names.get(p.ethAddress.toLowerCase());
            return { ...p, owner, balanceWei: balance.toString(), ...(name ? { name } : {}) };
          }),
        ),
      };
    },
    actionSave: async ({ code }) => ({ ipfsId: services().actions.save(code) }),
    actionRun: ({ code, ipfsId, jsParams }) =>
      mapErrors(() =>
        logged(
          'action',
          null,
          (r) => ({ detail: `ran ${r.ipfsId}; signatures: ${Object.keys(r.signatures).join(', ') || 'none'}` }),
          false,
          async () => {
            const s = services();
            const source = code ?? s.actions.get(ipfsId!);
            if (source === undefined)
              throw new ApiFailure('not_found', `no action ${ipfsId} in the local action store`);
            const cid = s.actions.save(source);
            return s.lit.executeJs({ code: source, ipfsId: cid, jsParams, authSig: await s.account.authSig() });
          },
        ),
      ),
    actionGrant: ({ publicKey, ipfsId, scope }) =>
      mapErrors(() =>
        logged(
          'grant',
          pkpOf(publicKey),
          (r) => ({ detail: `granted ${ipfsId}`, transactionHash: r.transactionHash }),
          false,
          async () => ({ transactionHash: await services().pkps.grantAction(publicKey, ipfsId, scope ?? 1) }),
        ),
      ),
    pkpMintGrantBurn: ({ ipfsId }) =>
      mapErrors(() =>
        logged(
          'mint',
          null,
          (r) => ({
            detail: `Mint/Grant/Burn ${r.ethAddress} for ${ipfsId}`,
            pkp: r.ethAddress,
            transactionHash: r.transactionHash,
          }),
          true,
          () => services().pkps.mintGrantAndBurn(ipfsId),
        ),
      ),
    verifyMintGrantBurn: (input) => services().verifyMintGrantBurn(input),
    pkpSign: ({ publicKey, toSign, as }) =>
      mapErrors(() =>
        logged(
          'signature',
          pkpOf(publicKey),
          () => ({ detail: 'signed a digest', digest: toSign }),
          false,
          async () => {
            const s = services();
            return s.lit.pkpSign({ publicKey, toSign, ...(await authFor(s, as)) });
          },
        ),
      ),
    signInStart: ({ provider }) =>
      mapErrors(async () => {
        try {
          return await services().signIn.start(provider ?? 'local');
        } catch (err) {
          throw new ApiFailure('bad_request', (err as Error).message);
        }
      }),
    signInFinish: ({ id }) =>
      mapErrors(async () => {
        const session = await services().signIn.finish(id);
        return { sub: session.sub, email: session.email, authMethodId: session.authMethodId };
      }),
    signInCancel: async ({ id }) => ({ cancelled: services().signIn.cancel(id) }),
    accounts: async () => ({
      accounts: services()
        .signIn.current()
        .map((a) => ({ sub: a.sub, email: a.email, authMethodId: a.authMethodId })),
    }),
    pkpMintForAccount: ({ account, sendPkpToItself }) =>
      mapErrors(() =>
        logged(
          'mint',
          null,
          (r) => ({
            detail: `minted ${r.ethAddress} for ${account} (owns itself)`,
            pkp: r.ethAddress,
            transactionHash: r.transactionHash,
          }),
          true,
          async () => {
            const s = services();
            const session = s.signIn.current().find((a) => a.sub === account);
            if (!session) throw new ApiFailure('forbidden', 'that account is not signed in; sign in first');
            const pkp = await s.permissions.mintWithAuthMethods(
              [
                {
                  authMethodType: AUTH_METHOD_TYPE.GoogleJwt,
                  id: session.authMethodId,
                  userPubkey: '0x',
                  scopes: [AUTH_METHOD_SCOPE.SignAnything],
                },
              ],
              { addPkpEthAddressAsPermittedAddress: true, sendPkpToItself: sendPkpToItself ?? true },
            );
            return { ...pkp, owner: sendPkpToItself === false ? 'wallet' : 'self' };
          },
        ),
      ),
    passkeyChallenge: async ({ purpose }) => {
      const s = services();
      return {
        challenge: purpose === 'register' ? s.passkeys.registrationChallenge() : await s.passkeys.loginChallenge(),
      };
    },
    pkpMintWithPasskey: ({ registration }) =>
      mapErrors(() =>
        logged(
          'mint',
          null,
          (r) => ({
            detail: `minted ${r.ethAddress} controlled by a passkey`,
            pkp: r.ethAddress,
            transactionHash: r.transactionHash,
          }),
          true,
          async () => {
            const s = services();
            const verified = await s.passkeys.checkRegistration(registration).catch((err: Error) => {
              throw new ApiFailure('bad_request', err.message);
            });
            const pkp = await s.permissions.mintWithAuthMethods(
              [
                {
                  authMethodType: AUTH_METHOD_TYPE.WebAuthn,
                  id: verified.authMethodId,
                  userPubkey: verified.userPubkey,
                  scopes: [AUTH_METHOD_SCOPE.SignAnything],
                },
              ],
              { addPkpEthAddressAsPermittedAddress: true, sendPkpToItself: true },
            );
            return { ...pkp, owner: 'self' };
          },
        ),
      ),
    pkpPermissionChange: ({ publicKey, change, as }) =>
      mapErrors(() =>
        logged(
          'permission',
          pkpOf(publicKey),
          (r) => ({ detail: change.kind, transactionHash: r.transactionHash }),
          false,
          async () => {
            const s = services();
            const receipt = await refusalsAsConflict(s.permissions.change(publicKey, change, await authFor(s, as)));
            return { transactionHash: receipt.hash };
          },
        ),
      ),
    setChainCheats: async ({ enabled }) => {
      supervisor.setChainCheats(enabled);
      return { cheats: enabled };
    },
    faucet: ({ address, amountEth }) =>
      mapErrors(() =>
        logged(
          'faucet',
          address,
          () => ({ detail: `faucet added ${amountEth ?? '10'} ETH` }),
          false,
          async () => ({
            balanceWei: (await services().faucet(address, ethers.parseEther(amountEth ?? '10'))).toString(),
          }),
        ),
      ),
    pkpRename: ({ publicKey, name }) =>
      mapErrors(async () => {
        const s = services();
        const address = pkpOf(publicKey);
        const known = s.activity.knownPkps().some((p) => p.ethAddress.toLowerCase() === address.toLowerCase());
        // Not one the wallet made: the chain must know it (details() refuses an unknown key).
        if (!known) await s.pkpDetails.details(publicKey, s.account.address);
        return { name: s.names.set(address, name) ?? null };
      }),
    accountHistory: ({ address }) =>
      mapErrors(async () => {
        const s = services();
        return { entries: accountHistory(address, await s.history.of(address), s.activity.search(address, 500)) };
      }),
    transaction: ({ hash }) =>
      mapErrors(async () => {
        const s = services();
        const tx = await transactionDetail(s.provider, hash);
        if (!tx) throw new ApiFailure('not_found', `no transaction ${hash} on the sandbox chain`);
        const decoded = tx.to
          ? decodeCall(tx.to, tx.data, BigInt(tx.valueWei), supervisor.status().contracts)
          : undefined;
        return { ...tx, decoded: decoded ?? null };
      }),
    pkpDetails: ({ publicKey }) =>
      mapErrors(async () => {
        const s = services();
        return s.pkpDetails.details(publicKey, s.account.address);
      }),
    pkpTransactionPreview: ({ publicKey, ...request }) =>
      mapErrors(async () => services().pkpWallet.preview(publicKey, request)),
    pkpSignTransactionForChain: ({ publicKey, as, ...tx }) =>
      mapErrors(() =>
        logged(
          'transaction',
          pkpOf(publicKey),
          (r) => ({ detail: `signed a transaction for chain id ${tx.chainId} (not sent)`, digest: r.hash }),
          false,
          async () => {
            const s = services();
            return s.pkpWallet.signTransactionForChain(publicKey, tx, await authFor(s, as));
          },
        ),
      ),
    pkpSend: ({ publicKey, to, valueEth, data, prepared, as }) =>
      mapErrors(() =>
        logged(
          'transaction',
          pkpOf(publicKey),
          (r) => ({
            detail: `sent ${ethers.formatEther(r.valueWei)} ETH to ${r.to}`,
            transactionHash: r.transactionHash,
          }),
          false,
          async () => {
            const s = services();
            return s.pkpWallet.send(publicKey, to, valueEth, await authFor(s, as), { data, prepared });
          },
        ),
      ),
    pkpSignMessage: ({ publicKey, message, as }) =>
      mapErrors(() =>
        logged(
          'message',
          pkpOf(publicKey),
          () => ({ detail: 'signed a personal message (EIP-191)' }),
          false,
          async () => {
            const s = services();
            return s.pkpWallet.signMessage(publicKey, message, await authFor(s, as));
          },
        ),
      ),
    pkpSignTypedData: ({ publicKey, typedData, as }) =>
      mapErrors(() =>
        logged(
          'typed-data',
          pkpOf(publicKey),
          (r) => ({ detail: 'signed typed data (EIP-712)', digest: r.digest }),
          false,
          async () => {
            const s = services();
            return s.pkpWallet.signTypedData(publicKey, typedData as never, await authFor(s, as));
          },
        ),
      ),
    passkeyAdd: ({ publicKey, registration, as }) =>
      mapErrors(() =>
        logged(
          'grant',
          pkpOf(publicKey),
          (r) => ({ detail: 'added a passkey', transactionHash: r.transactionHash }),
          false,
          async () => {
            const s = services();
            const verified = await s.passkeys.checkRegistration(registration).catch((err: Error) => {
              throw new ApiFailure('bad_request', err.message);
            });
            const receipt = await refusalsAsConflict(
              s.permissions.change(
                publicKey,
                {
                  kind: 'addAuthMethod',
                  method: {
                    authMethodType: AUTH_METHOD_TYPE.WebAuthn,
                    id: verified.authMethodId,
                    userPubkey: verified.userPubkey,
                    scopes: [AUTH_METHOD_SCOPE.SignAnything],
                  },
                },
                await authFor(s, as),
              ),
            );
            return { transactionHash: receipt.hash, authMethodId: verified.authMethodId };
          },
        ),
      ),
    encrypt: (input) =>
      mapErrors(() =>
        logged(
          'encryption',
          null,
          (r) => ({
            detail: `encrypted ${r.fileName ?? 'a text'} under ${r.accessControlConditions.length === 1 ? '1 condition' : `${(r.accessControlConditions.length + 1) / 2} conditions`}`,
            digest: `0x${r.dataToEncryptHash}`,
          }),
          false,
          () => encryption().encrypt(input),
        ),
      ),
    decrypt: ({ encrypted, as, pkpPublicKey }) =>
      mapErrors(() =>
        logged(
          'decryption',
          pkpPublicKey ? pkpOf(pkpPublicKey) : null,
          (r) => ({
            detail: `decrypted ${encrypted.fileName ?? 'a text'} for ${r.userAddress ?? 'the requester'} with shares of nodes ${r.nodes.join(', ')}`,
            digest: `0x${encrypted.dataToEncryptHash}`,
          }),
          false,
          async () => encryption().decrypt(encrypted, await authFor(services(), as), pkpPublicKey),
        ),
      ),
    ceramicSession: ({ publicKey, resources, expiresInSecs, domain, payload, exportSession, as }) =>
      mapErrors(() =>
        logged(
          'message',
          pkpOf(publicKey),
          // The session key's seed (r.session) stays out of the log.
          (r) => ({
            detail: `Ceramic session: ${r.did} delegated ${r.resources.join(' ')} to ${r.sessionDid} until ${r.expiresAt} (CACAO ${r.cacaoCid})`,
          }),
          false,
          async () => {
            const s = services();
            const auth = await authFor(s, as);
            const key = publicKey.startsWith('0x') ? publicKey : `0x${publicKey}`;
            // Loaded on first use: did-session's DID stack would add a few hundred ms to every start.
            const { createCeramicSession } = await import('../wallet/ceramic-session.ts');
            return createCeramicSession({
              publicKey: key,
              chainId: supervisor.status().chain.chainId,
              signPersonalMessage: async (message) => (await s.pkpWallet.signMessage(key, message, auth)).signature,
              resources,
              expiresInSecs,
              domain,
              payload,
              exportSession,
            });
          },
        ),
      ),
  };
}

/** The proof for the nodes of who signs: the wallet's auth sig, an account's token, a passkey assertion. */
export async function authFor(s: WalletServices, as: SignAs | undefined) {
  if (!as || 'wallet' in as) return { authSig: await s.account.authSig() };
  if ('account' in as) {
    try {
      return { authMethods: [s.signIn.proofFor(as.account)] };
    } catch (err) {
      throw new ApiFailure('forbidden', (err as Error).message);
    }
  }
  return { authMethods: [{ authMethodType: AUTH_METHOD_TYPE.WebAuthn, accessToken: as.passkey }] };
}

/**
 * The permission service's refusals about who may change a PKP (burned, owned by another
 * account, owns itself and no auth given) are expected answers: 409 with the message, not 500.
 */
async function refusalsAsConflict<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof Error && /^this PKP (is burned|is owned by|owns itself)/.test(err.message))
      throw new ApiFailure('conflict', err.message);
    throw err;
  }
}

/** Known failures become API errors a person can act on. */
async function mapErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof SigningRefusedError) throw new ApiFailure('forbidden', err.message);
    if (err instanceof NotEnoughNodesError) throw new ApiFailure('unavailable', err.message);
    if (err instanceof ActionFailedError)
      throw new ApiFailure(
        'bad_request',
        `the action failed (${err.kind}): ${err.message}${err.logs ? `\nlogs:\n${err.logs}` : ''}`,
      );
    if (err instanceof ContractCallError) throw new ApiFailure('conflict', err.message);
    if (err instanceof WalletInputError)
      throw new ApiFailure('bad_request', `${err.field}: ${err.message}`, { [err.field]: err.message });
    if (err instanceof EncryptionInputError) throw new ApiFailure('bad_request', err.message, err.fields);
    if (err instanceof DecryptionRefusedError)
      throw new ApiFailure(
        err.invalid ? 'bad_request' : 'forbidden',
        err.reasons.length ? `${err.message}\n${err.reasons.join('\n')}` : err.message,
      );
    if (err instanceof UnknownPkpError) throw new ApiFailure('not_found', err.message);
    if (err instanceof SocialInputError) throw new ApiFailure('bad_request', err.message);
    if (err instanceof CeramicUnavailableError) throw new ApiFailure('unavailable', err.message);
    if (err instanceof SignInFailure)
      // 409 only for "not yet": the UI asks again on that one.
      throw new ApiFailure(
        err.kind === 'unknown' ? 'not_found' : err.kind === 'pending' ? 'conflict' : 'bad_request',
        err.message,
      );
    throw err;
  }
}

/**
 * One account's history: each chain transaction from or to it (what the wallet logged for the
 * same hash adds its words), then what the wallet did for it off-chain (faucet, signatures).
 */
function accountHistory(address: string, transfers: ChainTransfer[], logged: ActivityEntry[]): AccountHistoryEntry[] {
  const me = address.toLowerCase();
  const byHash = new Map(logged.filter((e) => e.transactionHash).map((e) => [e.transactionHash!.toLowerCase(), e]));
  const entries: AccountHistoryEntry[] = transfers.map((t) => {
    const outgoing = t.from.toLowerCase() === me;
    const known = byHash.get(t.transactionHash.toLowerCase());
    const value = BigInt(t.valueWei);
    // Moving ETH reads as sent/received; a call keeps what the wallet logged it as (permission, grant…).
    const kind = value > 0n ? (outgoing ? 'sent' : 'received') : (known?.kind ?? (outgoing ? 'call' : 'called'));
    return {
      at: t.at,
      source: 'chain',
      kind,
      direction: outgoing ? 'out' : 'in',
      counterparty: outgoing ? t.to : t.from,
      valueWei: t.valueWei,
      result: t.status === 'success' ? 'ok' : 'failed',
      detail:
        known?.detail ??
        (outgoing
          ? `${t.selector ? `called ${t.selector} on` : 'sent to'} ${t.to ?? 'a new contract'}`
          : `from ${t.from}`),
      transactionHash: t.transactionHash,
      digest: null,
      blockNumber: t.blockNumber,
    };
  });
  const onChain = new Set(transfers.map((t) => t.transactionHash.toLowerCase()));
  for (const e of logged) {
    // Only what the wallet did for this account (a search by address also finds sends *to* it).
    if (e.pkp?.toLowerCase() !== me) continue;
    if (e.transactionHash && onChain.has(e.transactionHash.toLowerCase())) continue;
    entries.push({
      at: e.at,
      source: 'wallet',
      kind: e.kind,
      direction: e.kind === 'faucet' ? 'in' : 'none',
      counterparty: null,
      valueWei: null,
      result: e.result,
      detail: e.detail,
      transactionHash: e.transactionHash,
      digest: e.digest,
      blockNumber: null,
    });
  }
  return entries.sort((a, b) => b.at - a.at);
}
