import { createHash } from 'node:crypto';
import { SiweMessage } from 'siwe';
import { getAddress, hexlify, randomBytes, Wallet } from 'ethers';
import type { AuthSig } from '../../shared/node-api.ts';
import { LITBOX_SIWE_DOMAIN, LITBOX_SIWE_URI } from '../../shared/siwe-domain.ts';
import { NodeRequestError } from '../node-request-error.ts';

const MAX_CACHE = 10_000;

/**
 * Who is asking, and may they sign with this PKP. An auth sig is a SIWE message signed
 * (EIP-191) by the requester; it is checked once and remembered until it expires, since
 * clients reuse one for a whole session.
 *
 * Only a SIWE made for Litbox counts: its domain, its chain id (this network's) and its URI
 * (Litbox's, or Litbox's listed among its resources). A SIWE the person signed for some other
 * app on http://localhost has another URI or resources, so it cannot be replayed here.
 */
export class RequesterAuth {
  private readonly chainId: number;
  private readonly verified = new Map<string, { address: string; expiresAt: number }>();
  private readonly checking = new Map<string, Promise<string>>();
  /** Which auth sig each (address, SIWE nonce) belongs to, until that auth sig expires. */
  private readonly nonces = new Map<string, { authSig: string; expiresAt: number }>();

  constructor(options: { chainId: number }) {
    this.chainId = options.chainId;
  }

  /** The address that signed the auth sig; throws 401 with the reason otherwise. */
  async verifyAuthSig(authSig: AuthSig): Promise<string> {
    const key = createHash('sha256').update(authSig.sig).update(authSig.signedMessage).digest('hex');
    const hit = this.verified.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.address;
    // One check per auth sig at a time: a node that just (re)started gets the client's whole
    // burst with the same auth sig, and a cold check costs ~100 ms; all of them wait for one.
    let checking = this.checking.get(key);
    if (!checking) {
      checking = this.check(authSig, key).finally(() => this.checking.delete(key));
      this.checking.set(key, checking);
    }
    return checking;
  }

  /**
   * Checks a throwaway auth sig as a request's is checked (verify), remembering nothing. A node
   * restarted into a serving network does this while its runner starts: the first check in a
   * process costs about 50 ms (the curve's tables, the SIWE parser), and with N − T others down
   * every request waited for it at this node.
   */
  async warmUp(): Promise<void> {
    const wallet = new Wallet(hexlify(randomBytes(32)));
    const now = Date.now();
    const signedMessage = new SiweMessage({
      domain: LITBOX_SIWE_DOMAIN,
      address: wallet.address,
      uri: LITBOX_SIWE_URI,
      version: '1',
      chainId: this.chainId,
      nonce: hexlify(randomBytes(8)).slice(2),
      issuedAt: new Date(now).toISOString(),
      expirationTime: new Date(now + 60_000).toISOString(),
    }).prepareMessage();
    const sig = await wallet.signMessage(signedMessage);
    await this.verify({ sig, signedMessage, address: wallet.address, derivedVia: 'web3.eth.personal.sign' });
  }

  private async check(authSig: AuthSig, key: string): Promise<string> {
    const { address, nonce, expiresAt } = await this.verify(authSig);
    // A nonce is used by one auth sig: the same auth sig may be shown again until it expires (it
    // is a session), but another message carrying a nonce already seen is a replay.
    this.rememberNonce(`${address}:${nonce}`, key, expiresAt);
    if (this.verified.size >= MAX_CACHE) this.verified.clear();
    this.verified.set(key, { address, expiresAt });
    return address;
  }

  /** Checks the auth sig itself (a SIWE for Litbox, unexpired, signed by its address); keeps nothing. */
  private async verify(authSig: AuthSig): Promise<{ address: string; nonce: string; expiresAt: number }> {
    let message: SiweMessage;
    try {
      message = new SiweMessage(authSig.signedMessage);
    } catch {
      throw new NodeRequestError(401, 'bad_auth_sig', 'the auth sig is not a SIWE (EIP-4361) message');
    }
    if (message.domain !== LITBOX_SIWE_DOMAIN)
      throw new NodeRequestError(
        401,
        'bad_auth_sig',
        `the auth sig is for ${message.domain}, not ${LITBOX_SIWE_DOMAIN}`,
      );
    const forLitbox = message.uri === LITBOX_SIWE_URI || (message.resources ?? []).includes(LITBOX_SIWE_URI);
    if (!forLitbox)
      throw new NodeRequestError(
        401,
        'bad_auth_sig',
        `the auth sig is for URI ${message.uri}, not Litbox's ${LITBOX_SIWE_URI} (nor does it list ${LITBOX_SIWE_URI} among its resources): a sign-in made for another app is not a Litbox session`,
      );
    if (message.chainId !== this.chainId)
      throw new NodeRequestError(
        401,
        'bad_auth_sig',
        `the auth sig is for chain id ${message.chainId}, not this network's ${this.chainId}`,
      );
    if (!message.expirationTime) throw new NodeRequestError(401, 'bad_auth_sig', 'the auth sig has no expiration time');
    const expiresAt = Date.parse(message.expirationTime);
    if (!(expiresAt > Date.now()))
      throw new NodeRequestError(401, 'expired_auth_sig', 'the auth sig has expired; sign in again');
    try {
      await message.verify({ signature: authSig.sig, domain: LITBOX_SIWE_DOMAIN, time: new Date().toISOString() });
    } catch {
      throw new NodeRequestError(401, 'bad_auth_sig', 'the auth sig signature does not match its message');
    }
    const address = getAddress(message.address);
    if (getAddress(authSig.address) !== address)
      throw new NodeRequestError(401, 'bad_auth_sig', 'the auth sig address does not match the signer');
    return { address, nonce: message.nonce, expiresAt };
  }

  private rememberNonce(nonce: string, authSig: string, expiresAt: number): void {
    const now = Date.now();
    const seen = this.nonces.get(nonce);
    if (seen && seen.expiresAt > now && seen.authSig !== authSig)
      throw new NodeRequestError(
        401,
        'reused_nonce',
        'the auth sig reuses the nonce of another auth sig of this address; sign a new one with a fresh nonce',
      );
    if (this.nonces.size >= MAX_CACHE) {
      for (const [k, v] of this.nonces) if (v.expiresAt <= now) this.nonces.delete(k);
      // Still full: forget the oldest (a node keeps at most MAX_CACHE nonces in memory).
      for (const k of this.nonces.keys()) {
        if (this.nonces.size < MAX_CACHE) break;
        this.nonces.delete(k);
      }
    }
    this.nonces.set(nonce, { authSig, expiresAt });
  }
}
