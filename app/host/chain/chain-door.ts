import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

/**
 * What the chain gateway lets in from outside (dapp tools, the nodes' writes). Everything but
 * Litbox's own host process comes through here; the host itself calls the gateway in process.
 */

/**
 * Reads of the chain, and writes as raw signed transactions: every method a dapp tool (cast,
 * viem, ethers) needs and none that changes the chain without a signature. An allow-list, so a
 * cheat method a new anvil adds (anvil already has eth_sendUnsignedTransaction) stays out.
 */
export const PUBLIC_METHODS: ReadonlySet<string> = new Set([
  'eth_sendRawTransaction',
  'eth_chainId',
  'eth_blockNumber',
  'eth_syncing',
  'eth_accounts',
  'eth_coinbase',
  'eth_mining',
  'eth_hashrate',
  'eth_protocolVersion',
  'eth_getBalance',
  'eth_getCode',
  'eth_getStorageAt',
  'eth_getTransactionCount',
  'eth_getProof',
  'eth_call',
  'eth_simulateV1',
  'eth_estimateGas',
  'eth_createAccessList',
  'eth_gasPrice',
  'eth_maxPriorityFeePerGas',
  'eth_blobBaseFee',
  'eth_feeHistory',
  'eth_getBlockByNumber',
  'eth_getBlockByHash',
  'eth_getBlockReceipts',
  'eth_getBlockTransactionCountByNumber',
  'eth_getBlockTransactionCountByHash',
  'eth_getUncleCountByBlockNumber',
  'eth_getUncleCountByBlockHash',
  'eth_getUncleByBlockNumberAndIndex',
  'eth_getUncleByBlockHashAndIndex',
  'eth_getTransactionByHash',
  'eth_getTransactionByBlockNumberAndIndex',
  'eth_getTransactionByBlockHashAndIndex',
  'eth_getTransactionReceipt',
  'eth_getLogs',
  'eth_newFilter',
  'eth_newBlockFilter',
  'eth_newPendingTransactionFilter',
  'eth_getFilterChanges',
  'eth_getFilterLogs',
  'eth_uninstallFilter',
  'net_version',
  'net_listening',
  'net_peerCount',
  'web3_clientVersion',
  'web3_sha3',
  'debug_traceTransaction',
  'debug_traceCall',
  'trace_transaction',
  'trace_block',
  'trace_filter',
  'txpool_status',
  'txpool_inspect',
  'txpool_content',
  'ots_getApiLevel',
  'ots_hasCode',
  'ots_getInternalOperations',
  'ots_getTransactionError',
  'ots_traceTransaction',
  'ots_getBlockDetails',
  'ots_getBlockDetailsByHash',
  'ots_getBlockTransactions',
  'ots_searchTransactionsBefore',
  'ots_searchTransactionsAfter',
  'ots_getTransactionBySenderAndNonce',
  'ots_getContractCreator',
]);

export interface DoorRefusal {
  status: number;
  message: string;
}

/**
 * The HTTP checks, before the body is read: addressed to us by our loopback name and port (a
 * rebinding Host is refused), no browser page of another origin (no CORS is ever granted, so a
 * page can neither read nor, with a text/plain body, write), the secret in the path, JSON.
 */
export function checkDoor(req: http.IncomingMessage, port: number, token: string | undefined): DoorRefusal | undefined {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  if (!req.headers.host || !hosts.has(req.headers.host))
    return { status: 403, message: 'requests must be addressed to 127.0.0.1' };
  const origin = req.headers.origin;
  if (origin !== undefined && !(origin.startsWith('http://') && hosts.has(origin.slice('http://'.length))))
    return { status: 403, message: 'web pages may not use the chain RPC' };
  // No token: `up --lit-local`'s open door, at any path (nagaLocal posts to the bare URL).
  if (token !== undefined && !hasToken(req.url ?? '', token))
    return { status: 403, message: 'the chain RPC URL carries a secret: take the whole URL from `litbox status`' };
  if (req.method !== 'POST') return { status: 405, message: 'JSON-RPC over POST only' };
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return { status: 415, message: 'the body must be application/json' };
  return undefined;
}

function hasToken(url: string, token: string): boolean {
  const prefix = '/rpc/';
  if (!url.startsWith(prefix)) return false;
  const given = Buffer.from(url.slice(prefix.length));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Why a call may not pass (undefined: it may). With cheats on, any method anvil offers passes. */
export function refusedMethod(method: string, cheatsAllowed: boolean): string | undefined {
  if (cheatsAllowed || PUBLIC_METHODS.has(method)) return undefined;
  if (method === 'eth_sendTransaction' || method === 'eth_sendUnsignedTransaction')
    return `${method} is refused: writes are raw signed transactions (eth_sendRawTransaction)`;
  return `${method} is refused: the sandbox's cheat methods are off (turn them on in Settings, "Chain cheat methods")`;
}
