import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { getAddress, hashMessage, verifyMessage } from 'ethers';
import { SiweMessage } from 'siwe';
import { z } from 'zod';
import { LIT_ERROR_STATUS } from '../../shared/lit-sdk/node-routes.ts';
import {
  RESOLVED_AUTH_CONTEXT_ABILITY,
  RESOLVED_AUTH_CONTEXT_TARGET,
  ResolvedAuthContext,
} from '../../shared/lit-sdk/sign-session-key.ts';
import { hashToG2, verifyBlsSignature, type G2Point } from '../../shared/threshold/bls.ts';
import type { VerifiedAuthMethod } from '../auth/requester.ts';
import { NodeRequestError } from '../node-request-error.ts';

/**
 * Lit's session signatures, verified by the node itself (issue 15 item 2). The SDK makes an
 * Ed25519 session key, has the wallet sign a SIWE whose URI names that key and whose ReCap
 * grants abilities, and then signs, with the session key, one message per node naming that
 * node. A node accepts it only for itself, within its time window, for a resource and ability
 * both the session and the wallet's capability grant.
 *
 * The capability is either a wallet's SIWE (EIP-191) or a PKP session: a SIWE whose address is
 * the PKP's, signed by the network's BLS key (combined from T nodes' shares, each of which
 * checked, in sign-session-key.ts, that the auth methods behind it may use that PKP; the nodes
 * wrote those auth methods into the SIWE's ReCap, and they are the session's auth methods here).
 */

/** What a request needs, in Lit's vocabulary. */
export const LIT_ABILITIES = {
  'pkp-signing': { resourcePrefix: 'lit-pkp', recap: 'Threshold/Signing' },
  'lit-action-execution': { resourcePrefix: 'lit-litaction', recap: 'Threshold/Execution' },
  'access-control-condition-decryption': {
    resourcePrefix: 'lit-accesscontrolcondition',
    recap: 'Threshold/Decryption',
  },
} as const;
export type LitAbility = keyof typeof LIT_ABILITIES;

const Hex = (bytes: number) => z.string().regex(new RegExp(`^(0x)?[0-9a-fA-F]{${bytes * 2}}$`));

export const SessionAuthSig = z.object({
  sig: Hex(64),
  derivedVia: z.literal('litSessionSignViaNacl'),
  signedMessage: z.string().max(64 * 1024),
  address: Hex(32),
  algo: z.literal('ed25519'),
});
export type SessionAuthSig = z.infer<typeof SessionAuthSig>;

const CapabilityAuthSig = z.object({
  sig: z.string().max(4096),
  derivedVia: z.string().max(100),
  signedMessage: z.string().max(16 * 1024),
  address: z.string().max(200),
  algo: z.string().max(50).optional(),
});

const SessionMessage = z.object({
  sessionKey: Hex(32),
  resourceAbilityRequests: z
    .array(
      z.object({
        resource: z.object({ resourcePrefix: z.string().max(100), resource: z.string().max(200) }),
        ability: z.string().max(100),
      }),
    )
    .max(32),
  capabilities: z.array(CapabilityAuthSig).min(1).max(8),
  issuedAt: z.string().max(64),
  expiration: z.string().max(64),
  nodeAddress: z.string().max(300),
});

/** How far in the future a session may say it was issued (clocks of one machine; some slack). */
const ISSUED_AT_SKEW_MS = 60_000;

export interface SessionNeed {
  ability: LitAbility;
  /** The resource id (a PKP token id, an action CID, a condition hash); the session may grant `*`. */
  resource: string;
}

export interface VerifiedSession {
  /**
   * Who granted the session (checksummed): the wallet, or for a PKP session the PKP's address.
   * The requester for permissions.
   */
  requester: string;
  /** For a PKP session, the auth methods the nodes verified when they signed it; for a wallet's, none. */
  authMethods: VerifiedAuthMethod[];
  sessionKey: string;
  expiresAt: number;
}

type SessionErrorCode = 'invalid_session' | 'expired_session' | 'session_for_other_node' | 'resource_not_granted';

function refuse(code: SessionErrorCode, message: string): never {
  throw new NodeRequestError(LIT_ERROR_STATUS[code], code, message);
}

/** The node checking a session: its own address (host:port) and the network's BLS key (hex), once it has one. */
export interface SessionVerifierNode {
  address: string;
  /** Without it, PKP sessions are refused (the node cannot check the network's signature). */
  networkPublicKey?: string | undefined;
}

