import { AUTH_METHOD_SCOPE, AUTH_METHOD_TYPE } from '../../../shared/contracts/index.ts';
import { ApiFailure } from '../api-server.ts';
import { refusalsAsConflict } from './api-errors.ts';
import { addressOf, authFor, type CallContext, type CallTable } from './call-table.ts';

/** Who may sign: Google-style sign-in, passkeys, and PKPs minted for them. */
export function authMethodCalls(ctx: CallContext) {
  /** A passkey registration checked by the host; a bad one is the caller's mistake (400). */
  const checkedRegistration = (registration: string) =>
    ctx
      .services()
      .passkeys.checkRegistration(registration)
      .catch((err: Error) => {
        throw new ApiFailure('bad_request', err.message);
      });
  return {
    signInStart: {
      run: async ({ provider }) => {
        try {
          return await ctx.services().signIn.start(provider);
        } catch (err) {
          throw new ApiFailure('bad_request', (err as Error).message);
        }
      },
    },
    signInFinish: {
      run: async ({ id }) => {
        const session = await ctx.services().signIn.finish(id);
        return { sub: session.sub, email: session.email, authMethodId: session.authMethodId };
      },
    },
    signInCancel: { run: async ({ id }) => ({ cancelled: ctx.services().signIn.cancel(id) }) },
    accounts: {
      run: async () => ({
        accounts: ctx
          .services()
          .signIn.current()
          .map((a) => ({ sub: a.sub, email: a.email, authMethodId: a.authMethodId })),
      }),
    },
    passkeyChallenge: {
      run: async ({ purpose }) => {
        const s = ctx.services();
        return {
          challenge: purpose === 'register' ? s.passkeys.registrationChallenge() : await s.passkeys.loginChallenge(),
        };
      },
    },
    pkpMintForAccount: {
      run: async ({ account, sendPkpToItself }) => {
        const s = ctx.services();
        const session = s.signIn.current().find((a) => a.sub === account);
        if (!session) throw new ApiFailure('forbidden', 'that account is not signed in; sign in first');
        const pkp = await s.permissions.mintWithAuthMethods(
          [
            {
              authMethodType: AUTH_METHOD_TYPE.GoogleJwt,
              id: session.authMethodId,
              userPubkey: '0x',
              scopes: [AUTH_METHOD_SCOPE.SignAnything],
            },
          ],
          { addPkpEthAddressAsPermittedAddress: true, sendPkpToItself },
        );
        return { ...pkp, owner: sendPkpToItself ? 'self' : 'wallet' };
      },
      activity: {
        kind: 'mint',
        describe: (r, { account }) => ({
          detail: `minted ${r.ethAddress} for ${account} (owns itself)`,
          pkp: r.ethAddress,
          transactionHash: r.transactionHash,
        }),
        remembersPkp: true,
      },
    },
    pkpMintWithPasskey: {
      run: async ({ registration }) => {
        const verified = await checkedRegistration(registration);
        const pkp = await ctx.services().permissions.mintWithAuthMethods(
          [
            {
              authMethodType: AUTH_METHOD_TYPE.WebAuthn,
              id: verified.authMethodId,
              userPubkey: verified.userPubkey,
              scopes: [AUTH_METHOD_SCOPE.SignAnything],
            },
          ],
          { addPkpEthAddressAsPermittedAddress: true, sendPkpToItself: true },
        );
        return { ...pkp, owner: 'self' };
      },
      activity: {
        kind: 'mint',
        describe: (r) => ({
          detail: `minted ${r.ethAddress} controlled by a passkey`,
          pkp: r.ethAddress,
          transactionHash: r.transactionHash,
        }),
        remembersPkp: true,
      },
    },
    passkeyAdd: {
      run: async ({ publicKey, registration, as }) => {
        const s = ctx.services();
        const verified = await checkedRegistration(registration);
        const receipt = await refusalsAsConflict(
          s.permissions.change(
            publicKey,
            {
              kind: 'addAuthMethod',
              method: {
                authMethodType: AUTH_METHOD_TYPE.WebAuthn,
                id: verified.authMethodId,
                userPubkey: verified.userPubkey,
                scopes: [AUTH_METHOD_SCOPE.SignAnything],
              },
            },
            await authFor(s, as),
          ),
        );
        return { transactionHash: receipt.hash, authMethodId: verified.authMethodId };
      },
      activity: {
        kind: 'grant',
        about: ({ publicKey }) => addressOf(publicKey),
        describe: (r) => ({ detail: 'added a passkey', transactionHash: r.transactionHash }),
      },
    },
  } satisfies Partial<CallTable>;
}
