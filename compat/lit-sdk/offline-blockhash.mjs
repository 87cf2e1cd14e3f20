/* global URL, Response */
// Lit's v8 SDK takes the nonce of every SIWE message it builds from a Lit web service
// (https://block-indexer.litgateway.com/get_most_recent_valid_block), with no fallback: offline,
// every auth context fails with "fetch failed". Litbox nodes do not check that nonce's age, so
// this helper answers that one request from the sandbox chain instead, and passes every other
// request to the real fetch. Use it in tests and scripts that run the SDK against Litbox:
//
//   import { answerLitBlockIndexerFrom } from './offline-blockhash.mjs';
//   const restore = answerLitBlockIndexerFrom(rpcUrl); // status --json → chain.rpcUrl
//   ... createLitClient(...), createAuthManager(...) ...
//   restore();

export const LIT_BLOCK_INDEXER_URL = 'https://block-indexer.litgateway.com/get_most_recent_valid_block';

/** Installs the answer on globalThis.fetch; returns a function that puts the original back. */
export function answerLitBlockIndexerFrom(rpcUrl) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url !== LIT_BLOCK_INDEXER_URL) return realFetch(input, init);
    const reply = await realFetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getBlockByNumber', params: ['latest', false] }),
    });
    const { result } = await reply.json();
    if (!result?.hash) return new Response('the sandbox chain gave no latest block', { status: 502 });
    return Response.json({ blockhash: result.hash, timestamp: Number(BigInt(result.timestamp)) });
  };
  return () => {
    globalThis.fetch = realFetch;
  };
}
