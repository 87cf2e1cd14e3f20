import { randomBytes } from 'node:crypto';
import { SiweMessage } from 'siwe';
import { ZeroHash, type Wallet } from 'ethers';
import type { AuthSig } from '../../shared/node-api.ts';
import { LITBOX_SIWE_DOMAIN, LITBOX_SIWE_URI } from '../../shared/siwe-domain.ts';

const AUTH_SIG_LIFETIME_MS = 24 * 60 * 60 * 1000;
const RENEW_BEFORE_MS = 60 * 60 * 1000;

/**
 * The wallet's own Ethereum account. Its key comes from the vault and stays in this
 * process; what leaves is its address and the auth sigs it signs (SIWE, EIP-191) to prove
 * to the nodes who asks.
 */
export class WalletAccount {
  private readonly wallet: Wallet;
  private readonly chainId: number;
  private cached: { authSig: AuthSig; expiresAt: number } | undefined;

  constructor(wallet: Wallet, chainId: number) {
    this.wallet = wallet;
    this.chainId = chainId;
  }

  get address(): string {
    return this.wallet.address;
  }

  /**
   * Builds the curve tables a first signature needs (about 45 ms of CPU) now, once the host has
   * started, rather than in the person's first mint or signature; the signature is dropped.
   */
  warmUp(): void {
    this.wallet.signingKey.sign(ZeroHash);
  }

  /** A SIWE auth sig for the nodes, reused until an hour before it expires. */
  async authSig(): Promise<AuthSig> {
    if (this.cached && this.cached.expiresAt - Date.now() > RENEW_BEFORE_MS) return this.cached.authSig;
    const now = Date.now();
    const message = new SiweMessage({
      domain: LITBOX_SIWE_DOMAIN,
      address: this.wallet.address,
      statement: 'Litbox: this wallet may sign with its PKPs.',
      uri: LITBOX_SIWE_URI,
      version: '1',
      chainId: this.chainId,
      nonce: randomBytes(12).toString('hex'),
      issuedAt: new Date(now).toISOString(),
      expirationTime: new Date(now + AUTH_SIG_LIFETIME_MS).toISOString(),
    }).prepareMessage();
    const authSig: AuthSig = {
      sig: await this.wallet.signMessage(message),
      derivedVia: 'web3.eth.personal.sign',
      signedMessage: message,
      address: this.wallet.address,
    };
    this.cached = { authSig, expiresAt: now + AUTH_SIG_LIFETIME_MS };
    return authSig;
  }
}
