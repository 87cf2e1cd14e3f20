/* global process, console, performance, Buffer, setTimeout, crypto */
// Runs a Lit Action by its `ipfsId` alone through Lit's own v8 SDK, unchanged, against a running
// Litbox sandbox: `litClient.executeJs({ipfsId, jsParams, authContext})`, with no code. Lit's
// nodes would fetch the code from IPFS; Litbox's nodes read it from the data directory's action
// store (`litbox action add FILE`) and check it hashes to the CID. Prints one line
// `litbox-result: {json}` (the SDK logs freely on stdout around it) with:
//   - `byIpfsId`: each call by CID alone: the digest signed, the SDK's signature, its response
//     and how long the call took;
//   - `inline`: the same action sent inline (its code), in the same run, for comparison;
//   - `refusals`: the SDK's errors for a CID no node knows and for one whose stored bytes do
//     not hash to it.
//
//   LITBOX_EOA_KEY=0x… node execute-ipfs-check.mjs <naga-network-context.json> <chain rpc url> \
//     <action file> <its CID> <PKP pubkey> <unknown CID> <damaged CID> [calls]
//
// The action file must be in the store already, under the CID given (`litbox action add` prints it); the action signs `jsParams.toSign` with `jsParams.publicKey` via Lit.Actions.signEcdsa.
// The wallet (its key in the environment, not on the command line) must own the PKP or be
// permitted to sign with it. app/host/lit-sdk/lit-sdk-execute-ipfs.int.test.ts runs it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAuthManager, storagePlugins } from '@lit-protocol/auth';
import { createLitClient } from '@lit-protocol/lit-client';
import { nagaLocal } from '@lit-protocol/networks';
import { privateKeyToAccount } from 'viem/accounts';
import { answerLitBlockIndexerFrom } from './offline-blockhash.mjs';

const [networkContextPath, rpcUrl, actionFile, ipfsId, publicKey, unknownCid, damagedCid, callsArg] =
  process.argv.slice(2);
const eoaKey = process.env.LITBOX_EOA_KEY;
if (!networkContextPath || !rpcUrl || !actionFile || !ipfsId || !publicKey || !unknownCid || !damagedCid || !eoaKey) {
  console.error(
    'usage: LITBOX_EOA_KEY=0x… node execute-ipfs-check.mjs <naga-network-context.json> <chain rpc url> <action file> <its CID> <PKP pubkey> <unknown CID> <damaged CID> [calls]',
  );
  process.exit(2);
}
const calls = Number(callsArg ?? 10);
const code = fs.readFileSync(actionFile, 'utf8');

const restoreFetch = answerLitBlockIndexerFrom(rpcUrl);
const storagePath = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-lit-sdk-execute-ipfs-'));
const litClient = await createLitClient({
  network: nagaLocal.withLocalContext({ networkContextPath, networkName: 'naga-local', rpcUrlOverride: rpcUrl }),
});
const describeError = (err) => ({ ran: false, name: err?.name, message: String(err?.message ?? err) });
try {
  const authContext = await createAuthManager({
    storage: storagePlugins.localStorageNode({ appName: 'litbox-compat', networkName: 'naga-local', storagePath }),
  }).createEoaAuthContext({
    config: { account: privateKeyToAccount(eoaKey) },
    authConfig: {
      resources: [
        ['pkp-signing', '*'],
        ['lit-action-execution', '*'],
      ],
      expiration: new Date(Date.now() + 10 * 60_000).toISOString(),
    },
    litClient,
  });

  const run = async (source, label) => {
    const toSign = Array.from(crypto.getRandomValues(new Uint8Array(32)));
    const started = performance.now();
    const result = await litClient.executeJs({ ...source, jsParams: { toSign, publicKey, label }, authContext });
    return {
      toSign: Buffer.from(toSign).toString('hex'),
      ms: Math.round((performance.now() - started) * 10) / 10,
      response: result.response,
      signature: result.signatures?.sig?.signature,
      recoveryId: result.signatures?.sig?.recoveryId,
    };
  };
  // One warm-up call each, then both ways taking turns (so load falls on both alike), at most
  // two calls a second: nodes let one requester from outside the host take presignatures only
  // that fast (a burst of 10 aside), and each call takes one.
  await run({ ipfsId }, 'warm-up');
  await run({ code }, 'warm-up');
  const byIpfsId = [];
  const inline = [];
  for (let i = 0; i < calls; i++) {
    await new Promise((resolve) => setTimeout(resolve, 520));
    byIpfsId.push(await run({ ipfsId }, `ipfs #${i}`));
    await new Promise((resolve) => setTimeout(resolve, 520));
    inline.push(await run({ code }, `inline #${i}`));
  }

  const refusals = {};
  for (const [name, cid] of [
    ['unknown', unknownCid],
    ['damaged', damagedCid],
  ]) {
    try {
      await run({ ipfsId: cid }, name);
      refusals[name] = { ran: true };
    } catch (err) {
      refusals[name] = describeError(err);
    }
  }
  console.log(`litbox-result: ${JSON.stringify({ ipfsId, byIpfsId, inline, refusals })}`);
} finally {
  await litClient.disconnect();
  restoreFetch();
  fs.rmSync(storagePath, { recursive: true, force: true });
}
// The SDK's chain watchers keep timers; the check is done.
process.exit(0);
