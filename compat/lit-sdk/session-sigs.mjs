/* global process, console */
// Makes session signatures with Lit's own v8 SDK, unchanged, the way it does before every
// pkpSign, executeJs and decrypt: an EOA auth context (SIWE + ReCap signed by a fresh wallet)
// and one Ed25519-signed session message per node. No network is needed: the SDK takes only a
// block hash from its client here. Prints `litbox-result: {json}`.
//
//   node session-sigs.mjs <node url>...
//
// app/nodes/lit-sdk/session-sig.sdk.test.ts checks that Litbox nodes accept them.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { createAuthManager, storagePlugins } from '@lit-protocol/auth';
import { issueSessionFromContext, PricingContextSchema } from '@lit-protocol/networks';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

const nodeUrls = process.argv.slice(2);
if (nodeUrls.length === 0) {
  console.error('usage: node session-sigs.mjs <node url>...');
  process.exit(2);
}
const storagePath = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-lit-sdk-auth-'));
try {
  const account = privateKeyToAccount(generatePrivateKey());
  const authManager = createAuthManager({
    storage: storagePlugins.localStorageNode({ appName: 'litbox-compat', networkName: 'naga-local', storagePath }),
  });
  // What the SDK reads from its client to build the SIWE: only the nonce.
  const litClient = { getContext: async () => ({ latestBlockhash: `0x${'ab'.repeat(32)}` }) };
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
  const sessionSigs = await issueSessionFromContext({
    authContext,
    pricingContext: PricingContextSchema.parse({
      product: 'SIGN',
      nodePrices: nodeUrls.map((url) => ({ url, prices: [0n, 0n, 0n, 0n] })),
      threshold: nodeUrls.length,
    }),
  });
  console.log(`litbox-result: ${JSON.stringify({ address: account.address, sessionSigs })}`);
} finally {
  fs.rmSync(storagePath, { recursive: true, force: true });
}
