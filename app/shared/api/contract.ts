import { z } from 'zod';
import { ContractAddresses } from '../contracts/addresses.ts';
import { LitSdkContexts } from '../lit-sdk/contexts.ts';
import { EncryptedData, MAX_PLAINTEXT_BYTES } from '../encryption/encrypted-data.ts';
import { ProviderState } from '../provider/provider-wire.ts';
import {
  Address,
  AddressText,
  Cid,
  Digest,
  Hex,
  HexText,
  PkpSignature,
  PublicKey,
  SignatureHex,
  TransactionHash,
} from '../wire-values.ts';

/** The Lit SDK's signature shape, plus which nodes' shares made it. */
export { PkpSignature };

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
  /** The node's Lit Action runner: runs now, runner processes replaced, stuck (absent while unknown). */
  actionRunner: z
    .object({
      running: z.number().int(),
      capacity: z.number().int(),
      queued: z.number().int(),
      runnersReplaced: z.number().int(),
      lastReplacedReason: z.string().nullable(),
      busyRefusals: z.number().int(),
      stuck: z.boolean(),
    })
    .nullable()
    .optional(),
});
export type NodeStatus = z.infer<typeof NodeStatus>;

export const ChainStatus = z.object({
  /** The chain's JSON-RPC URL for dapp tools; its path carries a secret. */
  rpcUrl: z.string(),
  /** Whether cheat methods (anvil_*, evm_*, eth_sendTransaction…) are open on rpcUrl (Settings). */
  cheats: z.boolean(),
  chainId: z.number().int(),
  blockNumber: z.number().int().nullable(),
  up: z.boolean(),
});
export type ChainStatus = z.infer<typeof ChainStatus>;

/** The last signature (or decryption) the host's Lit client combined: which nodes' shares made it. */
export const LastSignature = z.object({
  kind: z.enum(['pkpSign', 'executeJs', 'decrypt']),
  nodes: z.array(z.number().int()),
  at: z.number(),
  publicKey: z.string().nullable(),
});
export type LastSignature = z.infer<typeof LastSignature>;

/** The optional Ceramic node (`litbox up --ceramic`): js-ceramic on loopback, in-memory network. */
export const CeramicStatus = z.object({
  url: z.string(),
  up: z.boolean(),
  pid: z.number().int().nullable(),
  restarts: z.number().int(),
});
export type CeramicStatus = z.infer<typeof CeramicStatus>;

export const NetworkStatus = z.object({
  /** True once the chain and every node answered after start-up. */
  ready: z.boolean(),
  /**
   * True once every verb works: the network key is agreed, a routed key waits on chain for a
   * mint and T nodes hold presignatures (`litbox up` prints `ready` then; `litbox wait` waits for it).
   */
  usable: z.boolean().optional(),
  /** The background pools still below their targets (they keep filling after `usable`). */
  filling: z
    .array(
      z.object({
        part: z.enum(['network key', 'key pool', 'presignatures']),
        have: z.number().int(),
        want: z.number().int(),
      }),
    )
    .optional(),
  chain: ChainStatus,
  nodes: z.array(NodeStatus),
  nodeCount: z.number().int(),
  threshold: z.number().int(),
  dataDir: z.string(),
  /** The PKP contracts, once genesis ran: any ethers client can use them. */
  contracts: ContractAddresses.nullable(),
  /** The files Lit's own JavaScript SDKs connect with (docs/LIT-SDK.md); null for a network made before them. */
  litSdk: LitSdkContexts.nullable().optional(),
  /** The network's BLS12-381 key (48-byte compressed G1, hex), made by DKG at genesis. */
  networkPublicKey: z.string().nullable(),
  /** Null until the wallet made its first signature since start-up. */
  lastSignature: LastSignature.nullable(),
  /** The wallet provider endpoint for dapps and tools (docs/PROVIDER.md), once it listens. */
  provider: z.object({ url: z.string(), approveAllFrom: z.string().nullable() }).nullable().optional(),
  /** The Ceramic node when the host was started with --ceramic, else null. */
  ceramic: CeramicStatus.nullable().optional(),
});
export type NetworkStatus = z.infer<typeof NetworkStatus>;

