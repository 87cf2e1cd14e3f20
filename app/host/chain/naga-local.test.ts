import { createRequire } from 'node:module';
import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { LIT_SDK_WORKSPACE, litSdkInstalled } from '../../../testing/lit-sdk-workspace.ts';
import { ANVIL_ACCOUNT_0, NAGA_LOCAL_ADDRESSES, NAGA_LOCAL_NONCES, nagaLocalAddressAt } from './naga-local.ts';

describe('nagaLocal default addresses', () => {
  it('are the CREATE addresses of anvil account #0 at the recorded nonces', () => {
    expect(new Wallet(ANVIL_ACCOUNT_0.privateKey).address).toBe(ANVIL_ACCOUNT_0.address);
    for (const [name, nonce] of Object.entries(NAGA_LOCAL_NONCES)) {
      const wanted = NAGA_LOCAL_ADDRESSES[name as keyof typeof NAGA_LOCAL_ADDRESSES];
      expect(nagaLocalAddressAt(nonce), name).toBe(wanted);
    }
  });

  it.skipIf(!litSdkInstalled('the nagaLocal address check'))(
    'are the ones the installed SDK’s nagaLocal reads (its naga-develop signatures)',
    () => {
      const require = createRequire(`${LIT_SDK_WORKSPACE}/`);
      // The file nagaLocal's environment loads its default signatures from (not an export of the package).
      const generated = `${LIT_SDK_WORKSPACE}/node_modules/@lit-protocol/networks/src/networks/vNaga/envs/naga-local/generated/naga-develop.js`;
      const { signatures } = require(generated) as { signatures: Record<string, { address: string }> };
      for (const [name, address] of Object.entries(NAGA_LOCAL_ADDRESSES))
        expect(signatures[name]?.address, name).toBe(address);
    },
  );
});
