import { z } from 'zod';

/**
 * The wallet provider's wire: JSON-RPC 2.0 as EIP-1193 dapps and EIP-1474 clients (viem, ethers,
 * cast, did-session) speak it, the error codes both EIPs define, and the shapes the host API uses
 * to show the approval queue and the connected sites to the person.
 */

/** EIP-1193 and EIP-1474 error codes. */
export const PROVIDER_ERRORS = {
  userRejected: 4001,
  unauthorized: 4100,
  unsupportedMethod: 4200,
  disconnected: 4900,
  chainDisconnected: 4901,
  unrecognizedChain: 4902,
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  limitExceeded: -32005,
} as const;

export const JsonRpcId = z.union([z.string().max(128), z.number(), z.null()]);

/** One JSON-RPC 2.0 request; params are checked per method. */
export const JsonRpcRequest = z.object({
  jsonrpc: z.literal('2.0'),
  id: JsonRpcId.optional(),
  method: z.string().min(1).max(128),
  params: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
});
export type JsonRpcRequest = z.infer<typeof JsonRpcRequest>;

/** An event pushed over the WebSocket (EIP-1193 events: connect, accountsChanged, chainChanged). */
export const WALLET_EVENT_METHOD = 'wallet_event';

/** The header the companion extension's service worker sets to say which page it relays for. */
export const RELAYED_ORIGIN_HEADER = 'x-litbox-page-origin';

/** The provider port a new data directory tries first (the companion extension's default). */
export const DEFAULT_PROVIDER_PORT = 31338;

/** A PKP a client may use: the address dapps see and the key the network signs with. */
export const ProviderAccount = z.object({ address: z.string(), publicKey: z.string() });
export type ProviderAccount = z.infer<typeof ProviderAccount>;

/** What waits for the person: a connection, or one signature. */
export const PendingApproval = z.object({
  id: z.string(),
  /** The page's origin (https://…) or `local:NAME` for a program on this machine. */
  client: z.string(),
  /** How Litbox names the client to the person. */
  clientLabel: z.string(),
  kind: z.enum(['connect', 'transaction', 'sign-transaction', 'message', 'typed-data']),
  /** The PKP asked to sign (null for a connection). */
  account: ProviderAccount.nullable(),
  /** What will be signed, as label/value rows (the same rows the PKP pages show). */
  rows: z.array(z.object({ label: z.string(), value: z.string() })),
  /** A personal message as text (hex when it is not UTF-8). */
  message: z.string().nullable(),
  /** EIP-712 data's domain and message, shown field by field. */
  typedData: z
    .object({ domain: z.record(z.string(), z.unknown()), message: z.record(z.string(), z.unknown()) })
    .nullable(),
  createdAt: z.number(),
  expiresAt: z.number(),
});
export type PendingApproval = z.infer<typeof PendingApproval>;

export const ConnectedClient = z.object({
  client: z.string(),
  clientLabel: z.string(),
  accounts: z.array(ProviderAccount),
  connectedAt: z.number(),
});
export type ConnectedClient = z.infer<typeof ConnectedClient>;

export const ProviderState = z.object({
  /** http://127.0.0.1:PORT (ws://… on the same port); null while the network starts. */
  url: z.string().nullable(),
  /** The named local client `up --approve-all-from` trusts, or null. */
  approveAllFrom: z.string().nullable(),
  pending: z.array(PendingApproval),
  connected: z.array(ConnectedClient),
});
export type ProviderState = z.infer<typeof ProviderState>;
