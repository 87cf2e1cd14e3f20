/* global process, console, performance, Buffer */
// Connects Lit's own v8 SDK, unchanged, to a running Litbox sandbox and prints what it found,
// as one line `litbox-result: {json}` (the SDK logs freely on stdout around it).
//
//   node connect-check.mjs <naga-network-context.json> <chain rpc url>
//
// Both come from `litbox status --json` (litSdk.nagaNetworkContextPath, chain.rpcUrl).
// app/host/lit-sdk/lit-sdk-connect.int.test.ts runs it against a fresh sandbox.
import { createLitClient } from '@lit-protocol/lit-client';
import { nagaLocal } from '@lit-protocol/networks';
import { answerLitBlockIndexerFrom } from './offline-blockhash.mjs';

const [networkContextPath, rpcUrl] = process.argv.slice(2);
if (!networkContextPath || !rpcUrl) {
  console.error('usage: node connect-check.mjs <naga-network-context.json> <chain rpc url>');
  process.exit(2);
}

const restoreFetch = answerLitBlockIndexerFrom(rpcUrl);
const started = performance.now();
const litClient = await createLitClient({
  network: nagaLocal.withLocalContext({ networkContextPath, networkName: 'naga-local', rpcUrlOverride: rpcUrl }),
});
const connectMs = performance.now() - started;
try {
  const context = await litClient.getContext();
  const handshake = context.handshakeResult;
  // encrypt runs in the SDK alone, with the network key the nodes agreed on in the handshake.
  const encrypted = await litClient.encrypt({
    dataToEncrypt: 'litbox says hello',
    unifiedAccessControlConditions: [
      {
        conditionType: 'evmBasic',
        contractAddress: '',
        standardContractType: '',
        chain: 'ethereum',
        method: 'eth_getBalance',
        parameters: [':userAddress', 'latest'],
        returnValueTest: { comparator: '>=', value: '0' },
      },
    ],
    chain: 'ethereum',
  });
  const result = {
    connectMs: Math.round(connectMs),
    networkName: litClient.networkName,
    bootstrapUrls: context.latestConnectionInfo.bootstrapUrls,
    minNodeCount: context.latestConnectionInfo.minNodeCount,
    epoch: context.latestConnectionInfo.epochState.currentNumber,
    priceFeedNodes: context.latestConnectionInfo.priceFeedInfo.networkPrices.map((p) => p.url),
    connectedNodes: [...handshake.connectedNodes],
    threshold: handshake.threshold,
    subnetPubKey: handshake.coreNodeConfig.subnetPubKey,
    serverKeys: Object.fromEntries(
      Object.entries(handshake.serverKeys).map(([url, keys]) => [
        url,
        { nodeIdentityKey: keys.nodeIdentityKey, epoch: keys.epoch },
      ]),
    ),
    latestBlockhash: context.latestBlockhash,
    ciphertextBytes: Buffer.from(encrypted.ciphertext, 'base64').length,
    dataToEncryptHash: encrypted.dataToEncryptHash,
  };
  console.log(`litbox-result: ${JSON.stringify(result)}`);
} finally {
  await litClient.disconnect();
  restoreFetch();
}
// The SDK's chain watchers keep timers; the check is done.
process.exit(0);
