import { randomBytes } from 'node:crypto';
import { keccak256, toUtf8Bytes } from 'ethers';
import type { AuthMethodProof } from '../../shared/node-api.ts';
import { AUTH_METHOD_TYPE } from '../../shared/contracts/index.ts';
import {
  loopbackLogin,
  OidcLoginError,
  type AuthorizationRequest,
  type IdTokenResult,
} from '../oidc/loopback-login.ts';

/** A Google-style account the wallet is signed in with (kept in memory for this launch only). */
export interface GoogleSession {
  sub: string;
  aud: string;
  email: string | undefined;
  /** keccak256("<sub>:<aud>"): the id of this account's GoogleJwt auth method on chain. */
  authMethodId: string;
  idToken: string;
  expiresAt: number;
}

/** Where an account signs in: the local stand-in issuer, or real Google when configured. */
export interface SignInProvider {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  /**
   * Announces each authorization request to the issuer before the browser opens it (the local
   * issuer honours nothing else); returns the withdrawal. Real Google needs none.
   */
  announce?: (request: AuthorizationRequest) => () => void;
}

/** Why a sign-in did not give a session; the API turns `kind` into its status. */
export class SignInFailure extends Error {
  readonly kind: 'unknown' | 'pending' | 'cancelled' | 'failed';
  constructor(kind: SignInFailure['kind'], message: string) {
    super(message);
    this.name = 'SignInFailure';
    this.kind = kind;
  }
}

/** The person-facing words for a failed sign-in. */
function failureOf(err: unknown): SignInFailure {
  if (err instanceof SignInFailure) return err;
  if (err instanceof OidcLoginError) {
    if (err.reason === 'cancelled') return new SignInFailure('cancelled', 'the sign-in was cancelled');
    if (err.reason === 'access_denied')
      return new SignInFailure('cancelled', 'the sign-in was cancelled on the sign-in page');
    if (err.reason === 'timeout')
      return new SignInFailure('failed', 'no account was chosen in time; start the sign-in again');
  }
  return new SignInFailure('failed', `the sign-in failed: ${(err as Error).message}`);
}

interface PendingSignIn {
  done: Promise<IdTokenResult>;
  clientId: string;
  /** Aborting closes the loopback listener and ends the sign-in as cancelled. */
  controller: AbortController;
}

export type SignInProviderName = 'local' | 'google';

/** How long a started sign-in waits for the person to choose an account. */
const SIGN_IN_TIMEOUT_MS = 5 * 60_000;
const FORGET_FAILED_AFTER_MS = 60_000;

export interface SignInStart {
  /** A handle for the pending sign-in. */
  id: string;
  /** Where the person signs in (the system browser in the desktop app, a new tab here). */
  url: string;
}

/**
 * Signing in with a Google-style account by authorization code + PKCE through a loopback
 * redirect: the host starts the exchange and hands the URL to the UI, which opens it; the
 * ID token comes back to the host only. Tokens live in memory, never on disk or in the UI.
 */
export class SignInService {
  private readonly providers: Partial<Record<SignInProviderName, SignInProvider>>;
  private readonly pending = new Map<string, PendingSignIn>();
  private readonly sessions = new Map<string, GoogleSession>();
  private closed = false;

  constructor(providers: { local: SignInProvider; google?: SignInProvider }) {
    this.providers = providers;
  }

  /** Which providers are configured (the local issuer always; Google when set up). */
  available(): SignInProviderName[] {
    return (Object.keys(this.providers) as SignInProviderName[]).filter((p) => this.providers[p]);
  }

  async start(providerName: SignInProviderName = 'local'): Promise<SignInStart> {
    const provider = this.providers[providerName];
    if (!provider) throw new Error(`${providerName} sign-in is not set up (start Litbox with --google-client-id)`);
    if (this.closed) throw new Error('Litbox is stopping');
    const id = randomBytes(12).toString('base64url');
    const controller = new AbortController();
    const url = await new Promise<string>((resolve, reject) => {
      const done = loopbackLogin({
        issuer: provider.issuer,
        clientId: provider.clientId,
        ...(provider.clientSecret ? { clientSecret: provider.clientSecret } : {}),
        ...(providerName === 'google' ? { prompt: 'select_account' } : {}),
        ...(provider.announce ? { announce: provider.announce } : {}),
        openUrl: resolve,
        timeoutMs: SIGN_IN_TIMEOUT_MS,
        signal: controller.signal,
      });
      this.pending.set(id, { done, clientId: provider.clientId, controller });
      done.then(
        (result) => this.remember(result, provider.clientId),
        (err: unknown) => {
          // Nobody may ask for it any more (the UI went away): forget it a while after it failed.
          setTimeout(() => this.pending.delete(id), FORGET_FAILED_AFTER_MS).unref();
          reject(failureOf(err));
        },
      );
    });
    return { id, url };
  }

  /** Waits (up to `waitMs`) for a started sign-in; the session once done. */
  async finish(id: string, waitMs = 60_000): Promise<GoogleSession> {
    const entry = this.pending.get(id);
    if (!entry) throw new SignInFailure('unknown', 'no such sign-in (it finished, failed or expired); start again');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SignInFailure('pending', 'no account has been chosen yet; finish the sign-in or cancel it')),
        waitMs,
      );
    });
    try {
      const result = await Promise.race([entry.done, timeout]);
      this.pending.delete(id);
      return this.remember(result, entry.clientId);
    } catch (err) {
      if (err instanceof SignInFailure && err.kind === 'pending') throw err;
      this.pending.delete(id);
      throw failureOf(err);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Cancels a started sign-in (the person pressed Cancel or closed the sign-in window): its
   * loopback listener closes now and `finish` answers "cancelled". A sign-in already finished
   * is left as it is. False when there is no such sign-in.
   */
  cancel(id: string): boolean {
    const entry = this.pending.get(id);
    if (!entry) return false;
    entry.controller.abort();
    return true;
  }

  /** Ends every sign-in in progress (host shutdown): no loopback listener outlives the host. */
  close(): void {
    this.closed = true;
    for (const entry of this.pending.values()) entry.controller.abort();
    this.pending.clear();
  }

  private remember(result: IdTokenResult, clientId: string): GoogleSession {
    const sub = String(result.claims.sub);
    const aud = clientId;
    const session: GoogleSession = {
      sub,
      aud,
      email: result.claims.email,
      authMethodId: keccak256(toUtf8Bytes(`${sub}:${aud}`)),
      idToken: result.idToken,
      expiresAt: Number(result.claims.exp ?? 0) * 1000,
    };
    this.sessions.set(sub, session);
    return session;
  }

  /** The signed-in accounts whose tokens are still valid. */
  current(): GoogleSession[] {
    const now = Date.now();
    return [...this.sessions.values()].filter((s) => s.expiresAt > now + 10_000);
  }

  /** The auth method proof for one signed-in account, for the nodes. */
  proofFor(sub: string): AuthMethodProof {
    const session = this.current().find((s) => s.sub === sub);
    if (!session) throw new Error('that account is not signed in (or its sign-in expired); sign in again');
    return { authMethodType: AUTH_METHOD_TYPE.GoogleJwt, accessToken: session.idToken };
  }

  signOut(): void {
    this.sessions.clear();
  }
}
