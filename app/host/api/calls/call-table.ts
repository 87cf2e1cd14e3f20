import { ethers } from 'ethers';
import type { ApiCallName, ApiOutput, ApiParsedInput, NetworkStatus, SignAs } from '../../../shared/api/contract.ts';
import { AUTH_METHOD_TYPE } from '../../../shared/contracts/index.ts';
import type { ActivityKind, KnownPkp } from '../../activity/activity-log.ts';
import type { SocialService } from '../../ceramic/social-service.ts';
import type { WalletProvider } from '../../provider/wallet-provider.ts';
import type { Supervisor } from '../../supervisor/supervisor.ts';
import type { WalletServices } from '../../wallet-services.ts';
import type { PublicKey } from '../../../shared/wire-values.ts';
import { ApiFailure } from '../api-server.ts';

/**
 * The activity entry a call writes, declared beside the call: the server's dispatcher
 * (api-handlers.ts) writes it when the call ends, "ok" with `describe`'s words or "failed" with
 * the error's message. What is not in `describe` is not logged (secrets stay out by leaving
 * them out here).
 */
export interface ActivityDeclaration<N extends ApiCallName> {
  kind: ActivityKind;
  /** The address the entry is about, from the input (a PKP's, a faucet's recipient); null for none. */
  about?: (input: ApiParsedInput<N>) => string | null;
  /** The words of an "ok" entry; `pkp` overrides `about` (a mint names the PKP it made). */
  describe: (
    result: ApiOutput<N>,
    input: ApiParsedInput<N>,
  ) => { detail: string; pkp?: string; transactionHash?: string; digest?: string };
  /** The result is a PKP the wallet made: the wallet remembers it (pkpList shows it). */
  remembersPkp?: ApiOutput<N> extends KnownPkp ? true : never;
}

/** One call of the contract: what it does, and the activity entry it writes, if any. */
export interface CallHandler<N extends ApiCallName> {
  run: (input: ApiParsedInput<N>) => Promise<ApiOutput<N>>;
  activity?: ActivityDeclaration<N>;
}

/** Every call of the contract with its handler: a call left out is a type error. */
export type CallTable = { [N in ApiCallName]: CallHandler<N> };

/** What a group of calls may use: the services, each refusing with 503 while it is not there yet. */
export interface CallContext {
  supervisor: Supervisor;
  /** The network's status with the wallet provider's endpoint. */
  statusNow(): NetworkStatus;
  services(): WalletServices;
  provider(): WalletProvider;
  social(): SocialService;
  /** The Ceramic node's URL when the host was started with --ceramic. */
  ceramicUrl(): string | undefined;
}

export interface CallContextSources {
  supervisor: Supervisor;
  wallet: () => WalletServices | undefined;
  walletProvider: () => WalletProvider | undefined;
  social: () => SocialService | undefined;
  ceramicUrl: () => string | undefined;
}

export function callContext(sources: CallContextSources): CallContext {
  const { supervisor } = sources;
  return {
    supervisor,
    statusNow: () => {
      const p = sources.walletProvider();
      return {
        ...supervisor.status(),
        provider: p?.url ? { url: p.url, approveAllFrom: p.state().approveAllFrom } : null,
      };
    },
    services: () => {
      const s = sources.wallet();
      if (!s) throw new ApiFailure('unavailable', 'the network is still starting; try again in a moment');
      return s;
    },
    provider: () => {
      const p = sources.walletProvider();
      if (!p)
        throw new ApiFailure('unavailable', 'the wallet provider starts once the network is up; try again in a moment');
      return p;
    },
    social: () => {
      const s = sources.social();
      if (!s)
        throw new ApiFailure(
          'unavailable',
          'the social example needs the Ceramic node: start Litbox with `litbox up --ceramic` (and wait for the network)',
        );
      return s;
    },
    ceramicUrl: sources.ceramicUrl,
  };
}

/** A PKP's address from its (parsed, 0x-prefixed) public key: what activity entries name. */
export const addressOf = (publicKey: PublicKey): string => ethers.computeAddress(publicKey);

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