/** `host:port` as Lit nodes compare it: the scheme dropped, localhost read as 127.0.0.1. */
export function normaliseNodeAddress(address: string): string {
  return address
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '')
    .replace(/^localhost(?=:|$)/, '127.0.0.1');
}

/**
 * Verifies a session signature sent to the node at `nodeAddress` (host:port) for `need`, at
 * `now`. Returns who is asking; throws a NodeRequestError with a Lit route code otherwise.
 */
export function verifySessionSig(
  raw: unknown,
  node: string | SessionVerifierNode,
  need: SessionNeed,
  now = Date.now(),
): VerifiedSession {
  const { address: nodeAddress, networkPublicKey } = typeof node === 'string' ? { address: node } : node;
  const parsedSig = SessionAuthSig.safeParse(raw);
  if (!parsedSig.success) refuse('invalid_session', 'the auth sig is not a Lit session signature (ed25519)');
  const authSig = parsedSig.data;
  const sessionKey = authSig.address.replace(/^0x/, '').toLowerCase();
  if (!ed25519Verifies(sessionKey, authSig.signedMessage, authSig.sig.replace(/^0x/, '')))
    refuse('invalid_session', 'the session signature does not match its message and session key');

  let json: unknown;
  try {
    json = JSON.parse(authSig.signedMessage);
  } catch {
    refuse('invalid_session', 'the session message is not JSON');
  }
  const parsedMessage = SessionMessage.safeParse(json);
  if (!parsedMessage.success) refuse('invalid_session', 'the session message lacks Lit’s session fields');
  const message = parsedMessage.data;
  if (message.sessionKey.replace(/^0x/, '').toLowerCase() !== sessionKey)
    refuse('invalid_session', 'the session message names another session key than the one that signed it');

  if (normaliseNodeAddress(message.nodeAddress) !== normaliseNodeAddress(nodeAddress))
    refuse('session_for_other_node', `this session signature is for the node at ${message.nodeAddress}, not this one`);

  const issuedAt = Date.parse(message.issuedAt);
  const expiresAt = Date.parse(message.expiration);
  if (!Number.isFinite(issuedAt) || !Number.isFinite(expiresAt))
    refuse('invalid_session', 'the session times are not ISO 8601 dates');
  if (issuedAt > now + ISSUED_AT_SKEW_MS) refuse('invalid_session', 'the session is issued in the future');
  if (!(expiresAt > now)) refuse('expired_session', 'the session has expired; make a new one');

  const { resourcePrefix, recap } = LIT_ABILITIES[need.ability];
  const asked = message.resourceAbilityRequests.some(
    (r) =>
      r.ability === need.ability &&
      r.resource.resourcePrefix === resourcePrefix &&
      (r.resource.resource === '*' || r.resource.resource === need.resource),
  );
  if (!asked)
    refuse(
      'resource_not_granted',
      `the session does not ask for ${need.ability} on ${resourcePrefix}://${need.resource}`,
    );

  // Some capability must be a wallet's SIWE or a PKP session, for this session key, granting the same.
  const reasons: string[] = [];
  for (const capability of message.capabilities) {
    try {
      if (capability.algo === 'LIT_BLS' || capability.derivedVia === 'lit.bls') {
        const pkp = pkpSessionCapability(
          capability,
          sessionKey,
          `${resourcePrefix}://`,
          need.resource,
          recap,
          now,
          networkPublicKey,
        );
        return { requester: pkp.address, authMethods: pkp.authMethods, sessionKey, expiresAt };
      }
      const requester = walletCapability(capability, sessionKey, `${resourcePrefix}://`, need.resource, recap, now);
      return { requester, authMethods: [], sessionKey, expiresAt };
    } catch (err) {
      if (err instanceof NodeRequestError && err.code === 'resource_not_granted') throw err;
      reasons.push((err as Error).message);
    }
  }
  refuse('invalid_session', `no capability of the session holds: ${reasons.join('; ')}`);
}

/**
 * Capabilities whose SIWE parsed and whose signature holds, by their exact text: the SDK sends
 * the same wallet capability with every request of a session (one per node, each time), and
 * parsing the SIWE and recovering its signer is most of a session check's cost. Everything
 * that depends on the time or the request is still checked on every use.
 */
const signedCapabilities = new Map<string, { siwe: SiweMessage; signer: string }>();
const SIGNED_CAPABILITIES_KEPT = 1024;

function rememberSignedCapability(key: string, value: { siwe: SiweMessage; signer: string }): void {
  if (signedCapabilities.size >= SIGNED_CAPABILITIES_KEPT)
    signedCapabilities.delete(signedCapabilities.keys().next().value!);
  signedCapabilities.set(key, value);
}

