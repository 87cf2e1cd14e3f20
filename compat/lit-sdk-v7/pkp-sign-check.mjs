/* global process, console, performance, setTimeout */
// Lit's own v7 SDK, unchanged, signs with a PKP on a running Litbox sandbox: a wallet's session
// signatures, then `pkpSign` (one request to every node, no presignature named: the nodes agree
// on one). Also the SDK's errors for a PKP the wallet may not use and a key that is no PKP.
// Prints one line `litbox-result: {json}`.
//
//   LITBOX_EOA_KEY=0x… node pkp-sign-check.mjs <datil-contract-context.json> <chain rpc url> \
//     <pkp public key> <other pkp public key> [calls]
//
// The wallet (LITBOX_EOA_KEY, kept out of argv) must own the first PKP or be permitted on it
// with SignAnything (`litbox pkp permit --scope 1`), and have no right on the second.
// app/host/lit-sdk/lit-sdk-v7-pkp-sign.int.test.ts runs it against a fresh sandbox.
import fs from 'node:fs';
import { LitNodeClient } from '@lit-protocol/lit-node-client';
import { LitPKPResource } from '@lit-protocol/auth-helpers';
import { LIT_ABILITY } from '@lit-protocol/constants';
import { ethers } from 'ethers';
import { failureOf, walletSessionSigs } from './session.mjs';

const [contractContextPath, rpcUrl, pkpPublicKey, otherPublicKey, callsArg] = process.argv.slice(2);
const eoaKey = process.env.LITBOX_EOA_KEY;
if (!contractContextPath || !rpcUrl || !pkpPublicKey || !otherPublicKey || !eoaKey) {
  console.error(
    'usage: LITBOX_EOA_KEY=0x… node pkp-sign-check.mjs <datil-contract-context.json> <rpc url> <pkp pubkey> <other pkp pubkey> [calls]',
  );
  process.exit(2);
}
const calls = Number(callsArg ?? 10);

const client = new LitNodeClient({
  litNetwork: 'custom',
  contractContext: JSON.parse(fs.readFileSync(contractContextPath, 'utf8')),
  rpcUrl,
  checkNodeAttestation: false,
  debug: false,
});
await client.connect();
try {
  const wallet = new ethers.Wallet(eoaKey);
  const sessionSigs = await walletSessionSigs(client, wallet, [
    { resource: new LitPKPResource('*'), ability: LIT_ABILITY.PKPSigning },
  ]);
  // A node takes two presignatures a second from one requester (a burst of ten aside).
  const pace = async (sinceMs) => new Promise((r) => setTimeout(r, Math.max(0, 520 - sinceMs)));

  const signatures = [];
  for (let i = 0; i < calls; i++) {
    const message = ethers.utils.toUtf8Bytes(`litbox v7 pkpSign #${i} ${Date.now()}`);
    const digest = ethers.utils.arrayify(ethers.utils.keccak256(message));
    const started = performance.now();
    // v7 signs the bytes it is given: the caller hashes.
    const signature = await client.pkpSign({ pubKey: pkpPublicKey, toSign: digest, sessionSigs });
    const ms = performance.now() - started;
    signatures.push({
      digest: ethers.utils.hexlify(digest),
      ms: Math.round(ms),
      signature: signature.signature,
      publicKey: signature.publicKey,
    });
    await pace(ms);
  }

  const digest = ethers.utils.arrayify(ethers.utils.keccak256(ethers.utils.toUtf8Bytes('not mine')));
  const notPermitted = await failureOf(() => client.pkpSign({ pubKey: otherPublicKey, toSign: digest, sessionSigs }));
  const stranger = ethers.Wallet.createRandom().publicKey; // 0x04…, no PKP of this network
  const notAPkp = await failureOf(() => client.pkpSign({ pubKey: stranger, toSign: digest, sessionSigs }));

  console.log(
    `litbox-result: ${JSON.stringify({
      address: wallet.address,
      signatures,
      refusals: { notPermitted, notAPkp },
      // For the test to play the SDK itself: each node's own session signature.
      sessionSigs,
    })}`,
  );
} finally {
  await client.disconnect();
}
process.exit(0);
