import { EventEmitter } from 'node:events';
import { ethers, type JsonRpcProvider } from 'ethers';
import type { SignAs } from '../../shared/api/contract.ts';
import {
  PROVIDER_ERRORS,
  type ConnectedClient,
  type PendingApproval,
  type ProviderAccount,
  type ProviderState,
} from '../../shared/provider/provider-wire.ts';
import type { ActivityKind, ActivityLog } from '../activity/activity-log.ts';
import { PUBLIC_METHODS } from '../chain/chain-door.ts';
import type { PkpAuth } from '../wallet/pkp-signer.ts';
import { WalletInputError, type PkpWalletService, type TypedDataRequest } from '../wallet/pkp-wallet-service.ts';
import type { ApprovalDecision, ApprovalQueue } from './approval-queue.ts';
import {
  chainRpcError,
  invalidParams,
  ProviderRpcError,
  rejected,
  unauthorized,
  unsupported,
} from './provider-error.ts';
import type { ProviderConnections } from './provider-connections.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { SubscriptionSession } from './chain-subscriptions.ts';
import { ClientFilters } from './client-filters.ts';

/** Who is asking: a web page's origin, or a program on this machine that named itself. */
export interface ProviderClient {
  /** The origin (https://app.example) or `local:NAME`. */
  id: string;
  label: string;
  local: boolean;
}

export function webClient(origin: string): ProviderClient {
  return { id: origin, label: origin, local: false };
}

/** Local client names: what `?name=` may hold (anything else is refused, so labels stay readable). */
export const LOCAL_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function localClient(name: string | null): ProviderClient {
  const n = name ?? 'unknown';
  return { id: `local:${n}`, label: `local client "${n}"`, local: true };
}

export interface WalletProviderOptions {
  chainId: number;
  /** The host's own chain client: reads pass through it (its URL may carry a secret; nobody sees it). */
  chain: JsonRpcProvider;
  pkpWallet: PkpWalletService;
  activity: ActivityLog;
  connections: ProviderConnections;
  queue: ApprovalQueue;
  /** The proof for the nodes of who signs (the wallet account unless the person picked another). */
  authFor: (as: SignAs | undefined) => Promise<PkpAuth>;
  /** PKPs the wallet account owns: what `--approve-all-from NAME` shows that client. */
  walletPkps: () => Promise<ProviderAccount[]>;
  /** `up --approve-all-from NAME`: that local client is connected to every PKP and signs without a click. */
  approveAllFrom: string | null;
  /** A signature was made (the status's lastSignature changed). */
  onSigned?: () => void;
  /** Requests per second per client, and the burst allowed. */
  rate?: { perSecond: number; burst: number };
  /** Requests of one client that may wait for the person at once. */
  maxPendingPerClient?: number;
}

/**
 * Methods Litbox answers itself, or that need a client's own bookkeeping, though the chain door
 * would pass them: the accounts are the client's PKPs, not anvil's; filters belong to their client.
 */
const ANSWERED_HERE = new Set([
  'eth_accounts',
  'eth_coinbase',
  'eth_chainId',
  'net_version',
  'eth_newFilter',
  'eth_newBlockFilter',
  'eth_newPendingTransactionFilter',
  'eth_getFilterChanges',
  'eth_getFilterLogs',
  'eth_uninstallFilter',
]);

/**
 * Every standard eth_/net_/web3_ read the chain door lets outside tools make, passed through as
 * it is, and eth_sendRawTransaction (already signed by someone: broadcasting it needs no key of
 * ours). The door's allow-list is the one place that says what cannot change the chain without a
 * signature, so anvil_*, evm_*, hardhat_*, debug_*, personal_* and the unsigned sends never pass,
 * whatever the sandbox's cheat setting (that setting is for the person's own tools).
 */
export const READ_METHODS: ReadonlySet<string> = new Set(
  [...PUBLIC_METHODS].filter((m) => /^(eth|net|web3)_/.test(m) && !ANSWERED_HERE.has(m)),
);

const NEW_FILTER = new Set(['eth_newFilter', 'eth_newBlockFilter', 'eth_newPendingTransactionFilter']);
const FILTER_METHODS = new Set([...NEW_FILTER, 'eth_getFilterChanges', 'eth_getFilterLogs', 'eth_uninstallFilter']);

