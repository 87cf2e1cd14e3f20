/* global process, console, performance, Buffer, TextEncoder, setTimeout, crypto */
// PKP sessions through Lit's own v8 SDK, unchanged, against a running Litbox sandbox, the way a
// dapp does: a wallet signs in (an EthWallet auth method), `authManager.createPkpAuthContext`
// asks the nodes to sign a session for a PKP that wallet is permitted on (each node checks the
// wallet and the PKP's permissions on chain, then gives its share of the network's BLS
// signature), and `litClient.chain.ethereum.pkpSign` signs with that PKP session. Prints one
// line `litbox-result: {json}` (the SDK logs freely on stdout around it) with:
//   - `rounds`: each round's new PKP session (createPkpAuthContext, not cached) and two pkpSigns
//     with it (the message, then the message and " again"), and for comparison one pkpSign with
//     the wallet's own EOA session (the message and " (EOA)"): the SDK's signatures and how long
//     each step took;
//   - `delegation`: the PKP session's capability (the network's BLS signature over its SIWE);
//   - `execution`: executeJs with Lit.Actions.signEcdsa through the PKP session;
//   - `refusals`: the SDK's errors for a PKP session on a PKP the wallet may not use, and for
//     pkpSign through the PKP session with another PKP;
//   - `direct`: the PKP session's signature for each node and a pkpSign request to send with
//     them, so the caller can sign through the session itself.
//
//   LITBOX_EOA_KEY=0x… node pkp-session-check.mjs <naga-network-context.json> <chain rpc url> \
//     <permitted PKP pubkey> <other PKP pubkey> [rounds]
//
// The wallet's key comes in the environment, not on the command line. The wallet must be
// permitted on the first PKP with SignAnything and have no right on the second.
// app/host/lit-sdk/lit-sdk-pkp-session.int.test.ts runs it against a fresh sandbox.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAuthManager, storagePlugins, ViemAccountAuthenticator } from '@lit-protocol/auth';
import { createLitClient } from '@lit-protocol/lit-client';
import { issueSessionFromContext, nagaLocal, PricingContextSchema } from '@lit-protocol/networks';
import { privateKeyToAccount } from 'viem/accounts';
import { answerLitBlockIndexerFrom } from './offline-blockhash.mjs';

const [networkContextPath, rpcUrl, permittedPkp, otherPkp, roundsArg] = process.argv.slice(2);
const eoaKey = process.env.LITBOX_EOA_KEY;
if (!networkContextPath || !rpcUrl || !permittedPkp || !otherPkp || !eoaKey) {
  console.error(
    'usage: LITBOX_EOA_KEY=0x… node pkp-session-check.mjs <naga-network-context.json> <chain rpc url> <permitted PKP pubkey> <other PKP pubkey> [rounds]',
  );
  process.exit(2);
}
const rounds = Number(roundsArg ?? 5);

