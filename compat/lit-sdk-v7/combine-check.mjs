/* global process, console, TextEncoder, TextDecoder */
// Runs Lit's v7 SDK's own combiners, with no network, on node answers Litbox makes (its v1
// shares): what `decrypt` does with the BLS shares of /web/encryption/sign/ (combine, verify
// against the network key, decrypt a ciphertext the SDK made), and what `pkpSign` does with the
// answers of /web/pkp/sign/v1 (parse, add the shares, verify against the share's public key).
// Prints one line `litbox-result: {json}`.
//
//   node combine-check.mjs '<json {bls: {networkKey, identity, answers}, ecdsa: {answers, minNodeCount}}>'
//
// app/nodes/lit-sdk/lit-v1-shares.sdk.test.ts runs it.
import { encrypt, verifyAndDecryptWithSignatureShares } from '@lit-protocol/crypto';
import { parsePkpSignResponse } from '@lit-protocol/lit-node-client-nodejs/src/lib/helpers/parse-pkp-sign-response.js';
import { getSignatures } from '@lit-protocol/lit-node-client-nodejs/src/lib/helpers/get-signatures.js';

const [input] = process.argv.slice(2);
if (!input) {
  console.error("usage: node combine-check.mjs '<json>'");
  process.exit(2);
}
const { bls, ecdsa } = JSON.parse(input);

const identity = new TextEncoder().encode(bls.identity);
const ciphertext = await encrypt(bls.networkKey, new TextEncoder().encode('golden'), identity);
let plaintext;
try {
  const shares = bls.answers.map((a) => a.signatureShare);
  plaintext = new TextDecoder().decode(
    await verifyAndDecryptWithSignatureShares(bls.networkKey, identity, ciphertext, shares),
  );
} catch (err) {
  plaintext = { error: String(err?.message ?? err) };
}

let signature;
try {
  const signatures = await getSignatures({
    requestId: 'golden',
    networkPubKeySet: 'unused by the combine',
    minNodeCount: ecdsa.minNodeCount,
    signedData: parsePkpSignResponse(ecdsa.answers),
  });
  signature = signatures.signature.signature; // pkpSign returns this entry's object; .signature is r ‖ s ‖ v
} catch (err) {
  signature = { error: String(err?.message ?? err) };
}
console.log(`litbox-result: ${JSON.stringify({ plaintext, signature })}`);
// The SDK's WASM may keep the loop alive.
process.exit(0);
