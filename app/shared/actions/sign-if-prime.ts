/**
 * The seeds' example Lit Action: it signs a number only if the number is prime. With a PKP
 * minted by Mint/Grant/Burn for this code, any signature of that PKP proves the number is
 * prime, without checking it yourself.
 *
 * jsParams: { number, publicKey }. The digest signed is the number as a 32-byte big-endian
 * integer, so a verifier reads the number straight from what was signed.
 */
export const SIGN_IF_PRIME_ACTION = `// Signs a number only if it is prime.
// jsParams: { number, publicKey }; signs the number as a 32-byte big-endian integer.
const n = Number(number);
const isPrime = (v) => {
  if (!Number.isSafeInteger(v) || v < 2) return false;
  for (let d = 2; d * d <= v; d++) if (v % d === 0) return false;
  return true;
};
if (!isPrime(n)) throw new Error(n + ' is not prime');
const toSign = new Uint8Array(32);
let rest = BigInt(n);
for (let i = 31; i >= 0; i--) {
  toSign[i] = Number(rest & 255n);
  rest >>= 8n;
}
await Lit.Actions.signEcdsa({ toSign, publicKey, sigName: 'prime' });
Lit.Actions.setResponse({ response: JSON.stringify({ prime: n }) });
`;

/** The digest the prime action signs for `n`. */
export function primeDigest(n: number | bigint): string {
  return `0x${BigInt(n).toString(16).padStart(64, '0')}`;
}
