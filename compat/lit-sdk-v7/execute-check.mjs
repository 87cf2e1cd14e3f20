/* global process, console, performance, setTimeout, crypto */
// Lit's own v7 SDK, unchanged, runs a Lit Action on a running Litbox sandbox: a wallet's session
// signatures, then `executeJs` (one request to every node; each runs the action, the user's
// jsParams as globals) whose Lit.Actions.signEcdsa the nodes sign together and whose
// Lit.Actions.setResponse comes back. The code goes inline, and once by `ipfsId` alone (the action
// must be in the sandbox's store: `litbox action add FILE`). Also the SDK's error for a PKP the
// wallet may not use. Prints one line `litbox-result: {json}`.
//
//   LITBOX_EOA_KEY=0x… node execute-check.mjs <datil-contract-context.json> <chain rpc url> \
//     <action file> <its CID> <pkp public key> <other pkp public key> [calls]
//
// The action signs `toSign` with `publicKey` (both globals) under the name `sig` and answers
// `signed <label>`. The wallet (LITBOX_EOA_KEY, kept out of argv) must own the first PKP or be
// permitted on it with SignAnything, and have no right on the second.
// app/host/lit-sdk/lit-sdk-v7-execute.int.test.ts runs it against a fresh sandbox.
import fs from 'node:fs';
import { LitNodeClient } from '@lit-protocol/lit-node-client';
import { LitActionResource } from '@lit-protocol/auth-helpers';
import { LIT_ABILITY } from '@lit-protocol/constants';
import { ethers } from 'ethers';
import { failureOf, walletSessionSigs } from './session.mjs';

const [contractContextPath, rpcUrl, actionFile, ipfsId, pkpPublicKey, otherPublicKey, callsArg] = process.argv.slice(2);
const eoaKey = process.env.LITBOX_EOA_KEY;
if (!contractContextPath || !rpcUrl || !actionFile || !ipfsId || !pkpPublicKey || !otherPublicKey || !eoaKey) {
  console.error(
    'usage: LITBOX_EOA_KEY=0x… node execute-check.mjs <datil-contract-context.json> <rpc url> <action file> <its CID> <pkp pubkey> <other pkp pubkey> [calls]',
  );
  process.exit(2);
}
const calls = Number(callsArg ?? 10);
const code = fs.readFileSync(actionFile, 'utf8');

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
    { resource: new LitActionResource('*'), ability: LIT_ABILITY.LitActionExecution },
  ]);
  // A node takes two presignatures a second from one requester (a burst of ten aside).
  const pace = async (sinceMs) => new Promise((r) => setTimeout(r, Math.max(0, 520 - sinceMs)));

  const run = async (source, publicKey, label) => {
    const toSign = Array.from(crypto.getRandomValues(new Uint8Array(32)));
    const started = performance.now();
    const result = await client.executeJs({ ...source, sessionSigs, jsParams: { toSign, publicKey, label } });
    const ms = performance.now() - started;
    return {
      toSign: ethers.utils.hexlify(toSign),
      ms: Math.round(ms),
      response: result.response,
      signature: result.signatures?.sig?.signature,
      publicKey: result.signatures?.sig?.publicKey,
    };
  };

  const executions = [];
  for (let i = 0; i < calls; i++) {
    const execution = await run({ code }, pkpPublicKey, `inline #${i}`);
    executions.push(execution);
    await pace(execution.ms);
  }
  const byIpfsId = await run({ ipfsId }, pkpPublicKey, 'by ipfsId');
  await pace(0);
  const notPermitted = await failureOf(() => run({ code }, otherPublicKey, 'not mine'));

  console.log(
    `litbox-result: ${JSON.stringify({
      address: wallet.address,
      executions,
      byIpfsId,
      refusals: { notPermitted },
      // For the test to play the SDK itself: each node's own session signature.
      sessionSigs,
    })}`,
  );
} finally {
  await client.disconnect();
}
process.exit(0);
