/**
 * Prints the figures issue 3 asks for: compile time, genesis time (deploy + register 7 nodes),
 * and the gas of mintNext, mintNextAndAddAuthMethods (one auth method, sendPkpToItself) and
 * mintGrantAndBurnNext, on a fresh anvil.   npx --no node contracts/measure.ts
 */
import { keccak256, toUtf8Bytes } from 'ethers';
import { compileContracts } from './compile.ts';
import { deployTestNetwork, fundedWallet, mined, randomActionId, routedKey, startChain } from './test-support.ts';
import { AUTH_METHOD_SCOPE, AUTH_METHOD_TYPE, KEY_TYPE } from '../app/shared/contracts/index.ts';

const compile = compileContracts();
console.log(`compile (solc-js ${compile.solcVersion.split('+')[0]}): ${(compile.ms / 1000).toFixed(2)} s`);

const chain = await startChain();
try {
  const net = await deployTestNetwork(chain, 7);
  console.log(`genesis (deploy 8 contracts, wire, register 7 nodes): ${net.genesisMs.toFixed(0)} ms`);
  const user = await fundedWallet(chain);

  await routedKey(net);
  const mint = await mined(net.c.PKPNFT.connect(user).mintNext(KEY_TYPE.ECDSA, { value: 1n }));
  console.log(`gas mintNext: ${mint.gasUsed}`);

  await routedKey(net);
  const helper = await mined(
    net.c.PKPHelper.connect(user).mintNextAndAddAuthMethods(
      KEY_TYPE.ECDSA,
      [AUTH_METHOD_TYPE.WebAuthn],
      [keccak256(toUtf8Bytes('credential-raw-id:lit'))],
      [`0xa5010203262001215820${'11'.repeat(32)}225820${'22'.repeat(32)}`],
      [[AUTH_METHOD_SCOPE.SignAnything]],
      true,
      true,
      { value: 1n },
    ),
  );
  console.log(`gas mintNextAndAddAuthMethods (1 WebAuthn method, add PKP address, sendPkpToItself): ${helper.gasUsed}`);

  await routedKey(net);
  const mgb = await mined(
    net.c.PKPNFT.connect(user).mintGrantAndBurnNext(KEY_TYPE.ECDSA, randomActionId(), { value: 1n }),
  );
  console.log(`gas mintGrantAndBurnNext: ${mgb.gasUsed}`);
} finally {
  await chain.anvil.stop();
}
