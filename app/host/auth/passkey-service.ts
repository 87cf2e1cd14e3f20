import { randomBytes } from 'node:crypto';
import type { JsonRpcProvider } from 'ethers';
import { LITBOX_RP_ID } from '../../shared/webauthn/index.ts';
import { verifyPasskeyRegistration } from '../../shared/webauthn/registration.ts';

/** Login challenges must be recent block hashes; an idle anvil needs a fresh block now and then. */
const MAX_CHALLENGE_BLOCK_AGE_S = 300;

/**
 * The host's part of passkeys: challenges (random for a registration, a recent block hash
 * for a login, as the nodes expect) and the check of a registration before its COSE key goes
 * on chain.
 */
export class PasskeyService {
  private readonly provider: JsonRpcProvider;
  private readonly origins: () => string[];
  private readonly registrationChallenges = new Map<string, number>();

  constructor(provider: JsonRpcProvider, origins: () => string[]) {
    this.provider = provider;
    this.origins = origins;
  }

  /** A registration challenge (random, single use, 10 minutes). */
  registrationChallenge(): string {
    const now = Date.now();
    for (const [c, at] of this.registrationChallenges) if (now - at > 600_000) this.registrationChallenges.delete(c);
    const challenge = `0x${randomBytes(32).toString('hex')}`;
    this.registrationChallenges.set(challenge, now);
    return challenge;
  }

  /** A login challenge: the latest block hash, mining a block first when the latest is old. */
  async loginChallenge(): Promise<string> {
    let block = await this.provider.getBlock('latest');
    if (!block || Date.now() / 1000 - block.timestamp > MAX_CHALLENGE_BLOCK_AGE_S) {
      await this.provider.send('evm_mine', []);
      block = await this.provider.getBlock('latest');
    }
    if (!block?.hash) throw new Error('the chain gave no latest block');
    return block.hash;
  }

  /** Checks a registration made over one of our challenges; the key and id to put on chain. */
  async checkRegistration(registrationJson: string) {
    let response: unknown;
    try {
      response = JSON.parse(registrationJson);
    } catch {
      throw new Error('the passkey registration is not JSON');
    }
    const verified = await verifyPasskeyRegistration({
      response,
      expectedChallenges: [...this.registrationChallenges.keys()],
      allowedOrigins: this.origins(),
      rpId: LITBOX_RP_ID,
    });
    this.registrationChallenges.delete(verified.challenge);
    return verified;
  }
}
