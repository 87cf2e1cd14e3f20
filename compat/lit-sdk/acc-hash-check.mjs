/* global process, console, Buffer */
// Hashes access control conditions with Lit's own v8 SDK code (@lit-protocol/access-control-
// conditions), as `litClient.encrypt` and `decrypt` do, and formats them as `decrypt` sends them
// to the nodes. Litbox nodes must read what is sent and find the same hash, or they would sign
// another identity than the one the data was encrypted to. Prints `litbox-result: {json}`:
// for each case, {hash, formatted}.
//
//   node acc-hash-check.mjs '<json array of {accessControlConditions | evmContractConditions | unifiedAccessControlConditions}>'
//
// app/shared/lit-sdk/lit-conditions.sdk.test.ts runs it.
import {
  getFormattedAccessControlConditions,
  getHashedAccessControlConditions,
  validateAccessControlConditions,
} from '@lit-protocol/access-control-conditions';

const [input] = process.argv.slice(2);
if (!input) {
  console.error("usage: node acc-hash-check.mjs '<json array of condition params>'");
  process.exit(2);
}
const results = [];
for (const params of JSON.parse(input)) {
  await validateAccessControlConditions(params);
  const hash = Buffer.from(new Uint8Array(await getHashedAccessControlConditions(params))).toString('hex');
  const formatted = getFormattedAccessControlConditions(params);
  results.push({
    hash,
    formatted: {
      accessControlConditions: formatted.formattedAccessControlConditions,
      evmContractConditions: formatted.formattedEVMContractConditions,
      unifiedAccessControlConditions: formatted.formattedUnifiedAccessControlConditions,
    },
  });
}
console.log(`litbox-result: ${JSON.stringify(results)}`);
