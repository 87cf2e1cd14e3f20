import type { AccountHistoryEntry } from '../../../shared/api/contract.ts';
import type { ActivityEntry } from '../../activity/activity-log.ts';
import type { ChainTransfer } from '../../wallet/address-history.ts';

/**
 * One account's history: each chain transaction from or to it (what the wallet logged for the
 * same hash adds its words), then what the wallet did for it off-chain (faucet, signatures).
 */
export function accountHistory(
  address: string,
  transfers: ChainTransfer[],
  logged: ActivityEntry[],
): AccountHistoryEntry[] {
  const me = address.toLowerCase();
  const byHash = new Map(logged.filter((e) => e.transactionHash).map((e) => [e.transactionHash!.toLowerCase(), e]));
  const entries: AccountHistoryEntry[] = transfers.map((t) => {
    const outgoing = t.from.toLowerCase() === me;
    const known = byHash.get(t.transactionHash.toLowerCase());
    const value = BigInt(t.valueWei);
    // Moving ETH reads as sent/received; a call keeps what the wallet logged it as (permission, grant…).
    const kind = value > 0n ? (outgoing ? 'sent' : 'received') : (known?.kind ?? (outgoing ? 'call' : 'called'));
    return {
      at: t.at,
      source: 'chain',
      kind,
      direction: outgoing ? 'out' : 'in',
      counterparty: outgoing ? t.to : t.from,
      valueWei: t.valueWei,
      result: t.status === 'success' ? 'ok' : 'failed',
      detail:
        known?.detail ??
        (outgoing
          ? `${t.selector ? `called ${t.selector} on` : 'sent to'} ${t.to ?? 'a new contract'}`
          : `from ${t.from}`),
      transactionHash: t.transactionHash,
      digest: null,
      blockNumber: t.blockNumber,
    };
  });
  const onChain = new Set(transfers.map((t) => t.transactionHash.toLowerCase()));
  for (const e of logged) {
    // Only what the wallet did for this account (a search by address also finds sends *to* it).
    if (e.pkp?.toLowerCase() !== me) continue;
    if (e.transactionHash && onChain.has(e.transactionHash.toLowerCase())) continue;
    entries.push({
      at: e.at,
      source: 'wallet',
      kind: e.kind,
      direction: e.kind === 'faucet' ? 'in' : 'none',
      counterparty: null,
      valueWei: null,
      result: e.result,
      detail: e.detail,
      transactionHash: e.transactionHash,
      digest: e.digest,
      blockNumber: null,
    });
  }
  return entries.sort((a, b) => b.at - a.at);
}