/** A wallet's SIWE + ReCap capability; returns the wallet's address. */
function walletCapability(
  capability: z.infer<typeof CapabilityAuthSig>,
  sessionKey: string,
  scheme: string,
  resource: string,
  recapAbility: string,
  now: number,
): string {
  if (capability.derivedVia !== 'web3.eth.personal.sign')
    throw new Error(`capabilities derived via ${capability.derivedVia} are not supported`);
  const cacheKey = `${capability.address}\n${capability.sig}\n${capability.signedMessage}`;
  const known = signedCapabilities.get(cacheKey);
  let siwe: SiweMessage;
  if (known) siwe = known.siwe;
  else
    try {
      siwe = new SiweMessage(capability.signedMessage);
    } catch {
      throw new Error('the capability is not a SIWE (EIP-4361) message');
    }
  checkSessionSiwe(siwe, sessionKey, now);
  let signer: string;
  if (known) signer = known.signer;
  else {
    try {
      signer = verifyMessage(capability.signedMessage, capability.sig);
    } catch {
      throw new Error('the capability signature is malformed');
    }
    if (signer !== getAddress(siwe.address) || signer !== getAddress(capability.address))
      throw new Error('the capability is not signed by the address it names');
    rememberSignedCapability(cacheKey, { siwe, signer });
  }
  const granted = recapGrants(siwe.resources ?? [], scheme, resource, recapAbility);
  if (!granted)
    refuse('resource_not_granted', `the wallet's capability does not grant ${recapAbility} on ${scheme}${resource}`);
  return signer;
}

/**
 * What a session's SIWE must say, whoever signed it: it delegates to this session key (URI
 * lit:session:<key>), it was made for a page on localhost, and it is current (it must expire).
 */
export function checkSessionSiwe(siwe: SiweMessage, sessionKey: string, now: number): void {
  if (siwe.uri !== `lit:session:${sessionKey}`)
    throw new Error(`the capability's SIWE is for ${siwe.uri}, not this session key`);
  if (!isLocalhostDomain(siwe.domain))
    throw new Error(`the capability's SIWE is for ${siwe.domain}, not a page on localhost`);
  if (!siwe.expirationTime || !(Date.parse(siwe.expirationTime) > now))
    throw new Error('the capability has expired or never expires');
  if (siwe.notBefore && Date.parse(siwe.notBefore) > now) throw new Error('the capability is not valid yet');
}

/** A SIWE domain (host, or host:port) of this machine. */
export function isLocalhostDomain(domain: string): boolean {
  const host = domain.replace(/:\d+$/, '');
  return host === 'localhost' || host === '127.0.0.1';
}

/**
 * The bytes the network's BLS key signs for a PKP session: SHA-256 of `lit_session:` and the
 * hex of the SIWE's EIP-191 hash, as Lit's nodes namespace it (so that no signature made for
 * a session is one over anything else the key signs: decryption identities and attestations
 * are longer texts with prefixes of their own).
 */
export function pkpSessionSignedBytes(siwe: string): Uint8Array {
  const eip191 = hashMessage(siwe).slice(2);
  return new Uint8Array(createHash('sha256').update(`lit_session:${eip191}`).digest());
}

/**
 * H(m) of the PKP sessions this node signed lately, by m's hex: the node that gave a share for a
 * session is asked to check the combined signature soon after, and hashing to G2 is a good part
 * of that check (a pure function of m, so sharing it is safe).
 */
const sessionHashes = new Map<string, G2Point>();

export function rememberSessionHash(bytes: Uint8Array, hashed: G2Point): void {
  if (sessionHashes.size >= SIGNED_CAPABILITIES_KEPT) sessionHashes.delete(sessionHashes.keys().next().value!);
  sessionHashes.set(Buffer.from(bytes).toString('hex'), hashed);
}

function sessionHash(bytes: Uint8Array): G2Point {
  return sessionHashes.get(Buffer.from(bytes).toString('hex')) ?? hashToG2(bytes);
}

/** PKP session capabilities whose BLS signature held, by their exact text and the network key. */
const pkpCapabilities = new Map<string, { siwe: SiweMessage; address: string; authMethods: VerifiedAuthMethod[] }>();

const PkpSessionSig = z.object({ ProofOfPossession: z.string().regex(/^[0-9a-fA-F]{192}$/) });

