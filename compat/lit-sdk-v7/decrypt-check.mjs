/* global process, console, performance, setTimeout */
// Lit's own v7 SDK, unchanged, encrypts and decrypts against a running Litbox sandbox with a
// wallet's session signatures, and fails on a condition the wallet does not meet. Prints one line
// `litbox-result: {json}`.
//
//   node decrypt-check.mjs <datil-contract-context.json> <chain rpc url> [rounds]
//
// Both come from `litbox status --json` (litSdk.datilContractContextPath, chain.rpcUrl).
// app/host/lit-sdk/lit-sdk-v7-decrypt.int.test.ts runs it against a fresh sandbox.
import fs from 'node:fs';
import { LitNodeClient } from '@lit-protocol/lit-node-client';
import { LitAccessControlConditionResource } from '@lit-protocol/auth-helpers';
import { LIT_ABILITY } from '@lit-protocol/constants';
import { encryptString, decryptToString } from '@lit-protocol/encryption';
import { ethers } from 'ethers';
import { failureOf, walletSessionSigs } from './session.mjs';

const [contractContextPath, rpcUrl, roundsArg] = process.argv.slice(2);
if (!contractContextPath || !rpcUrl) {
  console.error('usage: node decrypt-check.mjs <datil-contract-context.json> <chain rpc url> [rounds]');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 10);

const client = new LitNodeClient({
  litNetwork: 'custom',
  contractContext: JSON.parse(fs.readFileSync(contractContextPath, 'utf8')),
  rpcUrl,
  checkNodeAttestation: false,
  debug: false,
});
let started = performance.now();
await client.connect();
const connectMs = performance.now() - started;
try {
  const wallet = ethers.Wallet.createRandom();
  const sessionSigs = await walletSessionSigs(client, wallet, [
    { resource: new LitAccessControlConditionResource('*'), ability: LIT_ABILITY.AccessControlConditionDecryption },
  ]);

  // The wallet itself: it meets this condition.
  const mine = [
    {
      contractAddress: '',
      standardContractType: '',
      chain: 'ethereum',
      method: '',
      parameters: [':userAddress'],
      returnValueTest: { comparator: '=', value: wallet.address },
    },
  ];
  const secret = 'litbox keeps this for the wallet alone';
  const encrypted = await encryptString({ accessControlConditions: mine, dataToEncrypt: secret }, client);
  const times = [];
  let plaintext;
  for (let i = 0; i < rounds; i++) {
    started = performance.now();
    plaintext = await decryptToString(
      { accessControlConditions: mine, chain: 'ethereum', sessionSigs, ...encrypted },
      client,
    );
    times.push(performance.now() - started);
  }

  // Another wallet: this one does not.
  const other = ethers.Wallet.createRandom().address;
  const theirs = [{ ...mine[0], returnValueTest: { comparator: '=', value: other } }];
  const theirsEncrypted = await encryptString({ accessControlConditions: theirs, dataToEncrypt: 'not yours' }, client);
  const unmet = await failureOf(() =>
    decryptToString({ accessControlConditions: theirs, chain: 'ethereum', sessionSigs, ...theirsEncrypted }, client),
  );

  // A session that has expired by the time it is used: each node refuses it itself (v7's
  // decrypt sends it without looking).
  const shortLived = await walletSessionSigs(
    client,
    wallet,
    [{ resource: new LitAccessControlConditionResource('*'), ability: LIT_ABILITY.AccessControlConditionDecryption }],
    2_000,
  );
  await new Promise((r) => setTimeout(r, 2_500));
  const expired = await failureOf(() =>
    decryptToString(
      { accessControlConditions: mine, chain: 'ethereum', sessionSigs: shortLived, ...encrypted },
      client,
    ),
  );

  // Unified conditions, an eth_getBalance read on the sandbox chain.
  const unified = [
    {
      conditionType: 'evmBasic',
      contractAddress: '',
      standardContractType: '',
      chain: 'ethereum',
      method: 'eth_getBalance',
      parameters: [':userAddress', 'latest'],
      returnValueTest: { comparator: '>=', value: '0' },
    },
  ];
  const unifiedEncrypted = await encryptString(
    { unifiedAccessControlConditions: unified, dataToEncrypt: 'any holder of 0 wei' },
    client,
  );
  const unifiedPlaintext = await decryptToString(
    { unifiedAccessControlConditions: unified, chain: 'ethereum', sessionSigs, ...unifiedEncrypted },
    client,
  );

  console.log(
    `litbox-result: ${JSON.stringify({
      address: wallet.address,
      connectMs: Math.round(connectMs),
      plaintext,
      decryptMs: times.map((t) => Math.round(t)),
      unifiedPlaintext,
      unmet,
      expired,
      // For the test to play the SDK itself: each node's own session signature, and a request.
      sessionSigs,
      request: {
        accessControlConditions: client.getFormattedAccessControlConditions({ accessControlConditions: mine })
          .formattedAccessControlConditions,
        dataToEncryptHash: encrypted.dataToEncryptHash,
        chain: 'ethereum',
      },
    })}`,
  );
} finally {
  await client.disconnect();
}
process.exit(0);