/** What a web page may call before the person connected it (everything else is 4100). */
const BEFORE_CONNECT = new Set([
  'eth_chainId',
  'net_version',
  'eth_accounts',
  'eth_requestAccounts',
  'wallet_requestPermissions',
  'wallet_getPermissions',
  'wallet_revokePermissions',
  'wallet_switchEthereumChain',
]);

/**
 * Every PKP as an Ethereum account for programs that speak EIP-1193 / EIP-1474: one request in,
 * one answer or one EIP error out. Connections and every signature wait for the person in the
 * approval queue; signing reuses the wallet's own PKP services (the same previews, fees and
 * checks as the PKP pages). Emits `accountsChanged` (client id, addresses) and `change`.
 */
export class WalletProvider extends EventEmitter<{ accountsChanged: [string, string[]]; change: [] }> {
  private readonly o: WalletProviderOptions;
  private readonly limiter: RateLimiter;
  private readonly maxPending: number;
  private readonly filters = new ClientFilters();
  private allPkps: { at: number; accounts: Promise<ProviderAccount[]> } | undefined;
  url: string | null = null;

  constructor(options: WalletProviderOptions) {
    super();
    this.o = options;
    this.limiter = new RateLimiter(options.rate?.perSecond ?? 20, options.rate?.burst ?? 60);
    this.maxPending = options.maxPendingPerClient ?? 5;
    options.queue.on('change', () => this.emit('change'));
  }

  get chainIdHex(): string {
    return ethers.toQuantity(this.o.chainId);
  }

  state(): ProviderState {
    return {
      url: this.url,
      approveAllFrom: this.o.approveAllFrom,
      pending: this.o.queue.list(),
      connected: this.o.connections.list(),
    };
  }

  /** The person's answer to a waiting request; false when it no longer waits. */
  decide(id: string, decision: ApprovalDecision): boolean {
    return this.o.queue.decide(id, decision);
  }

  /** Forgets a client's connection (Settings, or the client's own wallet_revokePermissions). */
  disconnect(clientId: string): boolean {
    const known = this.o.connections.get(clientId);
    if (!this.o.connections.disconnect(clientId)) return false;
    this.record(known?.clientLabel ?? clientId, 'connection', null, 'ok', 'disconnected');
    this.emit('accountsChanged', clientId, []);
    this.emit('change');
    return true;
  }

  /** The addresses a client may use now ([] when not connected). */
  async accountsOf(client: ProviderClient): Promise<ProviderAccount[]> {
    if (this.trustsWithoutClick(client)) return this.walletPkpsCached();
    return this.o.connections.get(client.id)?.accounts ?? [];
  }