/** A PKP session (the network's BLS signature over a SIWE naming the PKP); returns its address and auth methods. */
function pkpSessionCapability(
  capability: z.infer<typeof CapabilityAuthSig>,
  sessionKey: string,
  scheme: string,
  resource: string,
  recapAbility: string,
  now: number,
  networkPublicKey: string | undefined,
): { address: string; authMethods: VerifiedAuthMethod[] } {
  if (capability.algo !== 'LIT_BLS' || capability.derivedVia !== 'lit.bls')
    throw new Error('a PKP session capability has algo LIT_BLS and derivedVia lit.bls');
  if (!networkPublicKey) throw new Error('this node has no network key yet to check a PKP session with');
  const cacheKey = `${networkPublicKey}\n${capability.address}\n${capability.sig}\n${capability.signedMessage}`;
  let known = pkpCapabilities.get(cacheKey);
  if (!known) {
    let signature: string;
    try {
      signature = PkpSessionSig.parse(JSON.parse(capability.sig)).ProofOfPossession;
    } catch {
      throw new Error('the PKP session signature is not {"ProofOfPossession":"<96-byte G2 hex>"}');
    }
    let siwe: SiweMessage;
    try {
      siwe = new SiweMessage(capability.signedMessage);
    } catch {
      throw new Error('the PKP session capability is not a SIWE (EIP-4361) message');
    }
    let address: string;
    try {
      address = getAddress(capability.address);
    } catch {
      throw new Error('the PKP session capability names no address');
    }
    if (getAddress(siwe.address) !== address)
      throw new Error('the PKP session capability names another address than its SIWE');
    const bytes = pkpSessionSignedBytes(capability.signedMessage);
    const signed = verifyBlsSignature(
      bytes,
      Buffer.from(signature, 'hex'),
      Buffer.from(networkPublicKey.replace(/^0x/, ''), 'hex'),
      sessionHash(bytes),
    );
    if (!signed) throw new Error('the PKP session is not signed by this network');
    const authMethods = resolvedAuthMethods(siwe.resources ?? []);
    known = { siwe, address, authMethods };
    if (pkpCapabilities.size >= SIGNED_CAPABILITIES_KEPT) pkpCapabilities.delete(pkpCapabilities.keys().next().value!);
    pkpCapabilities.set(cacheKey, known);
  }
  checkSessionSiwe(known.siwe, sessionKey, now);
  if (!recapGrants(known.siwe.resources ?? [], scheme, resource, recapAbility))
    refuse('resource_not_granted', `the PKP session does not grant ${recapAbility} on ${scheme}${resource}`);
  return { address: known.address, authMethods: known.authMethods };
}

/** The auth methods the nodes wrote into a PKP session's ReCap when they signed it. */
function resolvedAuthMethods(resources: readonly string[]): VerifiedAuthMethod[] {
  for (const att of recapAttenuations(resources)) {
    const granted = att[RESOLVED_AUTH_CONTEXT_TARGET]?.[RESOLVED_AUTH_CONTEXT_ABILITY];
    if (granted === undefined) continue;
    const parsed = ResolvedAuthContext.safeParse(Array.isArray(granted) ? granted[0] : undefined);
    if (!parsed.success) throw new Error('the PKP session’s resolved auth context is malformed');
    return parsed.data.authMethodContexts.map((m) => ({ ...m }));
  }
  throw new Error('the PKP session carries no resolved auth context');
}

/** The `att` objects of the ReCaps (urn:recap:base64url JSON) among SIWE resources. */
export function recapAttenuations(resources: readonly string[]): Record<string, Record<string, unknown>>[] {
  const found: Record<string, Record<string, unknown>>[] = [];
  for (const uri of resources) {
    if (!uri.startsWith('urn:recap:')) continue;
    let recap: unknown;
    try {
      recap = JSON.parse(Buffer.from(uri.slice('urn:recap:'.length), 'base64url').toString('utf8'));
    } catch {
      continue;
    }
    const att = (recap as { att?: unknown } | null)?.att;
    if (att && typeof att === 'object' && !Array.isArray(att))
      found.push(att as Record<string, Record<string, unknown>>);
  }
  return found;
}

/** Whether a ReCap (urn:recap:base64url JSON) among the SIWE resources grants the ability. */
function recapGrants(resources: readonly string[], scheme: string, resource: string, ability: string): boolean {
  for (const att of recapAttenuations(resources)) {
    for (const target of [`${scheme}*`, `${scheme}${resource}`])
      if (Object.hasOwn(att, target) && Object.hasOwn(att[target] ?? {}, ability)) return true;
  }
  return false;
}

function ed25519Verifies(publicKeyHex: string, message: string, signatureHex: string): boolean {
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKeyHex, 'hex').toString('base64url') },
      format: 'jwk',
    });
    return verifySignature(null, Buffer.from(message, 'utf8'), key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}
