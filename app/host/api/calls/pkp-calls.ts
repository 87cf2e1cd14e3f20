import { AUTH_METHOD_TYPE } from '../../../shared/contracts/index.ts';
import { refusalsAsConflict } from './api-errors.ts';
import { addressOf, authFor, type CallContext, type CallTable } from './call-table.ts';

/** The wallet's PKPs: mint, list, name, look at, change who may sign. */
export function pkpCalls(ctx: CallContext) {
  return {
    pkpMint: {
      run: async () => {
        const started = performance.now();
        const { receipt: _receipt, ...pkp } = await ctx.services().pkps.mint();
        return { ...pkp, mintMs: Math.round(performance.now() - started) };
      },
      activity: {
        kind: 'mint',
        describe: (r) => ({ detail: `minted ${r.ethAddress}`, pkp: r.ethAddress, transactionHash: r.transactionHash }),
        remembersPkp: true,
      },
    },
    pkpList: {
      run: async () => {
        const s = ctx.services();
        const owned = await s.pkps.listOwnedBy(s.account.address);
        const forAccounts = await Promise.all(
          s.signIn.current().map((a) => s.pkps.listForAuthMethod(AUTH_METHOD_TYPE.GoogleJwt, a.authMethodId)),
        );
        const unique = new Map([...owned, ...forAccounts.flat(), ...s.activity.knownPkps()].map((p) => [p.tokenId, p]));
        const names = s.names.all();
        return {
          pkps: await Promise.all(
            [...unique.values()].map(async (p) => {
              const [owner, balance] = await Promise.all([
                s.pkps.ownerLabel(p, s.account.address),
                s.balanceOf(p.ethAddress),
              ]);
              const name = names.get(p.ethAddress.toLowerCase());
              return { ...p, owner, balanceWei: balance.toString(), ...(name ? { name } : {}) };
            }),
          ),
        };
      },
    },
    pkpRename: {
      run: async ({ publicKey, name }) => {
        const s = ctx.services();
        const address = addressOf(publicKey);
        const known = s.activity.knownPkps().some((p) => p.ethAddress.toLowerCase() === address.toLowerCase());
        // Not one the wallet made: the chain must know it (details() refuses an unknown key).
        if (!known) await s.pkpDetails.details(publicKey, s.account.address);
        return { name: s.names.set(address, name) ?? null };
      },
    },
    pkpDetails: {
      run: async ({ publicKey }) => {
        const s = ctx.services();
        return s.pkpDetails.details(publicKey, s.account.address);
      },
    },
    pkpPermissionChange: {
      run: async ({ publicKey, change, as }) => {
        const s = ctx.services();
        const receipt = await refusalsAsConflict(s.permissions.change(publicKey, change, await authFor(s, as)));
        return { transactionHash: receipt.hash };
      },
      activity: {
        kind: 'permission',
        about: ({ publicKey }) => addressOf(publicKey),
        describe: (r, { change }) => ({ detail: change.kind, transactionHash: r.transactionHash }),
      },
    },
  } satisfies Partial<CallTable>;
}