const restoreFetch = answerLitBlockIndexerFrom(rpcUrl);
const storagePath = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-lit-sdk-pkp-session-'));
const litClient = await createLitClient({
  network: nagaLocal.withLocalContext({ networkContextPath, networkName: 'naga-local', rpcUrlOverride: rpcUrl }),
});
const describeError = (err) => ({ signed: false, name: err?.name, message: String(err?.message ?? err) });
const ms = (from) => Math.round((performance.now() - from) * 10) / 10;
try {
  const account = privateKeyToAccount(eoaKey);
  const authManager = createAuthManager({
    storage: storagePlugins.localStorageNode({ appName: 'litbox-compat', networkName: 'naga-local', storagePath }),
  });
  // The wallet signs in once (a SIWE on localhost): its auth method, which the nodes verify.
  const authData = await ViemAccountAuthenticator.authenticate(account);
  const pkpAuthContext = (pkpPublicKey) =>
    authManager.createPkpAuthContext({
      authData,
      pkpPublicKey,
      authConfig: {
        resources: [
          ['pkp-signing', '*'],
          ['lit-action-execution', '*'],
        ],
        expiration: new Date(Date.now() + 10 * 60_000).toISOString(),
      },
      litClient,
      // A new PKP session every time (the SDK would otherwise reuse the one it stored).
      cache: { delegationAuthSig: false },
    });
  const sign = (authContext, pubKey, text) =>
    litClient.chain.ethereum.pkpSign({ authContext, pubKey, toSign: new TextEncoder().encode(text) });

  // 1. `rounds` times: a new PKP session, then one pkpSign with it (after a first round that
  //    warms up the SDK's caches).
  await sign(await pkpAuthContext(permittedPkp), permittedPkp, 'warm-up');
  // For comparison in the same run: the wallet's own (EOA) session signing with the same PKP.
  const eoaAuthContext = await authManager.createEoaAuthContext({
    config: { account },
    authConfig: { resources: [['pkp-signing', '*']], expiration: new Date(Date.now() + 10 * 60_000).toISOString() },
    litClient,
  });
  await sign(eoaAuthContext, permittedPkp, 'warm-up (EOA)');
  const results = [];
  let authContext;
  for (let i = 0; i < rounds; i++) {
    // Nodes let one requester from outside the host take two presignatures a second.
    await new Promise((resolve) => setTimeout(resolve, 520));
    const message = `litbox pkpSign through a PKP session #${i} ${Date.now()}`;
    const started = performance.now();
    authContext = await pkpAuthContext(permittedPkp);
    const sessionMs = ms(started);
    const signStarted = performance.now();
    const result = await sign(authContext, permittedPkp, message);
    const signMs = ms(signStarted);
    const totalMs = ms(started);
    // And once more with the same session: each node checked its BLS signature already.
    await new Promise((resolve) => setTimeout(resolve, 520));
    const againStarted = performance.now();
    const again = await sign(authContext, permittedPkp, `${message} again`);
    const againMs = ms(againStarted);
    const eoaStarted = performance.now();
    const eoa = await sign(eoaAuthContext, permittedPkp, `${message} (EOA)`);
    results.push({
      message: Buffer.from(message).toString('hex'),
      sessionMs,
      signMs,
      totalMs,
      signature: result.signature,
      recoveryId: result.recoveryId,
      signedData: result.signedData,
      againMs,
      again: { signature: again.signature, recoveryId: again.recoveryId, signedData: again.signedData },
      eoaMs: ms(eoaStarted),
      eoa: { signature: eoa.signature, recoveryId: eoa.recoveryId, signedData: eoa.signedData },
    });
  }
  const delegation = await authContext.authNeededCallback();

  // 2. executeJs through the PKP session: the action signs with the PKP.
  await new Promise((resolve) => setTimeout(resolve, 520));
  const toSign = Array.from(crypto.getRandomValues(new Uint8Array(32)));
  const executed = await litClient.executeJs({
    code: [
      "await Lit.Actions.signEcdsa({ toSign: new Uint8Array(jsParams.toSign), publicKey: jsParams.publicKey, sigName: 'sig' });",
      "Lit.Actions.setResponse({ response: 'signed through a PKP session' });",
    ].join('\n'),
    jsParams: { toSign, publicKey: permittedPkp },
    authContext,
  });
  const execution = {
    toSign: Buffer.from(toSign).toString('hex'),
    response: executed.response,
    signature: executed.signatures?.sig?.signature,
    recoveryId: executed.signatures?.sig?.recoveryId,
  };

  // 3. Refusals: a PKP session on a PKP the wallet may not use; the PKP session signing with another PKP.
  const refusals = {};
  try {
    await pkpAuthContext(otherPkp);
    refusals.sessionNotPermitted = { signed: true };
  } catch (err) {
    refusals.sessionNotPermitted = describeError(err);
  }
  try {
    await sign(authContext, otherPkp, 'refused: another PKP');
    refusals.signOtherPkp = { signed: true };
  } catch (err) {
    refusals.signOtherPkp = describeError(err);
  }

  // 4. The PKP session's signatures for every node, and what to send with them, so the caller
  //    can sign with them itself (and see them refused once the wallet is no longer permitted).
  const nodeUrls = Object.keys((await litClient.getContext()).handshakeResult.serverKeys);
  const sessionSigs = await issueSessionFromContext({
    authContext,
    pricingContext: PricingContextSchema.parse({
      product: 'SIGN',
      nodePrices: nodeUrls.map((url) => ({ url, prices: [0n, 0n, 0n, 0n] })),
      threshold: nodeUrls.length,
    }),
  });
  const direct = {
    sessionSigs,
    request: {
      signingScheme: 'EcdsaK256Sha256',
      pubkey: permittedPkp,
      nodeSet: nodeUrls.map((url) => ({ socketAddress: url.replace(/^\w+:\/\//, ''), value: 1 })),
      epoch: 1,
      authMethods: [],
      keySetId: 'naga-keyset1',
    },
  };

  console.log(
    `litbox-result: ${JSON.stringify({ address: account.address, rounds: results, delegation, execution, refusals, direct })}`,
  );
} finally {
  await litClient.disconnect();
  restoreFetch();
  fs.rmSync(storagePath, { recursive: true, force: true });
}
// The SDK's chain watchers keep timers; the check is done.
process.exit(0);
