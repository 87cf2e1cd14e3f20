import { ethers } from 'ethers';
import { ApiFailure } from '../api-server.ts';
import type { CallContext, CallTable } from './call-table.ts';

/** The network and the sandbox chain: status, nodes, cheats, the wallet account, the faucet, the activity log. */
export function networkCalls(ctx: CallContext) {
  const nodeOf = (index: number) => {
    try {
      return ctx.supervisor.node(index);
    } catch (err) {
      throw new ApiFailure('not_found', (err as Error).message);
    }
  };
  return {
    status: { run: async () => ctx.statusNow() },
    activity: { run: async ({ query }) => ({ entries: ctx.services().activity.search(query) }) },
    stopNode: {
      run: async ({ index }) => {
        await nodeOf(index).stop();
        return ctx.supervisor.status();
      },
    },
    startNode: {
      run: async ({ index }) => {
        await nodeOf(index).start();
        return ctx.supervisor.status();
      },
    },
    setChainCheats: {
      run: async ({ enabled }) => {
        ctx.supervisor.setChainCheats(enabled);
        return { cheats: enabled };
      },
    },
    wallet: {
      run: async () => {
        const s = ctx.services();
        return { address: s.account.address, balanceWei: (await s.balanceOf(s.account.address)).toString() };
      },
    },
    faucet: {
      run: async ({ address, amountEth }) => ({
        balanceWei: (await ctx.services().faucet(address, ethers.parseEther(amountEth))).toString(),
      }),
      activity: {
        kind: 'faucet',
        about: ({ address }) => address,
        describe: (_, { amountEth }) => ({ detail: `faucet added ${amountEth} ETH` }),
      },
    },
  } satisfies Partial<CallTable>;
}
