import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { getAddress, verifyMessage } from 'ethers';
import { SiweMessage } from 'siwe';
import { z } from 'zod';
import { LIT_ERROR_STATUS } from '../../shared/lit-sdk/node-routes.ts';
import { NodeRequestError } from '../node-request-error.ts';

/**
 * Lit's session signatures, verified by the node itself (issue 15 item 2). The SDK makes an
 * Ed25519 session key, has the wallet sign a SIWE whose URI names that key and whose ReCap
 * grants abilities, and then signs, with the session key, one message per node naming that
 * node. A node accepts it only for itself, within its time window, for a resource and ability
 * both the session and the wallet's capability grant.
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
  /** The wallet that granted the session (checksummed): the requester for permissions. */
  requester: string;
  sessionKey: string;
  expiresAt: number;
}

type SessionErrorCode = 'invalid_session' | 'expired_session' | 'session_for_other_node' | 'resource_not_granted';

function refuse(code: SessionErrorCode, message: string): never {
  throw new NodeRequestError(LIT_ERROR_STATUS[code], code, message);
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
  nodeAddress: string,
  need: SessionNeed,
  now = Date.now(),
): VerifiedSession {
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

  // Some capability must be a wallet's SIWE, for this session key, granting the same.
  const reasons: string[] = [];
  for (const capability of message.capabilities) {
    try {
      const requester = walletCapability(capability, sessionKey, `${resourcePrefix}://`, need.resource, recap, now);
      return { requester, sessionKey, expiresAt };
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
    throw new Error(`capabilities derived via ${capability.derivedVia} (PKP sessions) are not supported yet`);
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
  if (siwe.uri !== `lit:session:${sessionKey}`)
    throw new Error(`the capability's SIWE is for ${siwe.uri}, not this session key`);
  const host = siwe.domain.replace(/:\d+$/, '');
  if (host !== 'localhost' && host !== '127.0.0.1')
    throw new Error(`the capability's SIWE is for ${siwe.domain}, not a page on localhost`);
  if (!siwe.expirationTime || !(Date.parse(siwe.expirationTime) > now))
    throw new Error('the capability has expired or never expires');
  if (siwe.notBefore && Date.parse(siwe.notBefore) > now) throw new Error('the capability is not valid yet');
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

/** Whether a ReCap (urn:recap:base64url JSON) among the SIWE resources grants the ability. */
function recapGrants(resources: readonly string[], scheme: string, resource: string, ability: string): boolean {
  for (const uri of resources) {
    if (!uri.startsWith('urn:recap:')) continue;
    let recap: unknown;
    try {
      recap = JSON.parse(Buffer.from(uri.slice('urn:recap:'.length), 'base64url').toString('utf8'));
    } catch {
      continue;
    }
    const att = (recap as { att?: Record<string, Record<string, unknown>> }).att;
    if (!att || typeof att !== 'object') continue;
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
