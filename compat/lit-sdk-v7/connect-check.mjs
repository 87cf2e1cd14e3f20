/* global process, console, performance, Buffer, TextEncoder */
// Connects Lit's own v7 SDK, unchanged, to a running Litbox sandbox and prints what it found,
// as one line `litbox-result: {json}` (the SDK logs freely around it).
//
//   node connect-check.mjs <datil-contract-context.json> <chain rpc url>
//
// Both come from `litbox status --json` (litSdk.datilContractContextPath, chain.rpcUrl).
// app/host/lit-sdk/lit-sdk-v7-connect.int.test.ts runs it against a fresh sandbox.
import fs from 'node:fs';
import { LitNodeClient } from '@lit-protocol/lit-node-client';

const [contractContextPath, rpcUrl] = process.argv.slice(2);
if (!contractContextPath || !rpcUrl) {
  console.error('usage: node connect-check.mjs <datil-contract-context.json> <chain rpc url>');
  process.exit(2);
}

const client = new LitNodeClient({
  litNetwork: 'custom',
  contractContext: JSON.parse(fs.readFileSync(contractContextPath, 'utf8')),
  rpcUrl,
  checkNodeAttestation: false,
  debug: false,
});
const started = performance.now();
await client.connect();
const connectMs = performance.now() - started;
try {
  // encrypt runs in the SDK alone, with the network key the nodes agreed on in the handshake.
  const encrypted = await client.encrypt({
    dataToEncrypt: new TextEncoder().encode('litbox says hello'),
    accessControlConditions: [
      {
        contractAddress: '',
        standardContractType: '',
        chain: 'ethereum',
        method: 'eth_getBalance',
        parameters: [':userAddress', 'latest'],
        returnValueTest: { comparator: '>=', value: '0' },
      },
    ],
  });
  const result = {
    connectMs: Math.round(connectMs),
    ready: client.ready,
    bootstrapUrls: client.config.bootstrapUrls,
    minNodeCount: client.config.minNodeCount,
    epoch: client.currentEpochNumber,
    connectedNodes: [...client.connectedNodes],
    subnetPubKey: client.subnetPubKey,
    networkPubKey: client.networkPubKey,
    latestBlockhash: client.latestBlockhash,
    ciphertextBytes: Buffer.from(encrypted.ciphertext, 'base64').length,
    dataToEncryptHash: encrypted.dataToEncryptHash,
  };
  console.log(`litbox-result: ${JSON.stringify(result)}`);
} finally {
  await client.disconnect();
}
// The SDK's chain watchers keep timers; the check is done.
process.exit(0);