  /**
   * One request of a client. `subscriptions` is the WebSocket's own (eth_subscribe needs a
   * socket to push to; over HTTP it is unsupported).
   */
  async request(
    client: ProviderClient,
    method: string,
    params: unknown,
    subscriptions?: SubscriptionSession,
  ): Promise<unknown> {
    if (!this.limiter.take(client.id))
      throw new ProviderRpcError(PROVIDER_ERRORS.limitExceeded, 'too many requests from this client; slow down');
    const list = params === undefined ? [] : params;
    if (!Array.isArray(list)) throw invalidParams(`${method} takes its params as an array`);

    if (!client.local && !BEFORE_CONNECT.has(method) && !(await this.isConnected(client)))
      throw unauthorized(`${client.label} is not connected to Litbox; call eth_requestAccounts first`);

    switch (method) {
      case 'eth_chainId':
        return this.chainIdHex;
      case 'net_version':
        return String(this.o.chainId);
      case 'eth_accounts':
        return (await this.accountsOf(client)).map((a) => a.address);
      case 'eth_coinbase':
        return (await this.accountsOf(client))[0]?.address ?? null;
      case 'eth_requestAccounts':
        return (await this.connect(client)).map((a) => a.address);
      case 'wallet_requestPermissions': {
        const wanted = list[0] as Record<string, unknown> | undefined;
        if (!wanted || typeof wanted !== 'object' || !('eth_accounts' in wanted) || Object.keys(wanted).length !== 1)
          throw invalidParams('Litbox grants only the eth_accounts permission: [{ "eth_accounts": {} }]');
        return this.permissions(client, await this.connect(client));
      }
      case 'wallet_getPermissions': {
        const accounts = await this.accountsOf(client);
        return accounts.length ? this.permissions(client, accounts) : [];
      }
      case 'wallet_revokePermissions':
        this.disconnect(client.id);
        return null;
      case 'wallet_switchEthereumChain': {
        const wanted = (list[0] as { chainId?: unknown } | undefined)?.chainId;
        if (typeof wanted !== 'string' || !/^0x[0-9a-fA-F]+$/.test(wanted))
          throw invalidParams('wallet_switchEthereumChain takes [{ "chainId": "0x…" }]');
        if (BigInt(wanted) !== BigInt(this.o.chainId))
          throw new ProviderRpcError(
            PROVIDER_ERRORS.unrecognizedChain,
            `Litbox has one chain, the sandbox (chain id ${this.o.chainId}); chain ${BigInt(wanted)} is not there`,
          );
        return null;
      }
      case 'eth_sendTransaction':
        return this.sendTransaction(client, list[0], true);
      case 'eth_signTransaction':
        return this.sendTransaction(client, list[0], false);
      case 'personal_sign':
        return this.personalSign(client, list);
      case 'eth_signTypedData_v4':
        return this.signTypedData(client, list);
      case 'eth_sign':
        throw unsupported(
          'eth_sign signs any hash blindly; Litbox refuses it (use personal_sign or eth_signTypedData_v4)',
        );
    }
    if (READ_METHODS.has(method)) return this.passThrough(method, list);
    if (FILTER_METHODS.has(method)) return this.filter(client, method, list);
    if (method === 'eth_subscribe' || method === 'eth_unsubscribe') {
      if (!subscriptions)
        throw unsupported(`${method} needs the WebSocket (ws://127.0.0.1:PORT/); over HTTP, use filters`);
      return method === 'eth_subscribe' ? subscriptions.subscribe(list) : subscriptions.unsubscribe(list[0]);
    }
    throw unsupported(`Litbox does not support ${method}`);
  }

  private trustsWithoutClick(client: ProviderClient): boolean {
    return client.local && this.o.approveAllFrom !== null && client.id === `local:${this.o.approveAllFrom}`;
  }

  private async isConnected(client: ProviderClient): Promise<boolean> {
    return (await this.accountsOf(client)).length > 0;
  }

  private walletPkpsCached(): Promise<ProviderAccount[]> {
    // A second is enough for cast's burst of calls; a PKP minted since shows up right after.
    if (!this.allPkps || Date.now() - this.allPkps.at > 1_000) {
      const accounts = this.o.walletPkps();
      accounts.catch(() => (this.allPkps = undefined));
      this.allPkps = { at: Date.now(), accounts };
    }
    return this.allPkps.accounts;
  }

  private permissions(client: ProviderClient, accounts: ProviderAccount[]) {
    return [
      {
        parentCapability: 'eth_accounts',
        invoker: client.id,
        date: this.o.connections.get(client.id)?.connectedAt ?? Date.now(),
        caveats: [{ type: 'restrictReturnedAccounts', value: accounts.map((a) => a.address) }],
      },
    ];
  }

  /** Waits for the person, in turn; throws 4001 for a rejection or a timeout. */
  private async ask(
    client: ProviderClient,
    request: Omit<PendingApproval, 'id' | 'createdAt' | 'expiresAt' | 'client' | 'clientLabel'>,
  ): Promise<ApprovalDecision & { approve: true }> {
    if (this.o.queue.countFor(client.id) >= this.maxPending)
      throw new ProviderRpcError(
        PROVIDER_ERRORS.limitExceeded,
        `${client.label} already has ${this.maxPending} requests waiting for the person; wait for their answers`,
      );
    const { decision } = this.o.queue.add({ ...request, client: client.id, clientLabel: client.label });
    const d = await decision;
    if (d.approve) return d;
    if (d.reason === 'timeout') throw rejected('nobody answered the request in Litbox in time');
    if (d.reason === 'closed') throw new ProviderRpcError(PROVIDER_ERRORS.disconnected, 'Litbox is shutting down');
    throw rejected();
  }

