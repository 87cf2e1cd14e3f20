import { z } from 'zod';
import { fromWireJson, toWireJson } from '../../shared/wire-json.ts';
import { NodeRequestError } from '../node-request-error.ts';
import { statementDigest, type PeerCrypto, type PeerInfo } from './peer-crypto.ts';

/**
 * A message one node signs for others: what kind it is, which protocol session it belongs
 * to, who sent it, and its body. Relayed messages (a dealer's broadcast forwarded by the
 * leader) stay verifiable because the signature covers all four.
 */
export interface SignedEnvelope {
  from: number;
  kind: string;
  session: string;
  body: string;
  sig: string;
}

const DOMAIN = 'litbox-peer-v1';

export function sealEnvelope(
  crypto: PeerCrypto,
  from: number,
  kind: string,
  session: string,
  value: unknown,
): SignedEnvelope {
  const body = toWireJson(value);
  const sig = crypto.sign(statementDigest(DOMAIN, [kind, session, String(from), body])).toString('hex');
  return { from, kind, session, body, sig };
}

export interface PeerLookup {
  peer(index: number): PeerInfo | undefined;
}

/** Checks sender, kind, session and signature, then decodes the body. Any failure is a 4xx. */
export function openEnvelope<T>(
  crypto: PeerCrypto,
  peers: PeerLookup,
  raw: unknown,
  expect: { kind: string; session?: string; from?: number },
): { from: number; session: string; body: T } {
  const env = raw as Partial<SignedEnvelope> | null;
  if (
    !env ||
    typeof env !== 'object' ||
    typeof env.from !== 'number' ||
    typeof env.kind !== 'string' ||
    typeof env.session !== 'string' ||
    typeof env.body !== 'string' ||
    typeof env.sig !== 'string' ||
    !/^[0-9a-f]{128}$/.test(env.sig)
  )
    throw new NodeRequestError(400, 'bad_envelope', 'not a signed peer message');
  if (env.kind !== expect.kind)
    throw new NodeRequestError(400, 'bad_envelope', `expected a ${expect.kind} message, got ${env.kind}`);
  if (expect.session !== undefined && env.session !== expect.session)
    throw new NodeRequestError(400, 'bad_envelope', 'the message belongs to another session');
  if (expect.from !== undefined && env.from !== expect.from)
    throw new NodeRequestError(400, 'bad_envelope', `the message should come from node ${expect.from}`);
  const peer = peers.peer(env.from);
  if (!peer) throw new NodeRequestError(403, 'unregistered', `node ${env.from} is not registered in Staking`);
  const digest = statementDigest(DOMAIN, [env.kind, env.session, String(env.from), env.body]);
  if (!crypto.verify(peer, digest, Buffer.from(env.sig, 'hex')))
    throw new NodeRequestError(403, 'bad_signature', `the signature of node ${env.from} does not verify`);
  try {
    return { from: env.from, session: env.session, body: fromWireJson<T>(env.body) };
  } catch {
    throw new NodeRequestError(400, 'bad_envelope', 'the message body is not valid');
  }
}

/** Signed envelopes relayed inside another message (checked one by one when opened). */
export const RelayedEnvelopes = z.array(z.unknown()).max(1024);
/** Values sealed for one recipient, by sender index. */
export const SealedValues = z.record(z.string(), z.instanceof(Uint8Array));

/**
 * The body of a message whose signature verified, checked against its shape: a registered
 * node that is faulty or hostile can sign anything, and a wrong shape is a 400, not a crash.
 */
export function messageBody<T>(schema: z.ZodType<T>, body: unknown, kind: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new NodeRequestError(400, 'bad_message', `the ${kind} message does not have its expected shape`);
  return parsed.data;
}
