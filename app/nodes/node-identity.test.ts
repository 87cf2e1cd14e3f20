import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { identityFromSecrets, newIdentitySecrets } from './node-identity.ts';

describe('node identity', () => {
  it("gives the chain key's address without making the signer, the same address ethers gives", () => {
    for (let i = 0; i < 5; i++) {
      const secrets = newIdentitySecrets();
      const identity = identityFromSecrets(secrets);
      expect(identity.chainAddress).toBe(new Wallet(secrets.chainKey).address);
      expect(identity.chainKey.address).toBe(identity.chainAddress);
    }
  });
});