  private async connect(client: ProviderClient): Promise<ProviderAccount[]> {
    const current = await this.accountsOf(client);
    if (current.length) return current;
    const waiting = this.o.queue.pendingConnect(client.id);
    if (waiting) {
      // Dapps often ask twice; both wait for the one prompt.
      await new Promise<void>((resolve) => {
        const check = () => {
          if (this.o.queue.pendingConnect(client.id) !== waiting) {
            this.o.queue.off('change', check);
            resolve();
          }
        };
        this.o.queue.on('change', check);
      });
      const now = await this.accountsOf(client);
      if (!now.length) throw rejected();
      return now;
    }
    const decision = await this.ask(client, {
      kind: 'connect',
      account: null,
      rows: [
        { label: 'Client', value: client.label },
        { label: 'Asks for', value: 'the addresses of the PKPs you choose; each signature still needs you' },
      ],
      message: null,
      typedData: null,
    });
    const accounts = (decision.publicKeys ?? []).map((publicKey) => ({
      publicKey: publicKey.startsWith('0x') ? publicKey : `0x${publicKey}`,
      address: ethers.computeAddress(publicKey.startsWith('0x') ? publicKey : `0x${publicKey}`),
    }));
    if (!accounts.length) throw rejected('no PKP was chosen for this client');
    this.o.connections.connect(client.id, client.label, accounts);
    this.record(client.label, 'connection', null, 'ok', `connected ${accounts.map((a) => a.address).join(', ')}`);
    this.emit(
      'accountsChanged',
      client.id,
      accounts.map((a) => a.address),
    );
    this.emit('change');
    return accounts;
  }

  /** The connected PKP with this address, or 4100 (never a PKP the client was not given). */
  private async accountFor(client: ProviderClient, address: unknown): Promise<ProviderAccount> {
    if (typeof address !== 'string' || !ethers.isAddress(address))
      throw invalidParams(`"${String(address)}" is not an Ethereum address`);
    const accounts = await this.accountsOf(client);
    if (!accounts.length) throw unauthorized(`${client.label} is not connected; call eth_requestAccounts first`);
    const account = accounts.find((a) => a.address.toLowerCase() === address.toLowerCase());
    if (!account) throw unauthorized(`${client.label} may not use ${address}; it was connected to other PKPs`);
    return account;
  }

  /** Approval (or the named client's standing approval), then the signature, logged with the client. */
  private async approveAndSign<T>(
    client: ProviderClient,
    request: Omit<PendingApproval, 'id' | 'createdAt' | 'expiresAt' | 'client' | 'clientLabel'>,
    kind: ActivityKind,
    sign: (auth: PkpAuth) => Promise<T>,
    describe: (result: T) => { detail: string; transactionHash?: string; digest?: string },
  ): Promise<T> {
    const address = request.account?.address ?? null;
    let decision: { as?: SignAs };
    try {
      decision = this.trustsWithoutClick(client) ? {} : await this.ask(client, request);
    } catch (err) {
      this.record(client.label, kind, address, 'failed', `${request.kind}: ${(err as Error).message}`);
      throw err;
    }
    try {
      const result = await sign(await this.o.authFor(decision.as));
      const d = describe(result);
      this.record(client.label, kind, address, 'ok', d.detail, d.transactionHash, d.digest);
      this.o.onSigned?.();
      return result;
    } catch (err) {
      this.record(client.label, kind, address, 'failed', (err as Error).message);
      if (err instanceof ProviderRpcError) throw err;
      // The chain moved since the preview (the balance, a revert): the client's input, nothing signed.
      if (err instanceof WalletInputError) throw invalidParams(`${err.field}: ${err.message}`);
      throw new ProviderRpcError(PROVIDER_ERRORS.internal, (err as Error).message);
    }
  }