const Empty = z.object({}).strict();

export const Pkp = z.object({
  /** uint256 as a decimal string. */
  tokenId: z.string(),
  /** 65-byte uncompressed secp256k1 key, 0x04… */
  publicKey: z.string(),
  ethAddress: z.string(),
  /** Who owns the NFT: "wallet", "self" (the PKP itself), "burned", or another address. */
  owner: z.string().optional(),
  /** The name the person gave it (kept by the host), if any. */
  name: z.string().optional(),
  /** Its ETH balance on the sandbox chain (pkpList fills it in). */
  balanceWei: z.string().optional(),
});
export type Pkp = z.infer<typeof Pkp>;

export const MintedPkp = Pkp.extend({ transactionHash: z.string(), mintMs: z.number() });

/**
 * Who signs: the wallet account (default), a signed-in Google-style account (by its sub), or a
 * passkey assertion made for this request (its JSON, over a challenge from passkeyChallenge).
 */
export const SignAs = z.union([
  z.object({ wallet: z.literal(true) }).strict(),
  z.object({ account: z.string().min(1).max(255) }).strict(),
  z.object({ passkey: z.string().min(1).max(16_384) }).strict(),
]);
export type SignAs = z.infer<typeof SignAs>;

export const PkpSignInput = z
  .object({
    publicKey: PublicKey,
    toSign: Digest,
    as: SignAs.optional(),
  })
  .strict();

export const Account = z.object({ sub: z.string(), email: z.string().optional(), authMethodId: z.string() });
export type Account = z.infer<typeof Account>;

export const WalletInfo = z.object({ address: z.string(), balanceWei: z.string() });

