import { randomBytes } from 'node:crypto';
import { keccak256, toUtf8Bytes } from 'ethers';
import type { AuthMethodProof } from '../../shared/node-api.ts';
import { AUTH_METHOD_TYPE } from '../../shared/contracts/index.ts';
import { loopbackLogin, type IdTokenResult } from '../oidc/loopback-login.ts';

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
}

export type SignInProviderName = 'local' | 'google';

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
  private readonly pending = new Map<string, { done: Promise<IdTokenResult>; error?: string; clientId: string }>();
  private readonly sessions = new Map<string, GoogleSession>();

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
    const id = randomBytes(12).toString('base64url');
    const url = await new Promise<string>((resolve, reject) => {
      const done = loopbackLogin({
        issuer: provider.issuer,
        clientId: provider.clientId,
        ...(provider.clientSecret ? { clientSecret: provider.clientSecret } : {}),
        ...(providerName === 'google' ? { prompt: 'select_account' } : {}),
        openUrl: resolve,
        timeoutMs: 5 * 60_000,
      });
      const entry: { done: Promise<IdTokenResult>; error?: string; clientId: string } = {
        done,
        clientId: provider.clientId,
      };
      this.pending.set(id, entry);
      done.then(
        (result) => this.remember(result, provider.clientId),
        (err: Error) => {
          entry.error = err.message;
          reject(err);
        },
      );
    });
    return { id, url };
  }

  /** Waits (up to `waitMs`) for a started sign-in; the session once done. */
  async finish(id: string, waitMs = 60_000): Promise<GoogleSession> {
    const entry = this.pending.get(id);
    if (!entry) throw new Error('no such sign-in (it finished, failed or expired); start again');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the sign-in is not finished yet')), waitMs);
    });
    try {
      const result = await Promise.race([entry.done, timeout]);
      this.pending.delete(id);
      return this.remember(result, entry.clientId);
    } finally {
      clearTimeout(timer);
    }
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