  private async sendTransaction(client: ProviderClient, raw: unknown, broadcast: boolean): Promise<string> {
    const tx = parseTransactionParam(raw, this.o.chainId);
    const account = await this.accountFor(client, tx.from);
    let preview: Awaited<ReturnType<PkpWalletService['preview']>>;
    try {
      preview = await this.o.pkpWallet.preview(account.publicKey, { to: tx.to, valueEth: tx.valueEth, data: tx.data });
    } catch (err) {
      // A revert, an unaffordable amount, a bad field: nothing was signed, the client hears why.
      throw invalidParams((err as Error).message);
    }
    const p = preview.transaction;
    const request = {
      kind: broadcast ? ('transaction' as const) : ('sign-transaction' as const),
      account,
      rows: broadcast
        ? preview.rows
        : preview.rows.map((r) => (r.label === 'Network' ? { ...r, value: `${r.value}: signed only, not sent` } : r)),
      message: null,
      typedData: null,
    };
    if (broadcast)
      return this.approveAndSign(
        client,
        request,
        'transaction',
        (auth) => this.o.pkpWallet.send(account.publicKey, p.to, tx.valueEth, auth, { data: p.data, prepared: p }),
        (r) => ({ detail: `sent ${tx.valueEth} ETH to ${r.to}`, transactionHash: r.transactionHash }),
      ).then((r) => r.transactionHash);
    return this.approveAndSign(
      client,
      request,
      'transaction',
      (auth) =>
        this.o.pkpWallet.signTransactionForChain(
          account.publicKey,
          {
            chainId: p.chainId,
            nonce: p.nonce,
            to: p.to,
            valueEth: tx.valueEth,
            data: p.data,
            gasLimit: Number(p.gasLimit),
            maxFeePerGasGwei: ethers.formatUnits(p.maxFeePerGas, 'gwei'),
          },
          auth,
        ),
      (r) => ({ detail: `signed a transaction to ${p.to} (not sent)`, digest: r.hash }),
    ).then((r) => r.rawTransaction);
  }

  private async personalSign(client: ProviderClient, params: unknown[]): Promise<string> {
    // [message, address] as EIP-1474 wallets take it; some clients send [address, message].
    let [data, address] = params;
    if (
      typeof data === 'string' &&
      ethers.isAddress(data) &&
      !(typeof address === 'string' && ethers.isAddress(address))
    )
      [data, address] = [address, data];
    if (typeof data !== 'string') throw invalidParams('personal_sign takes [message, address]');
    const account = await this.accountFor(client, address);
    const bytes = ethers.isHexString(data) ? ethers.getBytes(data) : ethers.toUtf8Bytes(data);
    let text: string;
    try {
      text = ethers.toUtf8String(bytes);
    } catch {
      text = ethers.hexlify(bytes);
    }
    return this.approveAndSign(
      client,
      {
        kind: 'message',
        account,
        rows: [
          { label: 'Signer', value: account.address },
          { label: 'Standard', value: 'EIP-191 personal message' },
          { label: 'Digest signed', value: ethers.hashMessage(bytes) },
        ],
        message: text,
        typedData: null,
      },
      'message',
      async (auth) => (await this.o.pkpWallet.signMessage(account.publicKey, bytes, auth)).signature,
      () => ({ detail: 'signed a personal message (EIP-191)' }),
    );
  }

  private async signTypedData(client: ProviderClient, params: unknown[]): Promise<string> {
    const [address, rawData] = params;
    const account = await this.accountFor(client, address);
    let data: TypedDataRequest;
    try {
      data = (typeof rawData === 'string' ? JSON.parse(rawData) : rawData) as TypedDataRequest;
    } catch {
      throw invalidParams('the typed data is not JSON');
    }
    if (!data || typeof data !== 'object' || !isObject(data.domain) || !isObject(data.types) || !isObject(data.message))
      throw invalidParams('eth_signTypedData_v4 takes [address, { domain, types, primaryType, message }]');
    const domainChain = (data.domain as { chainId?: unknown }).chainId;
    if (domainChain !== undefined && domainChain !== null && BigInt(domainChain as string) !== BigInt(this.o.chainId))
      throw invalidParams(`the typed data is for chain ${String(domainChain)}, not the sandbox (${this.o.chainId})`);
    const types = { ...data.types };
    delete types.EIP712Domain;
    let digest: string;
    let primaryType: string;
    try {
      primaryType = ethers.TypedDataEncoder.from(types).primaryType;
      if (data.primaryType !== undefined && data.primaryType !== primaryType)
        throw new Error(`primaryType is "${data.primaryType}", but the types say "${primaryType}"`);
      digest = ethers.TypedDataEncoder.hash(data.domain, types, data.message);
    } catch (err) {
      throw invalidParams(`the typed data is not valid EIP-712: ${(err as Error).message}`);
    }
    return this.approveAndSign(
      client,
      {
        kind: 'typed-data',
        account,
        rows: [
          { label: 'Signer', value: account.address },
          { label: 'Standard', value: 'EIP-712 typed data' },
          { label: 'Primary type', value: primaryType },
          { label: 'Digest signed', value: digest },
        ],
        message: null,
        typedData: { domain: data.domain as Record<string, unknown>, message: data.message },
      },
      'typed-data',
      (auth) => this.o.pkpWallet.signTypedData(account.publicKey, { ...data, types }, auth),
      (r) => ({ detail: 'signed typed data (EIP-712)', digest: r.digest }),
    ).then((r) => r.signature);
  }

