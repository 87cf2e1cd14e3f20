import { ContractCallError } from '../../../shared/contracts/index.ts';
import { CeramicUnavailableError, SocialInputError } from '../../ceramic/social-service.ts';
import { SignInFailure } from '../../auth/sign-in-service.ts';
import { DecryptionRefusedError } from '../../lit-client/threshold-decryption.ts';
import { ActionFailedError, NotEnoughNodesError, SigningRefusedError } from '../../lit-client/lit-client.ts';
import { EncryptionInputError } from '../../wallet/encryption-service.ts';
import { UnknownPkpError } from '../../wallet/pkp-details-service.ts';
import { WalletInputError } from '../../wallet/pkp-wallet-service.ts';
import { ApiFailure } from '../api-server.ts';

/** Known failures of the services as API errors a person can act on; anything else is left as it is (500). */
export function asApiFailure(err: unknown): unknown {
  if (err instanceof ApiFailure) return err;
  if (err instanceof SigningRefusedError) return new ApiFailure('forbidden', err.message);
  if (err instanceof NotEnoughNodesError) return new ApiFailure('unavailable', err.message);
  if (err instanceof ActionFailedError)
    return new ApiFailure(
      'bad_request',
      `the action failed (${err.kind}): ${err.message}${err.logs ? `\nlogs:\n${err.logs}` : ''}`,
    );
  if (err instanceof ContractCallError) return new ApiFailure('conflict', err.message);
  if (err instanceof WalletInputError)
    return new ApiFailure('bad_request', `${err.field}: ${err.message}`, [{ field: err.field, message: err.message }]);
  if (err instanceof EncryptionInputError)
    return new ApiFailure(
      'bad_request',
      err.message,
      err.fields && Object.entries(err.fields).map(([field, message]) => ({ field, message })),
    );
  if (err instanceof DecryptionRefusedError)
    return new ApiFailure(
      err.invalid ? 'bad_request' : 'forbidden',
      err.reasons.length ? `${err.message}\n${err.reasons.join('\n')}` : err.message,
    );
  if (err instanceof UnknownPkpError) return new ApiFailure('not_found', err.message);
  if (err instanceof SocialInputError) return new ApiFailure('bad_request', err.message);
  if (err instanceof CeramicUnavailableError) return new ApiFailure('unavailable', err.message);
  if (err instanceof SignInFailure)
    // 409 only for "not yet": the UI asks again on that one.
    return new ApiFailure(
      err.kind === 'unknown' ? 'not_found' : err.kind === 'pending' ? 'conflict' : 'bad_request',
      err.message,
    );
  return err;
}

/**
 * The permission service's refusals about who may change a PKP (burned, owned by another
 * account, owns itself and no auth given) are expected answers: 409 with the message, not 500.
 */
export async function refusalsAsConflict<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof Error && /^this PKP (is burned|is owned by|owns itself)/.test(err.message))
      throw new ApiFailure('conflict', err.message);
    throw err;
  }
}
