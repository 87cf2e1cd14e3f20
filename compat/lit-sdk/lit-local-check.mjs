/* global process, console, performance, Buffer, TextEncoder, URL */
// Lit's own v8 SDK, unchanged, against a sandbox started with `litbox up --lit-local` (the chain
// at http://127.0.0.1:8545 and the contracts at the addresses nagaLocal knows by default).
// Prints one line `litbox-result: {json}` (the SDK logs freely on stdout around it) with:
//   - `plain`: what `createLitClient({ network: nagaLocal })` does. In @lit-protocol/networks
//     8.4.1 it throws before any request: the SDK's built-in naga-local signatures lack
//     PubkeyRouter.getDerivedPubkey, which its own contracts manager reads (viem's TypeError
//     "Cannot read properties of undefined (reading 'type')"), whatever runs on 8545;
//   - `builtIn`: the same SDK with its own built-in naga-local signatures (every address and
//     ABI as shipped) completed by that one missing entry, taken from Litbox's context file,
//     and no RPC URL: connects, signs with a PKP (the caller checks with ethers), decrypts;
//   - `contextFile`: `nagaLocal.withLocalContext({ networkContextPath })` with Litbox's file
//     and no RPC URL: the same.
//
//   LITBOX_EOA_KEY=0x… node lit-local-check.mjs <PKP pubkey> <naga-network-context.json>
//
// The wallet's key comes in the environment, not on the command line; it must own the PKP or be
// permitted to sign with it. app/host/lit-sdk/lit-sdk-lit-local.int.test.ts runs it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createAuthManager, storagePlugins } from '@lit-protocol/auth';
import { createLitClient } from '@lit-protocol/lit-client';
import { nagaLocal } from '@lit-protocol/networks';
import { privateKeyToAccount } from 'viem/accounts';
import { answerLitBlockIndexerFrom } from './offline-blockhash.mjs';

/** Where nagaLocal reads the chain (@lit-protocol/networks, chains/Anvil). */
const NAGA_LOCAL_RPC = 'http://127.0.0.1:8545';

const [publicKey, litboxContextPath] = process.argv.slice(2);
const eoaKey = process.env.LITBOX_EOA_KEY;
if (!publicKey || !litboxContextPath || !eoaKey) {
  console.error('usage: LITBOX_EOA_KEY=0x… node lit-local-check.mjs <PKP pubkey> <naga-network-context.json>');
  process.exit(2);
}

// The only offline shim: the SIWE nonce the SDK asks a Lit web service for (see offline-blockhash.mjs).
const restoreFetch = answerLitBlockIndexerFrom(NAGA_LOCAL_RPC);
const storagePath = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-lit-sdk-lit-local-'));

/** Connects with `network`, signs once with the PKP, encrypts and decrypts; what the caller checks. */
async function useNetwork(network, label) {
  const started = performance.now();
  const litClient = await createLitClient({ network });
  const connectMs = performance.now() - started;
  try {
    const context = await litClient.getContext();
    const account = privateKeyToAccount(eoaKey);
    const authContext = await createAuthManager({
      storage: storagePlugins.localStorageNode({
        appName: `litbox-compat-${label}`,
        networkName: 'naga-local',
        storagePath,
      }),
    }).createEoaAuthContext({
      config: { account },
      authConfig: {
        resources: [
          ['pkp-signing', '*'],
          ['access-control-condition-decryption', '*'],
        ],
        expiration: new Date(Date.now() + 10 * 60_000).toISOString(),
      },
      litClient,
    });
    const message = `litbox --lit-local ${label} ${Date.now()}`;
    const signature = await litClient.chain.ethereum.pkpSign({
      authContext,
      pubKey: publicKey,
      toSign: new TextEncoder().encode(message),
    });
    const conditions = [
      {
        conditionType: 'evmBasic',
        contractAddress: '',
        standardContractType: '',
        chain: 'ethereum',
        method: '',
        parameters: [':userAddress'],
        returnValueTest: { comparator: '=', value: account.address },
      },
    ];
    const encrypted = await litClient.encrypt({
      dataToEncrypt: `zero config ${label}`,
      unifiedAccessControlConditions: conditions,
      chain: 'ethereum',
    });
    const decrypted = await litClient.decrypt({
      data: encrypted,
      unifiedAccessControlConditions: conditions,
      authContext,
      chain: 'ethereum',
    });
    return {
      connectMs: Math.round(connectMs),
      address: account.address,
      bootstrapUrls: context.latestConnectionInfo.bootstrapUrls,
      message: Buffer.from(message).toString('hex'),
      signature: signature.signature,
      recoveryId: signature.recoveryId,
      signedData: signature.signedData,
      decrypted: Buffer.from(decrypted.decryptedData).toString('utf8'),
    };
  } finally {
    await litClient.disconnect();
  }
}

/**
 * A context file of the SDK's own built-in naga-local signatures (addresses and ABIs as shipped
 * in @lit-protocol/networks), with the one method they lack added from Litbox's file.
 */
function builtInContextFile() {
  const require = createRequire(import.meta.url);
  // Where nagaLocal's environment loads them from (not an export of the package).
  const generated = new URL(
    './node_modules/@lit-protocol/networks/src/networks/vNaga/envs/naga-local/generated/naga-develop.js',
    import.meta.url,
  ).pathname;
  const { signatures } = require(generated);
  const litbox = JSON.parse(fs.readFileSync(litboxContextPath, 'utf8'));
  const context = {};
  for (const [name, contract] of Object.entries(signatures)) {
    const abi = [...Object.values(contract.methods), ...(contract.events ?? [])];
    for (const item of litbox[name].abi)
      if (item.type === 'function' && !contract.methods[item.name] && item.name === 'getDerivedPubkey') abi.push(item);
    context[name] = { address: contract.address, abi };
  }
  const file = path.join(storagePath, 'sdk-built-in-naga-local.json');
  fs.writeFileSync(file, JSON.stringify(context));
  return file;
}

try {
  let plain;
  try {
    await createLitClient({ network: nagaLocal });
    plain = { connected: true };
  } catch (err) {
    plain = { connected: false, name: err?.name, message: String(err?.message ?? err) };
  }
  const builtIn = await useNetwork(
    nagaLocal.withLocalContext({ networkContextPath: builtInContextFile(), networkName: 'naga-develop' }),
    'built-in',
  );
  const contextFile = await useNetwork(
    nagaLocal.withLocalContext({ networkContextPath: litboxContextPath, networkName: 'naga-local' }),
    'context-file',
  );
  console.log(`litbox-result: ${JSON.stringify({ plain, builtIn, contextFile })}`);
} finally {
  restoreFetch();
  fs.rmSync(storagePath, { recursive: true, force: true });
}
// The SDK's chain watchers keep timers; the check is done.
process.exit(0);
