/* global process, console, performance, TextDecoder */
// Encrypts and decrypts with Lit's own v8 SDK, unchanged, against a running Litbox sandbox, the
// way a dapp does: an EOA auth context (a fresh wallet's SIWE + ReCap), `litClient.encrypt`
// under a condition, `litClient.decrypt` with the auth context. Prints one line
// `litbox-result: {json}` (the SDK logs freely on stdout around it) with:
//   - the plaintexts decrypted under conditions the wallet meets (unified and plain lists);
//   - the error the SDK reports for a condition the wallet does not meet;
//   - session signatures the SDK made for each node, and a request to send with them, so the
//     caller can try one on a node it was not made for.
//
//   node decrypt-check.mjs <naga-network-context.json> <chain rpc url>
//
// app/host/lit-sdk/lit-sdk-decrypt.int.test.ts runs it against a fresh sandbox.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAuthManager, storagePlugins } from '@lit-protocol/auth';
import { createLitClient } from '@lit-protocol/lit-client';
import { issueSessionFromContext, nagaLocal, PricingContextSchema } from '@lit-protocol/networks';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { answerLitBlockIndexerFrom } from './offline-blockhash.mjs';

const [networkContextPath, rpcUrl] = process.argv.slice(2);
if (!networkContextPath || !rpcUrl) {
  console.error('usage: node decrypt-check.mjs <naga-network-context.json> <chain rpc url>');
  process.exit(2);
}

const restoreFetch = answerLitBlockIndexerFrom(rpcUrl);
const storagePath = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-lit-sdk-decrypt-'));
const litClient = await createLitClient({
  network: nagaLocal.withLocalContext({ networkContextPath, networkName: 'naga-local', rpcUrlOverride: rpcUrl }),
});
try {
  const account = privateKeyToAccount(generatePrivateKey());
  const authManager = createAuthManager({
    storage: storagePlugins.localStorageNode({ appName: 'litbox-compat', networkName: 'naga-local', storagePath }),
  });
  const authContext = await authManager.createEoaAuthContext({
    config: { account },
    authConfig: {
      resources: [['access-control-condition-decryption', '*']],
      expiration: new Date(Date.now() + 10 * 60_000).toISOString(),
    },
    litClient,
  });

  const isAddress = (address) => ({
    contractAddress: '',
    standardContractType: '',
    chain: 'ethereum',
    method: '',
    parameters: [':userAddress'],
    returnValueTest: { comparator: '=', value: address },
  });
  const hasBalanceAtLeast = (wei) => ({
    contractAddress: '',
    standardContractType: '',
    chain: 'ethereum',
    method: 'eth_getBalance',
    parameters: [':userAddress', 'latest'],
    returnValueTest: { comparator: '>=', value: wei },
  });

  // 1. Unified conditions the wallet meets: it is the wallet named.
  const unifiedAccessControlConditions = [{ conditionType: 'evmBasic', ...isAddress(account.address) }];
  const secret = 'litbox keeps this for the wallet alone';
  const sealed = await litClient.encrypt({ dataToEncrypt: secret, unifiedAccessControlConditions, chain: 'ethereum' });
  let started = performance.now();
  const opened = await litClient.decrypt({
    data: sealed,
    unifiedAccessControlConditions,
    chain: 'ethereum',
    authContext,
  });
  const unified = {
    plaintext: new TextDecoder().decode(opened.decryptedData),
    ms: Math.round(performance.now() - started),
  };

  // 2. A plain list with an operator: the wallet is named, or holds at least 0 wei.
  const accessControlConditions = [isAddress(account.address), { operator: 'or' }, hasBalanceAtLeast('0')];
  const sealed2 = await litClient.encrypt({
    dataToEncrypt: 'any holder of 0 wei',
    accessControlConditions,
    chain: 'ethereum',
  });
  started = performance.now();
  const opened2 = await litClient.decrypt({ data: sealed2, accessControlConditions, chain: 'ethereum', authContext });
  const plain = {
    plaintext: new TextDecoder().decode(opened2.decryptedData),
    ms: Math.round(performance.now() - started),
  };

  // 3. A condition the wallet does not meet: it is not that address.
  const othersConditions = [{ conditionType: 'evmBasic', ...isAddress('0x000000000000000000000000000000000000dEaD') }];
  const sealed3 = await litClient.encrypt({
    dataToEncrypt: 'not for you',
    unifiedAccessControlConditions: othersConditions,
    chain: 'ethereum',
  });
  let unmet;
  try {
    await litClient.decrypt({
      data: sealed3,
      unifiedAccessControlConditions: othersConditions,
      chain: 'ethereum',
      authContext,
    });
    unmet = { decrypted: true };
  } catch (err) {
    unmet = { decrypted: false, name: err?.name, message: String(err?.message ?? err) };
  }

  // 4. Session signatures for every node, and what to send with them (the caller tries one on
  //    the wrong node: the SDK itself never does that).
  const nodeUrls = Object.keys((await litClient.getContext()).handshakeResult.serverKeys);
  const sessionSigs = await issueSessionFromContext({
    authContext,
    pricingContext: PricingContextSchema.parse({
      product: 'DECRYPTION',
      nodePrices: nodeUrls.map((url) => ({ url, prices: [0n, 0n, 0n, 0n] })),
      threshold: nodeUrls.length,
    }),
  });
  const wrongNode = {
    sessionSigs,
    request: {
      // As the SDK sends them: in Lit's canonical form, which drops conditionType.
      unifiedAccessControlConditions: [isAddress(account.address)],
      ciphertext: sealed.ciphertext,
      dataToEncryptHash: sealed.dataToEncryptHash,
      chain: 'ethereum',
      keySetId: 'naga-keyset1',
    },
  };

  console.log(`litbox-result: ${JSON.stringify({ address: account.address, unified, plain, unmet, wrongNode })}`);
} finally {
  await litClient.disconnect();
  restoreFetch();
  fs.rmSync(storagePath, { recursive: true, force: true });
}
// The SDK's chain watchers keep timers; the check is done.
process.exit(0);
