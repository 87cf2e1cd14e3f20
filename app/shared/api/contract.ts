import { z } from 'zod';
import { ContractAddresses } from '../contracts/addresses.ts';

/**
 * The one API contract between the host and every caller (renderer, CLI, tests).
 * The server validates each call's input with these schemas; clients take their types
 * from them. Add a call here first, then its handler in app/host/api.
 */

export const NodeStatus = z.object({
  index: z.number().int().min(1),
  url: z.string(),
  pid: z.number().int().nullable(),
  up: z.boolean(),
  restarts: z.number().int().min(0),
  /** The node's registered identity address, once it has started at least once. */
  address: z.string().nullable(),
  /** PKP key shares this node holds, and its fresh presignatures (null while unknown). */
  keysReady: z.number().int().nullable(),
  presignaturesFresh: z.number().int().nullable(),
});
export type NodeStatus = z.infer<typeof NodeStatus>;

export const ChainStatus = z.object({
  rpcUrl: z.string(),
  chainId: z.number().int(),
  blockNumber: z.number().int().nullable(),
  up: z.boolean(),
});
export type ChainStatus = z.infer<typeof ChainStatus>;

export const NetworkStatus = z.object({
  /** True once the chain and every node answered after start-up. */
  ready: z.boolean(),
  chain: ChainStatus,
  nodes: z.array(NodeStatus),
  nodeCount: z.number().int(),
  threshold: z.number().int(),
  dataDir: z.string(),
  /** The PKP contracts, once genesis ran: any ethers client can use them. */
  contracts: ContractAddresses.nullable(),
});
export type NetworkStatus = z.infer<typeof NetworkStatus>;

const Empty = z.object({}).strict();

export const NodeIndexInput = z.object({ index: z.number().int().min(1) }).strict();

/** Every call: its input and output schema. Calls are POST /api/<name> with a JSON body. */
export const apiCalls = {
  status: { input: Empty, output: NetworkStatus },
  stopNode: { input: NodeIndexInput, output: NetworkStatus },
  startNode: { input: NodeIndexInput, output: NetworkStatus },
} as const;

export type ApiCalls = typeof apiCalls;
export type ApiCallName = keyof ApiCalls;
export type ApiInput<N extends ApiCallName> = z.input<ApiCalls[N]['input']>;
export type ApiOutput<N extends ApiCallName> = z.infer<ApiCalls[N]['output']>;

/** What the server answers when a call fails: a code a program can branch on, a message a person can act on. */
export const ApiError = z.object({
  code: z.enum(['bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'unavailable', 'internal']),
  message: z.string(),
});
export type ApiError = z.infer<typeof ApiError>;

/** Messages pushed over the live WebSocket (/api/live). */
export const LiveMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: NetworkStatus }),
]);
export type LiveMessage = z.infer<typeof LiveMessage>;

/** The WebSocket subprotocol; the token travels as a second subprotocol, never in the URL. */
export const LIVE_PROTOCOL = 'litbox.v1';
export const LIVE_PATH = '/api/live';
