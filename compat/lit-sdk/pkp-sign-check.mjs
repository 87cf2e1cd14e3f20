/* global process, console, performance, Buffer, TextEncoder, setTimeout, crypto */
// Signs with a PKP through Lit's own v8 SDK, unchanged, against a running Litbox sandbox, the way
// a dapp does: an EOA auth context (the wallet's SIWE + ReCap granting pkp-signing), then
// `litClient.chain.ethereum.pkpSign`. The SDK sends each node of its signing set its own request
// with no presignature; the nodes agree on one among themselves. Prints one line
// `litbox-result: {json}` (the SDK logs freely on stdout around it) with:
//   - `signatures`: each message signed, the SDK's answer and how long the call took;
//   - `executions`: the same for `litClient.executeJs` running an action that signs with
//     `Lit.Actions.signEcdsa` and sets a response;
//   - `refusals`: the errors the SDK reports for a PKP the wallet may not use and for a key
//     that is no PKP at all;
//   - `wrongNode`: session signatures the SDK made for each node and a request to send with
//     them, so the caller can try one on a node it was not made for.
//
//   LITBOX_EOA_KEY=0x… node pkp-sign-check.mjs <naga-network-context.json> <chain rpc url> \
//     <permitted PKP pubkey> <other PKP pubkey> [calls]
//
// The wallet's key comes in the environment, not on the command line. The wallet must own the
// first PKP or be permitted to sign with it; it must have no right on the second.
// app/host/lit-sdk/lit-sdk-pkp-sign.int.test.ts runs it against a fresh sandbox.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAuthManager, storagePlugins } from '@lit-protocol/auth';
import { createLitClient } from '@lit-protocol/lit-client';
import { issueSessionFromContext, nagaLocal, PricingContextSchema } from '@lit-protocol/networks';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { answerLitBlockIndexerFrom } from './offline-blockhash.mjs';

const [networkContextPath, rpcUrl, permittedPkp, otherPkp, callsArg] = process.argv.slice(2);
const eoaKey = process.env.LITBOX_EOA_KEY;
if (!networkContextPath || !rpcUrl || !permittedPkp || !otherPkp || !eoaKey) {
  console.error(
    'usage: LITBOX_EOA_KEY=0x… node pkp-sign-check.mjs <naga-network-context.json> <chain rpc url> <permitted PKP pubkey> <other PKP pubkey> [calls]',
  );
  process.exit(2);
}
const calls = Number(callsArg ?? 20);

const restoreFetch = answerLitBlockIndexerFrom(rpcUrl);
const storagePath = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-lit-sdk-pkp-sign-'));
const litClient = await createLitClient({
  network: nagaLocal.withLocalContext({ networkContextPath, networkName: 'naga-local', rpcUrlOverride: rpcUrl }),
});
const describeError = (err) => ({ signed: false, name: err?.name, message: String(err?.message ?? err) });
try {
  const account = privateKeyToAccount(eoaKey);
  const authManager = createAuthManager({
    storage: storagePlugins.localStorageNode({ appName: 'litbox-compat', networkName: 'naga-local', storagePath }),
  });
  const authContext = await authManager.createEoaAuthContext({
    config: { account },
    authConfig: {
      resources: [
        ['pkp-signing', '*'],
        ['lit-action-execution', '*'],
      ],
      expiration: new Date(Date.now() + 10 * 60_000).toISOString(),
    },
    litClient,
  });

  // 1. Sign `calls` messages (after one call that warms up the SDK's caches), one at a time, at
  //    most two a second: nodes let one requester from outside the host take presignatures
  //    only that fast (a burst of 10 aside), and each call takes one.
  const sign = (pubKey, text) =>
    litClient.chain.ethereum.pkpSign({ authContext, pubKey, toSign: new TextEncoder().encode(text) });
  await sign(permittedPkp, 'warm-up');
  const signatures = [];
  for (let i = 0; i < calls; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(0, 520 - signatures.at(-1).ms)));
    const message = `litbox pkpSign through Lit's SDK #${i} ${Date.now()}`;
    const started = performance.now();
    const result = await sign(permittedPkp, message);
    signatures.push({
      message: Buffer.from(message).toString('hex'),
      ms: Math.round((performance.now() - started) * 10) / 10,
      signature: result.signature,
      recoveryId: result.recoveryId,
      signedData: result.signedData,
    });
  }

  // 2. executeJs with Lit.Actions.signEcdsa, the same way, `calls / 2` times.
  const action = [
    'const digest = new Uint8Array(jsParams.toSign);',
    "await Lit.Actions.signEcdsa({ toSign: digest, publicKey: jsParams.publicKey, sigName: 'sig' });",
    "Lit.Actions.setResponse({ response: 'signed ' + jsParams.label });",
  ].join('\n');
  const executions = [];
  for (let i = 0; i < Math.ceil(calls / 2); i++) {
    await new Promise((resolve) => setTimeout(resolve, 520));
    const toSign = Array.from(crypto.getRandomValues(new Uint8Array(32)));
    const started = performance.now();
    const result = await litClient.executeJs({
      code: action,
      jsParams: { toSign, publicKey: permittedPkp, label: `#${i}` },
      authContext,
    });
    executions.push({
      toSign: Buffer.from(toSign).toString('hex'),
      ms: Math.round((performance.now() - started) * 10) / 10,
      response: result.response,
      signature: result.signatures?.sig?.signature,
      recoveryId: result.signatures?.sig?.recoveryId,
    });
  }

  // 3. Refusals: a PKP the wallet may not use; a key that is no PKP of this network.
  const refusals = {};
  for (const [name, pubKey] of [
    ['notPermitted', otherPkp],
    ['notAPkp', privateKeyToAccount(generatePrivateKey()).publicKey],
  ]) {
    try {
      await sign(pubKey, `refused: ${name}`);
      refusals[name] = { signed: true };
    } catch (err) {
      refusals[name] = describeError(err);
    }
  }

  // 4. Session signatures for every node, and what to send with them.
  const nodeUrls = Object.keys((await litClient.getContext()).handshakeResult.serverKeys);
  const sessionSigs = await issueSessionFromContext({
    authContext,
    pricingContext: PricingContextSchema.parse({
      product: 'SIGN',
      nodePrices: nodeUrls.map((url) => ({ url, prices: [0n, 0n, 0n, 0n] })),
      threshold: nodeUrls.length,
    }),
  });
  const wrongNode = {
    sessionSigs,
    request: {
      toSign: Array.from({ length: 32 }, (_, i) => i),
      signingScheme: 'EcdsaK256Sha256',
      pubkey: permittedPkp,
      nodeSet: nodeUrls.map((url) => ({ socketAddress: url.replace(/^\w+:\/\//, ''), value: 1 })),
      epoch: 1,
      authMethods: [],
      keySetId: 'naga-keyset1',
    },
  };

  console.log(
    `litbox-result: ${JSON.stringify({ address: account.address, signatures, executions, refusals, wrongNode })}`,
  );
} finally {
  await litClient.disconnect();
  restoreFetch();
  fs.rmSync(storagePath, { recursive: true, force: true });
}
// The SDK's chain watchers keep timers; the check is done.
process.exit(0);
