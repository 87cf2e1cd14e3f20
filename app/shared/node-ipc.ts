import { z } from 'zod';
import { ContractAddresses } from './contracts/addresses.ts';

/**
 * Messages between the host's supervisor and a node process over the Node IPC channel.
 * Configuration travels here, not in argv or the environment, so that nothing secret
 * ever shows in a process listing.
 */

export const NodeLaunchConfig = z.object({
  type: z.literal('launch'),
  index: z.number().int().min(1),
  nodeCount: z.number().int().min(1),
  port: z.number().int().min(0).max(65535),
  /** The node's own folder inside the data directory; it holds node.sqlite. */
  dir: z.string(),
  /** The host's journaling chain gateway, its secret in the path: every transaction goes through it. */
  chainRpcUrl: z.string(),
  /** anvil's IPC socket (in the data directory, only this OS user can open it), for reads that need no journal. */
  chainIpcPath: z.string().optional(),
  chainId: z.number().int(),
  /** 32-byte key (base64) that encrypts the node's secrets at rest; derived from the host's vault. */
  storageKey: z.string(),
  /** Known once genesis ran; before that the node only answers /health. */
  contracts: ContractAddresses.optional(),
  /** Which auth methods the network accepts, and against what. */
  auth: z
    .object({
      /** GoogleJwt: trusted issuers (the local test issuer, Google) and OAuth client ids. */
      oidc: z
        .object({
          issuers: z.array(z.object({ issuer: z.string(), jwksUri: z.string().optional() })),
          audiences: z.array(z.string()),
        })
        .optional(),
      /** WebAuthn: the origins the wallet UI is served from, and the relying party id. */
      webauthn: z.object({ origins: z.array(z.string()), rpId: z.string() }).optional(),
    })
    .optional(),
  /**
   * The data directory's action store (<dataDir>/actions): code by CID, for Lit's executeJs by
   * `ipfsId` alone. The node checks every file hashes to its CID, so the host is not trusted.
   */
  actionsDir: z.string().optional(),
  /** URL prefixes Lit Actions may fetch (default: none). */
  fetchAllowList: z.array(z.string()).optional(),
  /** Background pools the network keeps full. */
  pools: z.object({ keys: z.number().int().min(0), presignatures: z.number().int().min(0) }).optional(),
  /**
   * Join only once the Lit Action runner process is ready (the default). A node that restarts
   * into a serving network does, so that no request in flight waits for a runner to start. At
   * the network's own start (false) no request is in flight: it joins at once and starts its
   * runner once the host says the network is usable (startRunner), at its first executeJs
   * (which waits for it), or 30 s after joining, whichever comes first.
   */
  awaitRunner: z.boolean().optional(),
});
export type NodeLaunchConfig = z.infer<typeof NodeLaunchConfig>;

/** What the host tells a running node over IPC (after the launch config). */
export const HostToNodeMessage = z.discriminatedUnion('type', [
  /** After genesis: the contracts through which the node finds its peers. */
  z.object({ type: z.literal('network'), contracts: ContractAddresses }),
  /**
   * The network is usable: a node that joined without its Lit Action runner (awaitRunner
   * false) starts it now, no longer taking CPU from the other nodes' start.
   */
  z.object({ type: z.literal('startRunner') }),
  /**
   * A node of the network stopped, died or became ready: the leader looks at the pools now
   * instead of at its next turn (the presignatures the live nodes share may be none now).
   */
  z.object({ type: z.literal('peersChanged') }),
]);
export type HostToNodeMessage = z.infer<typeof HostToNodeMessage>;

/** A node's Lit Action runner: its runs, its queue, and the runner processes it had to replace. */
export const ActionRunnerHealth = z.object({
  /** Runs at the same time, both lanes (the host's client's and outsiders'). */
  capacity: z.number().int(),
  running: z.number().int(),
  queued: z.number().int(),
  runnersAlive: z.number().int(),
  /** Runner processes ready and without a run. */
  runnersIdle: z.number().int(),
  runnersStarted: z.number().int(),
  /** Runner processes killed (a run past its time or memory) or lost, and replaced. */
  runnersReplaced: z.number().int(),
  endedAtTimeout: z.number().int(),
  endedAtMemory: z.number().int(),
  crashed: z.number().int(),
  /** Runs answered "busy" (no slot within the requester's share, or the lane's queue full). */
  busyRefusals: z.number().int(),
  startFailures: z.number().int(),
  lastReplaced: z.object({ reason: z.string(), at: z.number() }).nullable(),
  /** Runs more than 2 s past their kill deadline (a runner that will not die). */
  overdue: z.number().int(),
  /** True when a run is overdue or no runner process can be started. */
  stuck: z.boolean(),
});
export type ActionRunnerHealth = z.infer<typeof ActionRunnerHealth>;

/** What GET /health on a node answers. */
export const NodeHealth = z.object({
  ok: z.literal(true),
  index: z.number().int(),
  address: z.string(),
  uptimeMs: z.number(),
  /** False until the node knows the contracts and its peers. */
  networkReady: z.boolean(),
  keysReady: z.number().int(),
  /** The network's BLS12-381 public key (48-byte compressed G1, hex) once genesis made it. */
  networkPublicKey: z.string().nullable(),
  presignaturesFresh: z.number().int(),
  /** Absent until the node has joined the network (the runner starts then). */
  actionRunner: ActionRunnerHealth.optional(),
});
export type NodeHealth = z.infer<typeof NodeHealth>;

export const NodeToHostMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    port: z.number().int(),
    address: z.string(),
    /** Ed25519 and X25519 public keys (hex), registered on chain beside the address. */
    signingKey: z.string(),
    encryptionKey: z.string(),
    /**
     * Its /health at that moment: the host knows the node's pools as it comes up, without
     * a round of health calls before it can say the network is usable.
     */
    health: NodeHealth,
  }),
  z.object({ type: z.literal('fatal'), message: z.string() }),
]);
export type NodeToHostMessage = z.infer<typeof NodeToHostMessage>;
