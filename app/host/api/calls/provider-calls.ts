import { ApiFailure } from '../api-server.ts';
import type { CallContext, CallTable } from './call-table.ts';

/** The wallet provider for dapps: what waits for the person, their answers, the connected sites. */
export function providerCalls(ctx: CallContext) {
  return {
    providerState: { run: async () => ctx.provider().state() },
    providerDecide: {
      run: async ({ id, approve, publicKeys, as }) => {
        const p = ctx.provider();
        const waiting = p.state().pending.find((r) => r.id === id);
        if (!waiting)
          throw new ApiFailure('not_found', 'that request is no longer waiting (answered, withdrawn or timed out)');
        if (approve && waiting.kind === 'connect' && !publicKeys?.length)
          throw new ApiFailure('bad_request', 'choose at least one PKP the client may see');
        p.decide(id, approve ? { approve: true, publicKeys, as } : { approve: false, reason: 'rejected' });
        return p.state();
      },
    },
    providerDisconnect: {
      run: async ({ client }) => {
        const p = ctx.provider();
        if (!p.disconnect(client)) throw new ApiFailure('not_found', `${client} is not connected`);
        return p.state();
      },
    },
  } satisfies Partial<CallTable>;
}
