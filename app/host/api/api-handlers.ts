import type { ApiCallName, ApiOutput, ApiParsedInput, NetworkStatus } from '../../shared/api/contract.ts';
import type { KnownPkp } from '../activity/activity-log.ts';
import type { SocialService } from '../ceramic/social-service.ts';
import type { WalletProvider } from '../provider/wallet-provider.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import type { WalletServices } from '../wallet-services.ts';
import type { ApiHandlers } from './api-server.ts';
import { actionCalls } from './calls/action-calls.ts';
import { asApiFailure } from './calls/api-errors.ts';
import { authMethodCalls } from './calls/auth-method-calls.ts';
import { callContext, type CallContext, type CallHandler, type CallTable } from './calls/call-table.ts';
import { chainCalls } from './calls/chain-calls.ts';
import { encryptionCalls } from './calls/encryption-calls.ts';
import { networkCalls } from './calls/network-calls.ts';
import { pkpCalls } from './calls/pkp-calls.ts';
import { providerCalls } from './calls/provider-calls.ts';
import { signingCalls } from './calls/signing-calls.ts';
import { socialCalls } from './calls/social-calls.ts';

export { authFor } from './calls/call-table.ts';

/**
 * The host API's handlers: every call of the contract in app/shared/api, from the call groups
 * in calls/, each run with its declared activity entry and with known service failures turned
 * into API errors.
 */
export function createApiHandlers(
  supervisor: Supervisor,
  wallet: () => WalletServices | undefined,
  walletProvider: () => WalletProvider | undefined = () => undefined,
  social: () => SocialService | undefined = () => undefined,
  ceramicUrl: () => string | undefined = () => undefined,
): ApiHandlers & { statusNow(): NetworkStatus } {
  const ctx = callContext({ supervisor, wallet, walletProvider, social, ceramicUrl });
  const table: CallTable = {
    ...networkCalls(ctx),
    ...pkpCalls(ctx),
    ...authMethodCalls(ctx),
    ...signingCalls(ctx),
    ...actionCalls(ctx),
    ...encryptionCalls(ctx),
    ...chainCalls(ctx),
    ...providerCalls(ctx),
    ...socialCalls(ctx),
  };
  const handlers = Object.fromEntries(
    Object.entries(table).map(([name, handler]) => [
      name,
      (input: unknown) => runCall(ctx, handler as CallHandler<ApiCallName>, input as ApiParsedInput<ApiCallName>),
    ]),
  ) as ApiHandlers;
  return { ...handlers, statusNow: ctx.statusNow };
}

/**
 * Runs one call: its activity entry, when it declares one, is written whether the call worked
 * or not (a failure with the service's own message), and a signature or transaction is pushed
 * to live readers at once. A known service failure becomes the API error a person can act on.
 */
async function runCall<N extends ApiCallName>(
  ctx: CallContext,
  handler: CallHandler<N>,
  input: ApiParsedInput<N>,
): Promise<ApiOutput<N>> {
  const activity = handler.activity;
  try {
    if (!activity) return await handler.run(input);
    const log = ctx.services().activity;
    const about = activity.about?.(input) ?? null;
    try {
      const result = await handler.run(input);
      const d = activity.describe(result, input);
      log.record({
        kind: activity.kind,
        pkp: d.pkp ?? about,
        result: 'ok',
        detail: d.detail,
        transactionHash: d.transactionHash ?? null,
        digest: d.digest ?? null,
      });
      if (activity.remembersPkp) log.rememberPkp(result as KnownPkp);
      // A signature changes the status's lastSignature: push it to live readers now.
      ctx.supervisor.emit('change');
      return result;
    } catch (err) {
      const detail = (err as Error).message;
      log.record({ kind: activity.kind, pkp: about, result: 'failed', detail, transactionHash: null, digest: null });
      throw err;
    }
  } catch (err) {
    throw asApiFailure(err);
  }
}
