import { createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { LitEnvelope, LitEnvelopeError, openLitEnvelope } from '../../shared/lit-sdk/e2ee.ts';
import { rawPublicKey } from '../node-identity.ts';
import {
  LIT_ERROR_STATUS,
  LIT_NODE_ROUTES,
  LIT_REQUEST_HEADERS,
  isLocalhostOrigin,
  type LitErrorObject,
  type LitRouteData,
  type LitRouteError,
  type LitRouteName,
  type LitRouteRequest,
  type PlainLitRouteName,
  type SealedLitRouteName,
} from '../../shared/lit-sdk/node-routes.ts';
import { parseRequest, type Caller, type Route } from '../http-server.ts';
import { NodeRequestError } from '../node-request-error.ts';
import type { AnyNodeErrorCode } from '../../shared/node-protocol.ts';

/** An error a Lit route answers on purpose: a code from that route's closed list. */
export class LitRequestError<N extends LitRouteName> extends NodeRequestError {
  constructor(_route: N, code: LitRouteError<N>, message: string) {
    super(LIT_ERROR_STATUS[code], code, message);
  }
}

/** A refusal of a sealed route, already sealed to the client that asked. */
class SealedRefusal extends NodeRequestError {
  readonly envelope: LitEnvelope;
  constructor(status: number, code: AnyNodeErrorCode, message: string, envelope: LitEnvelope) {
    super(status, code, message);
    this.envelope = envelope;
  }
}

/** The node's X25519 identity key pair (the public half is the handshake's `nodeIdentityKey`). */
export interface LitIdentityKeys {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  /** X25519 with a client's key, natively (see LitE2eeKeys). */
  agree: (theirPublicKey: Uint8Array) => Uint8Array;
}

const CORS = { allowOrigin: isLocalhostOrigin, allowHeaders: LIT_REQUEST_HEADERS };

/**
 * One route of Lit's node API (app/shared/lit-sdk/node-routes.ts), registered from its table
 * entry: the request is parsed with the entry's schema, the answer checked against it and
 * wrapped in Lit's envelope; errors come back in the shape the SDK shows its user. Pages on
 * localhost may call it (CORS).
 */
export function litRoute<N extends PlainLitRouteName>(
  name: N,
  handle: (request: LitRouteRequest<N>) => Promise<LitRouteData<N>> | LitRouteData<N>,
  options: { dataAlsoAtTopLevel?: boolean } = {},
): Route {
  const spec = LIT_NODE_ROUTES[name];
  return {
    method: 'POST',
    path: spec.path,
    handler: async (body) => {
      const request = parseRequest(spec.request, body) as LitRouteRequest<N>;
      const data = spec.data.parse(await handle(request));
      // The v7 SDK reads the handshake's fields at the top level, v8 inside `data`; each ignores
      // the other's, so one answer serves both.
      return { ...(options.dataAlsoAtTopLevel ? data : {}), ok: true, error: null, errorObject: null, data };
    },
    encodeError: (status, code, message) => litErrorBody(status, code, message),
    cors: CORS,
  };
}

/**
 * A sealed route (Lit's v2 API): the request is opened with the node's identity key, parsed
 * with the entry's schema and handled; the answer, and any refusal after the request opened,
 * goes back sealed to the client's key, with the refusal's HTTP status. A request that does
 * not open is refused in the clear (cannot_decrypt), as Lit's nodes do.
 */
export function litSealedRoute<N extends SealedLitRouteName>(
  name: N,
  keys: LitIdentityKeys,
  handle: (request: LitRouteRequest<N>, caller: Caller) => Promise<LitRouteData<N>> | LitRouteData<N>,
): Route {
  const spec = LIT_NODE_ROUTES[name];
  return {
    method: 'POST',
    path: spec.path,
    handler: async (body, _url, caller) => {
      const envelope = parseRequest(LitEnvelope, body);
      let opened: ReturnType<typeof openLitEnvelope>;
      try {
        opened = openLitEnvelope(keys, envelope);
      } catch (err) {
        if (err instanceof LitEnvelopeError)
          throw new NodeRequestError(LIT_ERROR_STATUS.cannot_decrypt, 'cannot_decrypt', err.message);
        throw err;
      }
      const seal = (answer: unknown) => opened.reply(new TextEncoder().encode(JSON.stringify(answer)));
      try {
        const request = parseRequest(
          spec.request as z.ZodType,
          new TextDecoder().decode(opened.plaintext),
        ) as LitRouteRequest<N>;
        const data = spec.data.parse(await handle(request, caller));
        return seal({ ok: true, error: null, errorObject: null, data });
      } catch (err) {
        const { status, code, message }: { status: number; code: AnyNodeErrorCode; message: string } =
          err instanceof NodeRequestError
            ? err
            : { status: 500, code: 'internal', message: err instanceof Error ? err.message : String(err) };
        const refusal = litErrorBody(status, code, message);
        throw new SealedRefusal(
          status,
          code,
          message,
          seal({ ...refusal, errorObject: JSON.stringify(refusal.errorObject) }),
        );
      }
    },
    encodeError: (status, code, message, error) =>
      error instanceof SealedRefusal ? error.envelope : litErrorBody(status, code, message),
    cors: CORS,
  };
}

function litErrorBody(status: number, code: string, message: string) {
  const errorObject: LitErrorObject = {
    // Lit's kinds: what the requester can fix, or not.
    errorKind: status < 500 ? 'Validation' : 'Unexpected',
    errorCode: `litbox_${code}`,
    status,
    message,
    details: [code],
  };
  return { ok: false, error: message, errorObject, data: null };
}

/** The raw X25519 secret of the node's encryption key, checked against the public key it registered. */
export function litIdentityKeys(encryptionKey: KeyObject, encryptionPublicKey: Uint8Array): LitIdentityKeys {
  const d = encryptionKey.export({ format: 'jwk' }).d;
  if (!d) throw new Error('the node encryption key is not a private X25519 key');
  const secretKey = new Uint8Array(Buffer.from(d, 'base64url'));
  // node:crypto derives the public half natively (X25519 in JS costs every node start ~0.1 s).
  const publicKey = new Uint8Array(rawPublicKey(encryptionKey));
  if (!Buffer.from(publicKey).equals(Buffer.from(encryptionPublicKey)))
    throw new Error('the node encryption key does not match its public key');
  const agree = (theirPublicKey: Uint8Array) =>
    new Uint8Array(
      diffieHellman({
        privateKey: encryptionKey,
        publicKey: createPublicKey({
          key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(theirPublicKey).toString('base64url') },
          format: 'jwk',
        }),
      }),
    );
  return { secretKey, publicKey, agree };
}
