import { Cacao, CacaoBlock } from '@didtools/cacao';
import { EthereumNodeAuth, getAccountId, getEIP191Verifier } from '@didtools/pkh-ethereum';
import { DIDSession } from 'did-session';
import { ethers } from 'ethers';
import { WalletInputError } from './pkp-wallet-service.ts';

/** did-session's defaults: a week, and every Ceramic stream when no resources are named. */
export const DEFAULT_SESSION_SECONDS = 7 * 24 * 60 * 60;
export const MAX_SESSION_SECONDS = 90 * 24 * 60 * 60;
export const DEFAULT_RESOURCES = ['ceramic://*'];
/** The SIWE domain when none is given: the app that asks, as did-session's Node auth method names it. */
export const DEFAULT_SESSION_DOMAIN = 'litbox';

export interface CeramicSessionRequest {
  /** The PKP's 65-byte uncompressed public key. */
  publicKey: string;
  chainId: number;
  /** Signs an EIP-191 personal message with the PKP (the threshold network, with the caller's auth); the 0x signature. */
  signPersonalMessage: (message: string) => Promise<string>;
  resources?: string[];
  expiresInSecs?: number;
  domain?: string;
  statement?: string;
  /** A JSON object the session key signs as a JWS, to show the session at work. */
  payload?: Record<string, unknown>;
  /** Also return the serialized did-session, which holds the session key's secret seed. */
  exportSession?: boolean;
}

export interface GeneralJws {
  payload: string;
  signatures: Array<{ protected: string; signature: string }>;
}

export interface CeramicSession {
  /** The PKP as a Ceramic account: did:pkh:eip155:<chain id>:<address>. */
  did: string;
  /** The session key the CACAO delegates to (did:key, Ed25519). */
  sessionDid: string;
  /** The SIWE CACAO signed by the PKP, as @didtools/cacao reads it: {h, p, s}. */
  cacao: Cacao;
  /** The CACAO's IPLD CID (dag-cbor, sha2-256): what a JWS's `cap` header points at. */
  cacaoCid: string;
  expiresAt: string;
  resources: string[];
  jws?: GeneralJws;
  /** did-session's serialized session (base64url JSON with the session key's seed): a secret. */
  session?: string;
}

// RFC 3986 URIs are printable ASCII (and the EIP-191 verifier Ceramic uses counts characters, not bytes).
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7E]+$/;
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::\d{1,5})?$/;

/** Bad input is refused before anything is signed. */
function checkRequest(request: CeramicSessionRequest) {
  const resources = request.resources ?? DEFAULT_RESOURCES;
  if (resources.length === 0) throw new WalletInputError('resources', 'name at least one resource (e.g. ceramic://*)');
  for (const r of resources)
    if (!URI.test(r))
      throw new WalletInputError('resources', `"${r}" is not a URI (like ceramic://* or a stream id URI)`);
  const seconds = request.expiresInSecs ?? DEFAULT_SESSION_SECONDS;
  if (!Number.isSafeInteger(seconds) || seconds < 60 || seconds > MAX_SESSION_SECONDS)
    throw new WalletInputError(
      'expiresInSecs',
      `a session lasts from 60 seconds to ${MAX_SESSION_SECONDS / 86_400} days`,
    );
  const domain = request.domain ?? DEFAULT_SESSION_DOMAIN;
  if (!DOMAIN.test(domain))
    throw new WalletInputError('domain', `"${domain}" is not a host name (like app.example.com)`);
  if (request.statement !== undefined && /[\r\n]/.test(request.statement))
    throw new WalletInputError('statement', 'the statement must be one line');
  return { resources, seconds, domain };
}

/**
 * A Ceramic sign-in for a PKP, made the way did-session makes one for any Ethereum account:
 * a fresh Ed25519 session key (did:key), a SIWE message delegating `resources` to it until the
 * expiry, signed EIP-191 by the PKP through the threshold network, as a CACAO. did-session's own
 * Node auth method writes the message; the PKP stands behind an EIP-1193 `personal_sign`.
 * The CACAO is verified with @didtools/cacao before it is returned.
 */
export async function createCeramicSession(request: CeramicSessionRequest): Promise<CeramicSession> {
  const { resources, seconds, domain } = checkRequest(request);
  const address = ethers.computeAddress(request.publicKey);
  // The PKP as the Ethereum provider did-session talks to: one account, one chain, one method.
  const pkpProvider = {
    request: async ({ method, params }: { method: string; params?: unknown[] }): Promise<unknown> => {
      if (method === 'eth_chainId') return ethers.toQuantity(request.chainId);
      if (method === 'personal_sign') {
        const [hexMessage, signer] = (params ?? []) as [string, string];
        if (ethers.getAddress(signer) !== address) throw new Error(`the PKP ${address} cannot sign as ${signer}`);
        return request.signPersonalMessage(ethers.toUtf8String(hexMessage));
      }
      throw new Error(`the PKP's session provider does not do ${method}`);
    },
  };
  const account = await getAccountId(pkpProvider, address);
  const authMethod = await EthereumNodeAuth.getAuthMethod(pkpProvider, account, domain);
  const session = await DIDSession.authorize(authMethod, {
    resources,
    expiresInSecs: seconds,
    ...(request.statement !== undefined ? { statement: request.statement } : {}),
  });
  const cacao = session.cacao;
  // Like the Lit client checks a combined signature, check the CACAO as a Ceramic node would.
  await Cacao.verify(cacao, { verifiers: getEIP191Verifier() });
  const block = await CacaoBlock.fromCacao(cacao);
  const jws = request.payload ? ((await session.did.createJWS(request.payload)) as GeneralJws) : undefined;
  return {
    did: session.id,
    sessionDid: session.did.id,
    cacao,
    cacaoCid: block.cid.toString(),
    expiresAt: cacao.p.exp!,
    resources: cacao.p.resources ?? [],
    ...(jws ? { jws } : {}),
    ...(request.exportSession ? { session: session.serialize() } : {}),
  };
}
