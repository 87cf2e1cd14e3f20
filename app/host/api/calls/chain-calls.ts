import { transactionDetail } from '../../wallet/address-history.ts';
import { decodeCall } from '../../wallet/transaction-preview.ts';
import { ApiFailure } from '../api-server.ts';
import { accountHistory } from './account-history.ts';
import type { CallContext, CallTable } from './call-table.ts';

/** What the sandbox chain holds for an account or a transaction. */
export function chainCalls(ctx: CallContext) {
  return {
    accountHistory: {
      run: async ({ address }) => {
        const s = ctx.services();
        return { entries: accountHistory(address, await s.history.of(address), s.activity.search(address, 500)) };
      },
    },
    transaction: {
      run: async ({ hash }) => {
        const s = ctx.services();
        const tx = await transactionDetail(s.provider, hash);
        if (!tx) throw new ApiFailure('not_found', `no transaction ${hash} on the sandbox chain`);
        const decoded = tx.to
          ? decodeCall(tx.to, tx.data, BigInt(tx.valueWei), ctx.supervisor.status().contracts)
          : undefined;
        return { ...tx, decoded: decoded ?? null };
      },
    },
  } satisfies Partial<CallTable>;
}