  private async passThrough(method: string, params: unknown[]): Promise<unknown> {
    try {
      return await this.o.chain.send(method, params);
    } catch (err) {
      throw chainRpcError(err, method);
    }
  }

  /** Chain filters, each usable only by the client that made it (another's id is "not found"). */
  private async filter(client: ProviderClient, method: string, params: unknown[]): Promise<unknown> {
    if (NEW_FILTER.has(method)) {
      if (!this.filters.hasRoom(client.id))
        throw new ProviderRpcError(
          PROVIDER_ERRORS.limitExceeded,
          `${client.label} holds too many filters; eth_uninstallFilter some first`,
        );
      const id = await this.passThrough(method, params);
      if (typeof id === 'string') this.filters.add(client.id, id);
      return id;
    }
    const id = params[0];
    if (method === 'eth_uninstallFilter') {
      if (!this.filters.owns(client.id, id)) return false;
      this.filters.remove(client.id, id as string);
      return this.passThrough(method, params);
    }
    // eth_getFilterChanges, eth_getFilterLogs; the chain's own answer for an id it does not know.
    if (!this.filters.owns(client.id, id)) throw new ProviderRpcError(-32000, 'filter not found');
    return this.passThrough(method, params);
  }

  private record(
    label: string,
    kind: ActivityKind,
    pkp: string | null,
    result: 'ok' | 'failed',
    detail: string,
    transactionHash?: string,
    digest?: string,
  ): void {
    this.o.activity.record({
      kind,
      pkp,
      result,
      detail: `${label}: ${detail}`,
      transactionHash: transactionHash ?? null,
      digest: digest ?? null,
    });
  }
}

/** eth_sendTransaction's object, checked: from, to, value in ETH text, data, and no other chain. */
function parseTransactionParam(
  raw: unknown,
  chainId: number,
): { from: string; to: string; valueEth: string; data: string | undefined } {
  if (!isObject(raw)) throw invalidParams('eth_sendTransaction takes [{ from, to, value?, data? }]');
  const { from, to, value, data, input, chainId: wanted } = raw as Record<string, unknown>;
  if (typeof from !== 'string' || !ethers.isAddress(from)) throw invalidParams('"from" must be an Ethereum address');
  if (to === undefined || to === null)
    throw invalidParams('Litbox does not deploy contracts from a PKP yet: "to" is needed');
  if (typeof to !== 'string' || !ethers.isAddress(to)) throw invalidParams('"to" must be an Ethereum address');
  if (wanted !== undefined && wanted !== null) {
    if (typeof wanted !== 'string' && typeof wanted !== 'number') throw invalidParams('"chainId" must be a quantity');
    let id: bigint;
    try {
      id = BigInt(wanted);
    } catch {
      throw invalidParams('"chainId" must be a quantity');
    }
    if (id !== BigInt(chainId))
      throw invalidParams(`"chainId" ${id} is not the sandbox chain (${chainId}); Litbox signs for the sandbox only`);
  }
  let wei = 0n;
  if (value !== undefined && value !== null) {
    if (typeof value !== 'string' || !/^0x[0-9a-fA-F]+$/.test(value))
      throw invalidParams('"value" must be a hex quantity (0x…)');
    wei = BigInt(value);
  }
  const bytes = data ?? input;
  if (bytes !== undefined && bytes !== null && (typeof bytes !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(bytes)))
    throw invalidParams('"data" must be hex bytes');
  return {
    from,
    to: ethers.getAddress(to),
    valueEth: ethers.formatEther(wei),
    data: (bytes as string | undefined | null) ?? undefined,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type { ConnectedClient };
