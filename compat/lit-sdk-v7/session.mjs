// Session signatures for a wallet, made the way Lit's v7 docs make them: a SIWE with ReCaps
// signed by the wallet (EIP-191), then one Ed25519-signed session message per node.
import { createSiweMessageWithRecaps, generateAuthSig } from '@lit-protocol/auth-helpers';

/**
 * `resourceAbilityRequests`: [{resource: new LitPKPResource('*'), ability: LIT_ABILITY.PKPSigning}, …].
 * `expiresInMs`: how long the session (and the wallet's capability) holds.
 */
export async function walletSessionSigs(client, wallet, resourceAbilityRequests, expiresInMs = 15 * 60_000) {
  const expiration = new Date(Date.now() + expiresInMs).toISOString();
  return client.getSessionSigs({
    chain: 'ethereum',
    expiration,
    resourceAbilityRequests,
    authNeededCallback: async ({ uri, expiration: capabilityExpiration, resourceAbilityRequests: requests }) => {
      const toSign = await createSiweMessageWithRecaps({
        uri,
        expiration: capabilityExpiration,
        resources: requests,
        walletAddress: wallet.address,
        nonce: await client.getLatestBlockhash(),
        litNodeClient: client,
      });
      return generateAuthSig({ signer: wallet, toSign });
    },
  });
}

/** Runs `fn`, returns how it failed (the SDK's error name and message) or that it did not. */
export async function failureOf(fn) {
  try {
    await fn();
    return { failed: false };
  } catch (err) {
    return { failed: true, name: err?.name, message: String(err?.message ?? err) };
  }
}
