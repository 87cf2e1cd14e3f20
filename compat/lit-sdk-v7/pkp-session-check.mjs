/* global process, console, performance, setTimeout */
// Lit's own v7 SDK, unchanged, gets a PKP session on a running Litbox sandbox and signs with it:
// `getPkpSessionSigs` with the wallet's EthWallet auth method (authMethodType 1; every node checks
// it and the PKP's permissions on chain, and gives its share of the network's BLS signature over
// the session), then `pkpSign` through that PKP session. Also the SDK's error when the wallet asks
// for a session for a PKP it may not use, and when the PKP session signs with another PKP. Prints one line `litbox-result: {json}`.
//
//   LITBOX_EOA_KEY=0x… node pkp-session-check.mjs <datil-contract-context.json> <chain rpc url> \
//     <pkp public key> <other pkp public key> [rounds]
//
// The wallet (LITBOX_EOA_KEY, kept out of argv) must own the first PKP or be permitted on it
// (`litbox pkp permit --scope 1`), and have no right on the second.
// app/host/lit-sdk/lit-sdk-v7-pkp-session.int.test.ts runs it against a fresh sandbox.
import fs from 'node:fs';
import { LitNodeClient } from '@lit-protocol/lit-node-client';
import { createSiweMessage, generateAuthSig, LitPKPResource } from '@lit-protocol/auth-helpers';
import { AUTH_METHOD_TYPE, LIT_ABILITY } from '@lit-protocol/constants';
import { ethers } from 'ethers';
import { failureOf } from './session.mjs';

const [contractContextPath, rpcUrl, pkpPublicKey, otherPublicKey, roundsArg] = process.argv.slice(2);
const eoaKey = process.env.LITBOX_EOA_KEY;
if (!contractContextPath || !rpcUrl || !pkpPublicKey || !otherPublicKey || !eoaKey) {
  console.error(
    'usage: LITBOX_EOA_KEY=0x… node pkp-session-check.mjs <datil-contract-context.json> <rpc url> <pkp pubkey> <other pkp pubkey> [rounds]',
  );
  process.exit(2);
}
const rounds = Number(roundsArg ?? 3);

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
  // The wallet's sign-in: a SIWE (on localhost, the SDK's default) it signs, as an auth method.
  const authSig = await generateAuthSig({
    signer: wallet,
    toSign: await createSiweMessage({
      walletAddress: wallet.address,
      nonce: await client.getLatestBlockhash(),
      expiration: new Date(Date.now() + 10 * 60_000).toISOString(),
    }),
  });
  const authMethod = { authMethodType: AUTH_METHOD_TYPE.EthWallet, accessToken: JSON.stringify(authSig) };
  const pkpSessionSigs = (publicKey) =>
    client.getPkpSessionSigs({
      pkpPublicKey: publicKey,
      authMethods: [authMethod],
      resourceAbilityRequests: [{ resource: new LitPKPResource('*'), ability: LIT_ABILITY.PKPSigning }],
      expiration: new Date(Date.now() + 10 * 60_000).toISOString(),
      // In Node the SDK would write `litprotocol.com` into the session's SIWE; the nodes sign
      // sessions for pages on localhost only. (In a browser it takes the page's host.)
      domain: 'localhost',
    });
  // A node takes two presignatures a second from one requester (a burst of ten aside).
  const pace = async (sinceMs) => new Promise((r) => setTimeout(r, Math.max(0, 520 - sinceMs)));

  const results = [];
  let sessionSigs;
  for (let i = 0; i < rounds; i++) {
    let started = performance.now();
    sessionSigs = await pkpSessionSigs(pkpPublicKey);
    const sessionMs = performance.now() - started;
    const digest = ethers.utils.arrayify(
      ethers.utils.keccak256(ethers.utils.toUtf8Bytes(`litbox v7 PKP session #${i}`)),
    );
    started = performance.now();
    const signature = await client.pkpSign({ pubKey: pkpPublicKey, toSign: digest, sessionSigs });
    const signMs = performance.now() - started;
    results.push({
      digest: ethers.utils.hexlify(digest),
      sessionMs: Math.round(sessionMs),
      signMs: Math.round(signMs),
      signature: signature.signature,
    });
    await pace(signMs);
  }
  // The PKP session's capability, as the SDK put it in every node's session signature.
  const first = Object.values(sessionSigs)[0];
  const capability = JSON.parse(first.signedMessage).capabilities.at(-1);

  const sessionNotPermitted = await failureOf(() => pkpSessionSigs(otherPublicKey));
  // The PKP session grants pkp-signing on every resource, but its wallet has no right on the other PKP.
  const digest = ethers.utils.arrayify(ethers.utils.keccak256(ethers.utils.toUtf8Bytes('not this PKP')));
  const signOtherPkp = await failureOf(() => client.pkpSign({ pubKey: otherPublicKey, toSign: digest, sessionSigs }));

  console.log(
    `litbox-result: ${JSON.stringify({
      address: wallet.address,
      rounds: results,
      capability,
      refusals: { sessionNotPermitted, signOtherPkp },
    })}`,
  );
} finally {
  await client.disconnect();
}
process.exit(0);