export const ActionRunInput = z
  .object({
    code: z
      .string()
      .min(1)
      .max(16 * 1024 * 1024)
      .optional(),
    ipfsId: Cid.optional(),
    jsParams: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((v) => (v.code === undefined) !== (v.ipfsId === undefined), 'give either code or ipfsId');

export const ActionRunResult = z.object({
  ipfsId: z.string(),
  response: z.string().optional(),
  logs: z.string(),
  signatures: z.record(z.string(), PkpSignature),
  nodes: z.array(
    z.object({
      node: z.number().int(),
      response: z.string().optional(),
      logs: z.string(),
      error: z.object({ kind: z.string(), message: z.string() }).optional(),
      signatures: z.array(z.string()),
    }),
  ),
});
export type ActionRunResult = z.infer<typeof ActionRunResult>;

export const MintGrantBurnVerdict = z.object({
  valid: z.boolean(),
  ipfsId: z.string(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
});

export const NodeIndexInput = z.object({ index: z.number().int().min(1) }).strict();

const EthText = z.string().regex(/^\d+(\.\d+)?$/, 'must be an amount of ETH like 0.25');
const WeiText = z.string().regex(/^\d+$/, 'must be a whole number (wei)');
const ScopeIds = z.array(z.number().int());

/** A PKP as the chain knows it: owner, balance, who may sign with it, and its history from events. */
export const PkpDetails = z.object({
  tokenId: z.string(),
  publicKey: z.string(),
  ethAddress: z.string(),
  balanceWei: z.string(),
  /** "wallet", "self", "burned", or the owner's address. */
  owner: z.string(),
  /** The zero address once burned. */
  ownerAddress: z.string(),
  /** Auth methods other than Lit Actions and permitted addresses (those have their own lists). */
  authMethods: z.array(
    z.object({
      authMethodType: z.number().int(),
      typeName: z.string(),
      id: z.string(),
      userPubkey: z.string(),
      scopes: ScopeIds,
    }),
  ),
  actions: z.array(z.object({ ipfsId: z.string(), id: z.string(), scopes: ScopeIds })),
  /** The owner first (always permitted, no scope needed), then permitted addresses. */
  addresses: z.array(z.object({ address: z.string(), isOwner: z.boolean(), permitted: z.boolean(), scopes: ScopeIds })),
  history: z.array(
    z.object({
      blockNumber: z.number().int(),
      /** Block time, ms since 1970. */
      at: z.number(),
      transactionHash: z.string(),
      event: z.string(),
      description: z.string(),
    }),
  ),
});

/** An EIP-1559 transaction with every field filled in: exactly what the PKP is asked to sign. */
export const PreparedTransaction = z.object({
  chainId: z.number().int().positive(),
  nonce: z.number().int().min(0),
  to: AddressText,
  valueWei: WeiText,
  data: HexText,
  gasLimit: WeiText,
  maxFeePerGas: WeiText,
  maxPriorityFeePerGas: WeiText,
});
export type PreparedTransaction = z.infer<typeof PreparedTransaction>;

/** Calldata decoded with the ABI of a known contract (the PKP contracts). */
export const DecodedCall = z.object({
  contract: z.string(),
  functionName: z.string(),
  signature: z.string(),
  args: z.array(z.object({ name: z.string(), type: z.string(), value: z.string() })),
});
export type DecodedCall = z.infer<typeof DecodedCall>;

/** A transaction from a PKP, as a person fills it in (nonce, gas and fees may be left to the host). */
const PkpTransactionRequest = z.object({
  publicKey: PublicKey,
  to: Address,
  valueEth: EthText,
  data: Hex.optional(),
});

/** A CACAO (chain-agnostic object capability) as @didtools/cacao reads it: header, payload, signature. */
export const CacaoJson = z.object({
  h: z.object({ t: z.string() }),
  p: z.object({
    domain: z.string(),
    iss: z.string(),
    aud: z.string(),
    version: z.string(),
    nonce: z.string(),
    iat: z.string(),
    nbf: z.string().optional(),
    exp: z.string().optional(),
    statement: z.string().optional(),
    requestId: z.string().optional(),
    resources: z.array(z.string()).optional(),
  }),
  s: z.object({ t: z.string(), s: z.string() }).optional(),
});

/** A Ceramic sign-in for a PKP, as did-session makes one: a did:pkh CACAO delegating to a session key. */
export const CeramicSessionInput = z
  .object({
    publicKey: PublicKey,
    /** What the session may write (did-session's resources): ceramic://* (the default) or stream URIs. */
    resources: z.array(z.string().min(1).max(2048)).min(1).max(64).optional(),
    /** Lifetime from now; did-session's default is a week. */
    expiresInSecs: z.number().int().min(60).optional(),
    /** The app asking, the SIWE domain ("litbox" when left out). */
    domain: z.string().min(1).max(255).optional(),
    /** A JSON object for the session key to sign (a JWS whose `cap` header names the CACAO). */
    payload: z.record(z.string(), z.unknown()).optional(),
    /**
     * Also return the serialized did-session (DIDSession.fromSession reads it). It holds the
     * session key's seed: a secret for the caller (the CLI, a dapp), never shown in the UI or logged.
     */
    exportSession: z.boolean().optional(),
    as: SignAs.optional(),
  })
  .strict();

export const CeramicSession = z.object({
  /** did:pkh:eip155:<chain id>:<PKP address> */
  did: z.string(),
  /** The session key's did:key (Ed25519). */
  sessionDid: z.string(),
  cacao: CacaoJson,
  /** The CACAO block's CID (dag-cbor): JWS headers carry it as cap = ipfs://<cid>. */
  cacaoCid: z.string(),
  expiresAt: z.string(),
  resources: z.array(z.string()),
  jws: z
    .object({
      payload: z.string(),
      signatures: z.array(z.object({ protected: z.string(), signature: z.string() })),
    })
    .optional(),
  session: z.string().optional(),
});
export type CeramicSession = z.infer<typeof CeramicSession>;

/** Every call: its input and output schema. Calls are POST /api/<name> with a JSON body. */
export const EncryptInput = z
  .object({
    /** Lit's accessControlConditions JSON; the sandbox chain is "litbox". */
    conditions: z.array(z.unknown()).min(1).max(32),
    text: z.string().max(MAX_PLAINTEXT_BYTES).optional(),
    dataBase64: z
      .string()
      .max(Math.ceil(MAX_PLAINTEXT_BYTES / 3) * 4)
      .regex(/^[A-Za-z0-9+/]*=*$/, 'must be base64')
      .optional(),
    fileName: z.string().min(1).max(255).optional(),
  })
  .strict()
  .refine((v) => (v.text === undefined) !== (v.dataBase64 === undefined), 'give either text or dataBase64');

export const DecryptInput = z
  .object({
    encrypted: EncryptedData,
    /** Who asks (default: the wallet account's auth sig). */
    as: SignAs.optional(),
    /** Ask as this PKP: its address is :userAddress; `as` must be permitted on it. */
    pkpPublicKey: PublicKey.optional(),
  })
  .strict();

export const DecryptOutput = z.object({
  /** The plaintext as UTF-8 text, when it is valid UTF-8. */
  text: z.string().optional(),
  dataBase64: z.string(),
  fileName: z.string().optional(),
  /** The nodes whose shares made the key, and the address whose conditions they checked. */
  nodes: z.array(z.number().int()),
  userAddress: z.string().nullable(),
  nodeMs: z.record(z.string(), z.number()),
  combineMs: z.number(),
});

/** Longest PKP name (it shows in the header and in tables). */
export const MAX_PKP_NAME_LENGTH = 40;

/** One line of an account's history: a chain transaction from or to it, or something the wallet did for it. */
export const AccountHistoryEntry = z.object({
  /** ms since 1970 */
  at: z.number(),
  /** "chain" for a transaction found on the chain, "wallet" for the wallet's own record (faucet, signatures). */
  source: z.enum(['chain', 'wallet']),
  /** What happened: "received", "sent", "faucet", "signature", "permission", … */
  kind: z.string(),
  direction: z.enum(['in', 'out', 'none']),
  counterparty: z.string().nullable(),
  valueWei: z.string().nullable(),
  result: z.enum(['ok', 'failed']),
  detail: z.string(),
  transactionHash: z.string().nullable(),
  digest: z.string().nullable(),
  blockNumber: z.number().int().nullable(),
});
export type AccountHistoryEntry = z.infer<typeof AccountHistoryEntry>;

/** A transaction with its receipt, for the detail view. */
export const TransactionDetail = z.object({
  hash: z.string(),
  status: z.enum(['success', 'reverted', 'pending']),
  blockNumber: z.number().int().nullable(),
  at: z.number().nullable(),
  from: z.string(),
  to: z.string().nullable(),
  valueWei: z.string(),
  nonce: z.number().int(),
  data: z.string(),
  gasLimit: z.string(),
  gasUsed: z.string().nullable(),
  effectiveGasPriceWei: z.string().nullable(),
  maxFeePerGasWei: z.string().nullable(),
  chainId: z.number().int(),
  logCount: z.number().int(),
  decoded: DecodedCall.nullable(),
});
export type TransactionDetail = z.infer<typeof TransactionDetail>;

/** The social example (docs/CERAMIC.md): one post in its Ceramic feed. */
export const SocialPost = z.object({
  id: z.number().int(),
  author: z.string(),
  text: z.string(),
  at: z.string(),
  likes: z.array(z.string()),
});
export const SocialApp = z.object({
  pkp: z.object({ tokenId: z.string(), publicKey: z.string(), ethAddress: z.string() }),
  did: z.string(),
  streamId: z.string(),
  actions: z.object({ createPost: z.string(), likePost: z.string() }),
  transactions: z.array(z.string()),
});
export type SocialApp = z.infer<typeof SocialApp>;
const SocialWrite = z.object({
  streamId: z.string(),
  commit: z.string(),
  ms: z.number(),
  posts: z.array(SocialPost),
});

export const apiCalls = {
  status: { input: Empty, output: NetworkStatus },
  /** The social example: a PKP only its actions may sign with, owning a Ceramic feed (`up --ceramic`). */
  socialSetup: { input: Empty, output: SocialApp },
  socialPost: { input: z.object({ text: z.string().max(100_000) }).strict(), output: SocialWrite },
  socialLike: { input: z.object({ postId: z.number().int().min(1) }).strict(), output: SocialWrite },
  /** Could every write to a stream only have come from these actions? (`litbox verify --stream`) */
  verifyStream: {
    input: z.object({ streamId: z.string().min(1).max(200), actions: z.array(Cid).min(1).max(50) }).strict(),
    output: z.object({ valid: z.boolean(), streamId: z.string(), checks: MintGrantBurnVerdict.shape.checks }),
  },
  socialFeed: {
    input: Empty,
    output: z.object({ app: SocialApp, posts: z.array(SocialPost), commits: z.number().int() }),
  },
  stopNode: { input: NodeIndexInput, output: NetworkStatus },
  startNode: { input: NodeIndexInput, output: NetworkStatus },
  wallet: { input: Empty, output: WalletInfo },
  pkpMint: { input: Empty, output: MintedPkp },
  pkpList: { input: Empty, output: z.object({ pkps: z.array(Pkp) }) },
  pkpSign: { input: PkpSignInput, output: PkpSignature },
  signInStart: {
    input: z.object({ provider: z.enum(['local', 'google']).default('local') }).strict(),
    output: z.object({ id: z.string(), url: z.string() }),
  },
  signInFinish: { input: z.object({ id: z.string().min(1).max(64) }).strict(), output: Account },
  /** Ends a started sign-in (Cancel, or its window closed): the host stops listening for it. */
  signInCancel: {
    input: z.object({ id: z.string().min(1).max(64) }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
  accounts: { input: Empty, output: z.object({ accounts: z.array(Account) }) },
  pkpMintForAccount: {
    input: z.object({ account: z.string().min(1).max(255), sendPkpToItself: z.boolean().default(true) }).strict(),
    output: Pkp.extend({ transactionHash: z.string() }),
  },
  passkeyChallenge: {
    input: z.object({ purpose: z.enum(['register', 'login']) }).strict(),
    output: z.object({ challenge: z.string() }),
  },
  pkpMintWithPasskey: {
    input: z.object({ registration: z.string().min(1).max(16_384) }).strict(),
    output: Pkp.extend({ transactionHash: z.string() }),
  },
  pkpPermissionChange: {
    input: z
      .object({
        publicKey: PublicKey,
        change: z.discriminatedUnion('kind', [
          z.object({
            kind: z.literal('addAddress'),
            address: Address,
            scopes: z.array(z.number().int().min(1).max(2)).min(1),
          }),
          z.object({ kind: z.literal('removeAddress'), address: Address }),
          z.object({
            kind: z.literal('addAction'),
            ipfsId: Cid,
            scopes: z.array(z.number().int().min(1).max(2)).min(1),
          }),
          z.object({ kind: z.literal('removeAction'), ipfsId: Cid }),
          z.object({
            kind: z.literal('removeAuthMethod'),
            authMethodType: z.number().int().min(1),
            id: Hex.refine((id) => id.length > 2, 'must be at least one byte of hex'),
          }),
        ]),
        as: SignAs.optional(),
      })
      .strict(),
    output: z.object({ transactionHash: z.string() }),
  },
  activity: {
    input: z.object({ query: z.string().max(200).optional() }).strict(),
    output: z.object({
      entries: z.array(
        z.object({
          id: z.number(),
          at: z.number(),
          kind: z.string(),
          pkp: z.string().nullable(),
          result: z.enum(['ok', 'failed']),
          detail: z.string(),
          transactionHash: z.string().nullable(),
          digest: z.string().nullable(),
        }),
      ),
    }),
  },
  /** Opens or closes the chain's cheat methods to dapp tools on status.chain.rpcUrl; persisted. */
  setChainCheats: {
    input: z.object({ enabled: z.boolean() }).strict(),
    output: z.object({ cheats: z.boolean() }),
  },
  faucet: {
    input: z
      .object({
        address: Address,
        amountEth: z
          .string()
          .regex(/^\d+(\.\d+)?$/, 'must be an amount of ETH like 1.5')
          .default('10'),
      })
      .strict(),
    output: z.object({ balanceWei: z.string() }),
  },
  pkpSend: {
    input: z
      .object({
        publicKey: PublicKey,
        to: Address,
        valueEth: EthText,
        data: Hex.optional(),
        /** The nonce, gas and fees a preview filled in: the transaction is then signed exactly so. */
        prepared: PreparedTransaction.pick({
          nonce: true,
          gasLimit: true,
          maxFeePerGas: true,
          maxPriorityFeePerGas: true,
        }).optional(),
        as: SignAs.optional(),
      })
      .strict(),
    output: z.object({
      transactionHash: z.string(),
      blockNumber: z.number(),
      from: z.string(),
      to: z.string(),
      valueWei: z.string(),
      /** The mined receipt. */
      blockHash: z.string(),
      nonce: z.number().int(),
      gasUsed: z.string(),
      effectiveGasPriceWei: z.string(),
      status: z.literal('success'),
    }),
  },
  /** What a PKP transaction will be, before anything is signed: filled-in fields and label/value rows. */
  pkpTransactionPreview: {
    input: PkpTransactionRequest.extend({
      /** Another chain than the sandbox's: the transaction can only be exported, so nonce, gas and fee come from here. */
      chainId: z.number().int().positive().optional(),
      nonce: z.number().int().min(0).optional(),
      gasLimit: z.number().int().positive().optional(),
      maxFeePerGasGwei: z
        .string()
        .regex(/^\d+(\.\d+)?$/, 'must be an amount of gwei like 30')
        .optional(),
    }).strict(),
    output: z.object({
      from: z.string(),
      transaction: PreparedTransaction,
      /** True for a sandbox transaction (confirming broadcasts it); false for an export (signed only). */
      broadcast: z.boolean(),
      rows: z.array(z.object({ label: z.string(), value: z.string() })),
      decoded: DecodedCall.nullable(),
    }),
  },
  /** Signs a transaction for any chain id and returns it raw; nothing is broadcast. */
  pkpSignTransactionForChain: {
    input: PkpTransactionRequest.extend({
      chainId: z.number().int().positive(),
      nonce: z.number().int().min(0),
      gasLimit: z.number().int().positive().optional(),
      maxFeePerGasGwei: z
        .string()
        .regex(/^\d+(\.\d+)?$/, 'must be an amount of gwei like 30')
        .optional(),
      as: SignAs.optional(),
    }).strict(),
    output: z.object({ rawTransaction: z.string(), hash: z.string(), from: z.string() }),
  },
  pkpDetails: { input: z.object({ publicKey: PublicKey }).strict(), output: PkpDetails },
  pkpSignMessage: {
    input: z
      .object({
        publicKey: PublicKey,
        message: z.string().max(100_000),
        as: SignAs.optional(),
      })
      .strict(),
    output: z.object({ signature: z.string(), address: z.string() }),
  },
  pkpSignTypedData: {
    input: z
      .object({
        publicKey: PublicKey,
        typedData: z.object({
          domain: z.record(z.string(), z.unknown()),
          types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
          primaryType: z.string().optional(),
          message: z.record(z.string(), z.unknown()),
        }),
        as: SignAs.optional(),
      })
      .strict(),
    output: z.object({ signature: z.string(), address: z.string(), digest: z.string() }),
  },
  passkeyAdd: {
    input: z
      .object({
        publicKey: PublicKey,
        registration: z.string().min(1).max(16_384),
        as: SignAs,
      })
      .strict(),
    output: z.object({ transactionHash: z.string(), authMethodId: z.string() }),
  },
  actionSave: {
    input: z
      .object({
        code: z
          .string()
          .min(1)
          .max(16 * 1024 * 1024),
      })
      .strict(),
    output: z.object({ ipfsId: z.string() }),
  },
  actionRun: { input: ActionRunInput, output: ActionRunResult },
  actionGrant: {
    input: z.object({ publicKey: PublicKey, ipfsId: Cid, scope: z.number().int().min(1).max(2).default(1) }).strict(),
    output: z.object({ transactionHash: z.string() }),
  },
  pkpMintGrantBurn: {
    input: z.object({ ipfsId: Cid }).strict(),
    output: Pkp.extend({ transactionHash: z.string() }),
  },
  verifyMintGrantBurn: {
    input: z
      .object({
        publicKey: PublicKey,
        code: z.string().min(1),
        signature: SignatureHex,
        digest: Digest,
      })
      .strict(),
    output: MintGrantBurnVerdict,
  },
  /** Encrypts a text or a file (base64) to the network key under access control conditions. */
  encrypt: { input: EncryptInput, output: EncryptedData },
  /** Asks the nodes for decryption shares (each checks the conditions) and opens the record. */
  decrypt: { input: DecryptInput, output: DecryptOutput },
  ceramicSession: { input: CeramicSessionInput, output: CeramicSession },
  /** The wallet provider: its address, the requests waiting for the person, the connected sites. */
  providerState: { input: Empty, output: ProviderState },
  /** The person's answer to a waiting request: which PKPs a site may see, or how to sign. */
  providerDecide: {
    input: z
      .object({
        id: z.string().min(1).max(64),
        approve: z.boolean(),
        /** For a connection: the PKPs (public keys) the client may see; at least one to approve. */
        publicKeys: z.array(PublicKey).max(64).optional(),
        /** For a signature: the auth method the nodes check (default: the wallet account). */
        as: SignAs.optional(),
      })
      .strict(),
    output: ProviderState,
  },
  /** Forgets a connected site or local client: it sees no PKP until it asks again. */
  providerDisconnect: { input: z.object({ client: z.string().min(1).max(2048) }).strict(), output: ProviderState },
  /** Names a PKP (an empty name removes it); the host keeps it, every tab shows it. */
  pkpRename: {
    input: z
      .object({
        publicKey: PublicKey,
        name: z.string().max(MAX_PKP_NAME_LENGTH, `a name has at most ${MAX_PKP_NAME_LENGTH} characters`),
      })
      .strict(),
    output: z.object({ name: z.string().nullable() }),
  },
  /** One account's history, newest first: its transactions on the chain (incoming too) and the wallet's record. */
  accountHistory: {
    input: z.object({ address: Address }).strict(),
    output: z.object({ entries: z.array(AccountHistoryEntry) }),
  },
  /** One transaction and its receipt, with its call data decoded when it calls a PKP contract. */
  transaction: {
    input: z.object({ hash: TransactionHash }).strict(),
    output: TransactionDetail,
  },
} as const;

export type ApiCalls = typeof apiCalls;
export type ApiCallName = keyof ApiCalls;
/** What a caller sends: plain strings, optional fields that have defaults. */
export type ApiInput<N extends ApiCallName> = z.input<ApiCalls[N]['input']>;
/** What a handler receives once the server parsed it: values normalised and branded (wire-values.ts), defaults filled in. */
export type ApiParsedInput<N extends ApiCallName> = z.output<ApiCalls[N]['input']>;
export type ApiOutput<N extends ApiCallName> = z.infer<ApiCalls[N]['output']>;

/**
 * One field a refused input is about: its path joined with dots ("to", "conditions.0.method";
 * "input" for the whole), and what is wrong with it in plain words ("must be an Ethereum address").
 */
export const FieldError = z.object({ field: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldError>;

/** What the server answers when a call fails: a code a program can branch on, a message a person can act on. */
export const ApiError = z.object({
  code: z.enum([
    'bad_request',
    'unauthorized',
    'forbidden',
    'not_found',
    'conflict',
    'too_large',
    'busy',
    'unavailable',
    'internal',
  ]),
  /** The whole story in one sentence, field names included (what clients older than `fields` show). */
  message: z.string(),
  /** For a bad input: each field it is about, in the order found, with a plain message for it. */
  fields: z.array(FieldError).optional(),
});
export type ApiError = z.infer<typeof ApiError>;

/** Messages pushed over the live WebSocket (/api/live). */
export const LiveMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: NetworkStatus }),
  /** The wallet provider's queue or connections changed: the approval prompt shows from this. */
  z.object({ type: z.literal('provider'), state: ProviderState }),
]);
export type LiveMessage = z.infer<typeof LiveMessage>;

/** The WebSocket subprotocol; the token travels as a second subprotocol, never in the URL. */
export const LIVE_PROTOCOL = 'litbox.v1';
export const LIVE_PATH = '/api/live';
