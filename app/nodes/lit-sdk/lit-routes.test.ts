import { generateKeyPairSync } from 'node:crypto';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { x25519 } from '@noble/curves/ed25519.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LitEnvelope, openLitEnvelope, sealLitEnvelope } from '../../shared/lit-sdk/e2ee.ts';
import {
  EncryptionSignData,
  LIT_NODE_ROUTES,
  LitErrorObject,
  litResult,
  type EncryptionSignRequest,
} from '../../shared/lit-sdk/node-routes.ts';
import { createNodeServer } from '../http-server.ts';
import { rawPublicKey } from '../node-identity.ts';
import { LitRequestError, litIdentityKeys, litSealedRoute } from './lit-routes.ts';

// The sealed (v2) route wrapper on a real HTTP server: what the SDK sees for an answer, a
// refusal, a failure, a request that does not open and one that opens but is malformed.

const pair = generateKeyPairSync('x25519');
const nodePublicKey = rawPublicKey(pair.privateKey);
const keys = litIdentityKeys(pair.privateKey, nodePublicKey);

const SHARE = {
  result: 'success',
  signatureShare: { ProofOfPossession: { identifier: '01'.padEnd(64, '0'), value: 'ab'.repeat(96) } },
  shareId: '1',
} as const;

/** What the handler does, by the request's dataToEncryptHash. */
const behaviours: Record<string, () => unknown> = {
  ['11'.repeat(32)]: () => SHARE,
  ['22'.repeat(32)]: () => {
    throw new LitRequestError('encryptionSign', 'conditions_not_met', 'the conditions are not met for 0xabc');
  },
  ['33'.repeat(32)]: () => {
    throw new Error('disk on fire');
  },
  ['44'.repeat(32)]: () => ({ ...SHARE, shareId: 7 }),
};

const request = (dataToEncryptHash: string): EncryptionSignRequest => ({
  accessControlConditions: [{}],
  ciphertext: 'AAAA',
  dataToEncryptHash,
  authSig: {},
  chain: 'ethereum',
});

describe('a sealed Lit route', () => {
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    server = createNodeServer([
      litSealedRoute('encryptionSign', keys, (req) => behaviours[req.dataToEncryptHash]!() as EncryptionSignData),
    ]);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${LIT_NODE_ROUTES.encryptionSign.path}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function send(body: unknown, client = x25519.utils.randomSecretKey()) {
    const sealed = sealLitEnvelope(client, nodePublicKey, new TextEncoder().encode(JSON.stringify(body)));
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...sealed, epoch: 1 }),
    });
    const opened = openLitEnvelope(client, LitEnvelope.parse(await res.json()));
    return {
      status: res.status,
      answer: litResult(EncryptionSignData).parse(JSON.parse(new TextDecoder().decode(opened.plaintext))),
    };
  }

  it('seals the answer back to the client that asked', async () => {
    const { status, answer } = await send(request('11'.repeat(32)));
    expect(status).toBe(200);
    expect(answer).toEqual({ ok: true, error: null, errorObject: null, data: SHARE });
  });

  it('seals refusals back too, with their status and code', async () => {
    const refused = await send(request('22'.repeat(32)));
    expect(refused.status).toBe(403);
    expect(refused.answer).toMatchObject({ ok: false, data: null, error: 'the conditions are not met for 0xabc' });
    expect(LitErrorObject.parse(JSON.parse(refused.answer.errorObject as string))).toEqual({
      errorKind: 'Validation',
      errorCode: 'litbox_conditions_not_met',
      status: 403,
      message: 'the conditions are not met for 0xabc',
      details: ['conditions_not_met'],
    });
    // An unexpected failure, and an answer that does not fit the route's schema: 500, sealed.
    for (const hash of ['33'.repeat(32), '44'.repeat(32)]) {
      const failed = await send(request(hash));
      expect(failed.status).toBe(500);
      expect(JSON.parse(failed.answer.errorObject as string)).toMatchObject({
        errorKind: 'Unexpected',
        details: ['internal'],
      });
    }
    // A request that opens but is not the route's: 400, sealed, naming the field.
    const malformed = await send({ ...request('11'.repeat(32)), dataToEncryptHash: 'not hex' });
    expect(malformed.status).toBe(400);
    expect(malformed.answer.error).toContain('dataToEncryptHash');
  });

  it('refuses in the clear what does not open', async () => {
    const stray = sealLitEnvelope(
      x25519.utils.randomSecretKey(),
      x25519.getPublicKey(x25519.utils.randomSecretKey()),
      new TextEncoder().encode(JSON.stringify(request('11'.repeat(32)))),
    );
    for (const body of [JSON.stringify(stray), '{"version":"1"}', 'not json']) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(400);
      const answer = litResult(EncryptionSignData).parse(await res.json());
      expect(answer.ok).toBe(false);
      expect(answer.errorObject).toMatchObject({ status: 400 });
    }
  });

  it('takes the node key only if it matches the registered public key', () => {
    const other = generateKeyPairSync('x25519');
    expect(() => litIdentityKeys(pair.privateKey, rawPublicKey(other.privateKey))).toThrow(/does not match/);
    expect(Buffer.from(x25519.getPublicKey(keys.secretKey))).toEqual(nodePublicKey);
  });
});
